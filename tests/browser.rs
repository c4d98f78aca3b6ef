//! The web app in a real headless Chromium (Debian's, installed by scripts/chromium.sh) driven
//! by puppeteer-core (installed into target/npm by scripts/npm.sh): the scenarios are in
//! tests/npm/browser.mjs (demo sign-in) and tests/npm/oidc.mjs (OpenID Connect with PKCE).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use lotsennetz::web::OidcConfig;
use lotsennetz::{Application, Config};
use serde_json::Value;
use tokio::sync::oneshot;

const SECRET: &str = "browser-test-secret-of-at-least-32-bytes";

/// One browser at a time: the page times of the first test are measured against the budget,
/// so no second Chromium (and demo network) may share the machine's cores meanwhile.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The node packages and Chromium the tests need, with a hint where they come from.
fn node(script: &str) -> Command {
    let npm = root().join("target/npm");
    assert!(
        npm.join("node_modules/puppeteer-core").is_dir(),
        "puppeteer-core is not installed: run scripts/npm.sh (scripts/test.sh does)"
    );
    let chromium = std::env::var("LOTSENNETZ_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(Path::new(&chromium).exists(), "no Chromium at {chromium}: run scripts/chromium.sh (scripts/test.sh does)");
    let mut command = Command::new("node");
    command.arg(root().join("tests/npm").join(script)).env("LOTSENNETZ_NPM_DIR", npm);
    command
}

/// Starts the app and returns its address and the sender that stops it.
async fn start(config: Config) -> (String, oneshot::Sender<()>) {
    let app = Application::build(config).await.expect("application starts");
    let address = format!("http://{}", app.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    (address, stop)
}

#[tokio::test]
async fn lotsen_connect_and_an_expert_sees_gaps_in_a_real_browser() {
    let _alone = ONE_BROWSER.lock().await;
    // Arrange: the demo network with demo sign-in, as `serve --demo` runs it.
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::embedded(dir.path().to_path_buf(), SECRET);
    config.demo = Some((lotsennetz::demo::Scale::BW, 42));
    config.web.demo_sign_in = true;
    let (address, _stop) = start(config).await;
    let screenshots: PathBuf = root().join("docs/screenshots");

    // Act
    let mut browser = node("browser.mjs");
    browser.arg(&address).arg(&screenshots);
    let output = tokio::task::spawn_blocking(move || browser.output().expect("node runs")).await.unwrap();

    // Assert
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    let summary: Value = serde_json::from_slice(&output.stdout).expect("summary as JSON");
    assert!(summary["recommendations"].as_u64().unwrap() > 0, "{summary}");
    assert_eq!(summary["steps"].as_array().unwrap().len(), 18, "{summary}");
    assert!(summary["axe"].as_object().unwrap().values().all(|v| v.as_array().unwrap().is_empty()), "{summary}");
    // The budget is one second per page on the demo network; a busy CI machine may
    // set a larger one.
    let budget: u64 = std::env::var("LOTSENNETZ_PAGE_BUDGET_MS").ok().and_then(|b| b.parse().ok()).unwrap_or(1000);
    for page in ["recommendationsMs", "mapMs"] {
        assert!(summary[page].as_u64().unwrap() <= budget, "{page} over {budget} ms: {summary}");
    }
}

#[tokio::test]
async fn a_lotse_signs_in_through_openid_connect_with_pkce() {
    let _alone = ONE_BROWSER.lock().await;
    // Arrange: a real OpenID provider, whose JWKS the service trusts.
    let dir = tempfile::tempdir().unwrap();
    let jwks = dir.path().join("jwks.json");
    let mut provider = node("oidc.mjs");
    provider.arg(&jwks).arg("lotse-0002").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = provider.spawn().expect("node runs");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let (stdout, first) = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        stdout.read_line(&mut line).expect("provider announces its issuer");
        (stdout, line)
    })
    .await
    .unwrap();
    let issuer =
        first.strip_prefix("ISSUER ").unwrap_or_else(|| panic!("not an issuer line: {first:?}")).trim().to_owned();

    let mut config = Config::embedded(dir.path().join("data"), SECRET);
    config.demo = Some((lotsennetz::demo::Scale::BW, 42));
    config.auth.jwt_secret = None;
    config.auth.jwt_jwks = Some(jwks);
    config.auth.jwt_issuer = issuer.clone();
    config.web.oidc = Some(OidcConfig { issuer, client_id: "lotsennetz-web".into(), scope: "openid api".into() });
    let (address, _stop) = start(config).await;

    // Act
    writeln!(child.stdin.take().unwrap(), "APP {address}").unwrap();
    let (status, out, err) = tokio::task::spawn_blocking(move || {
        let (mut out, mut err) = (String::new(), String::new());
        let mut stdout = stdout;
        stdout.read_to_string(&mut out).unwrap();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        (child.wait().unwrap(), out, err)
    })
    .await
    .unwrap();

    // Assert
    assert!(status.success(), "{err}\n{out}");
    // The provider logs notices on standard output too; the summary is the last line.
    let last = out.lines().last().unwrap_or_default();
    let summary: Value = serde_json::from_str(last).unwrap_or_else(|e| panic!("summary as JSON ({e}): {out}"));
    assert_eq!(summary["login"], "lotse-0002", "{summary}");
    assert!(summary["who"].as_str().unwrap().ends_with("· Digitallotse"), "{summary}");
    assert!(summary["cards"].as_u64().unwrap() > 0, "{summary}");
}
