//! The GraphQL-over-HTTP audit of the `graphql-http` npm package, run against the live
//! service: no requirement (MUST) may fail; the recommendations (SHOULD) it still warns about
//! are the ones the README lists with their reasons.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::helpers::TestApp;

/// Audits the service may warn about, each explained in the README ("GraphQL over HTTP").
const ACCEPTED_WARNINGS: &[&str] = &[];

#[tokio::test]
async fn the_graphql_over_http_audit_finds_no_failed_requirement() {
    let app = TestApp::spawn().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let npm = root.join("target/npm");
    assert!(
        npm.join("node_modules/graphql-http").is_dir(),
        "graphql-http is not installed: run scripts/npm.sh (scripts/test.sh does)"
    );

    let mut audit = Command::new("node");
    audit.arg(root.join("tests/npm/audit.mjs")).arg(format!("{}/graphql", app.address)).arg(&app.token);
    audit.env("LOTSENNETZ_NPM_DIR", &npm);
    // Off the test's runtime thread, which serves the requests.
    let output = tokio::task::spawn_blocking(move || audit.output().expect("node runs")).await.unwrap();

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).expect("audit results as JSON");
    assert!(results.len() > 50, "{results:?}");
    let with = |status: &str| -> Vec<String> {
        results
            .iter()
            .filter(|r| r["status"] == status)
            .map(|r| format!("{} {}: {}", r["id"], r["name"], r["reason"]))
            .collect()
    };
    assert!(with("error").is_empty(), "failed requirements: {:#?}", with("error"));
    let unexplained: Vec<String> = with("warn")
        .into_iter()
        .filter(|w| !ACCEPTED_WARNINGS.iter().any(|id| w.starts_with(&format!("\"{id}\""))))
        .collect();
    assert!(unexplained.is_empty(), "warnings not explained in the README: {unexplained:#?}");
}
