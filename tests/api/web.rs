//! The web app's routes over HTTP: assets with the Content-Security-Policy and validators,
//! the app settings, the offline GraphiQL page, and demo sign-in only in demo mode.

use lotsennetz::web::OidcConfig;
use serde_json::{Value, json};

use crate::helpers::{TestApp, seed_small_network};

const CSP_START: &str = "default-src 'self'; script-src 'self'; style-src 'self'";

#[tokio::test]
async fn the_app_and_its_assets_are_served_with_a_strict_csp_and_validators() {
    let app = TestApp::spawn().await;

    let page = app.client.get(format!("{}/", app.address)).send().await.unwrap();

    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    assert!(headers["content-security-policy"].to_str().unwrap().starts_with(CSP_START));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"de\">") && !html.contains("https://"), "{html}");
    for asset in ["/app/app.js", "/app/app.css", "/app/lotse.js", "/app/map.js"] {
        let response = app.client.get(format!("{}{asset}", app.address)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{asset}");
        let etag = response.headers()["etag"].clone();
        let again =
            app.client.get(format!("{}{asset}", app.address)).header("if-none-match", etag).send().await.unwrap();
        assert_eq!(again.status(), 304, "{asset}");
    }
    let missing = app.client.get(format!("{}/app/nothing.js", app.address)).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_graphiql_page_loads_its_scripts_from_the_service() {
    let app = TestApp::spawn().await;

    let html = app.client.get(format!("{}/graphql", app.address)).send().await.unwrap().text().await.unwrap();

    for script in ["/app/vendor/graphiql.min.js", "/app/vendor/react.production.min.js", "/app/graphiql.js"] {
        assert!(html.contains(script), "{script} in {html}");
        let response = app.client.get(format!("{}{script}", app.address)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{script}");
    }
    assert!(!html.contains("https://") && !html.contains("<script>"), "{html}");
}

#[tokio::test]
async fn demo_sign_in_does_not_exist_outside_demo_mode() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    let list = app.client.get(format!("{}/auth/demo", app.address)).send().await.unwrap();
    let mint = app
        .client
        .post(format!("{}/auth/demo", app.address))
        .json(&json!({ "id": "admin", "role": "admin" }))
        .send()
        .await
        .unwrap();
    let config: Value =
        app.client.get(format!("{}/app/config.json", app.address)).send().await.unwrap().json().await.unwrap();

    assert_eq!(list.status(), 404);
    assert_eq!(mint.status(), 404);
    assert_eq!(config, json!({ "demo": false, "oidc": null }));
}

#[tokio::test]
async fn a_demo_token_signs_in_as_the_chosen_lotse() {
    let app = TestApp::spawn_with(|c| c.web.demo_sign_in = true).await;
    seed_small_network(&app).await;
    let persons: Value =
        app.client.get(format!("{}/auth/demo", app.address)).send().await.unwrap().json().await.unwrap();
    let lotse = persons["persons"].as_array().unwrap().iter().find(|p| p["role"] == "lotse").unwrap().clone();

    let body: Value = app
        .client
        .post(format!("{}/auth/demo", app.address))
        .json(&json!({ "id": lotse["id"], "role": "lotse" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = body["token"].as_str().unwrap();
    let (status, me) = app
        .gql_as(
            Some(token),
            "query($id: ID!) { lotse(id: $id) { email } myData { lotse { id } } }",
            json!({ "id": lotse["id"] }),
        )
        .await;

    assert_eq!(status, 200, "{me}");
    assert_eq!(me["data"]["myData"]["lotse"]["id"], lotse["id"]);
    assert_eq!(body["name"], lotse["name"]);
}

#[tokio::test]
async fn demo_sign_in_refuses_unknown_people_foreign_roles_and_form_posts() {
    let app = TestApp::spawn_with(|c| c.web.demo_sign_in = true).await;
    seed_small_network(&app).await;
    let post = |body: &'static str, content_type: &'static str| {
        app.client.post(format!("{}/auth/demo", app.address)).header("content-type", content_type).body(body).send()
    };

    let unknown = post(r#"{"id":"nobody","role":"lotse"}"#, "application/json").await.unwrap();
    let integration = post(r#"{"id":"dashboard","role":"integration"}"#, "application/json").await.unwrap();
    let form = post(r#"{"id":"admin","role":"admin"}"#, "text/plain").await.unwrap();

    assert_eq!(unknown.status(), 404);
    assert_eq!(unknown.json::<Value>().await.unwrap()["error"]["code"], "NOT_FOUND");
    assert_eq!(integration.status(), 400);
    assert_eq!(form.status(), 415);
}

#[tokio::test]
async fn the_oidc_issuer_is_announced_and_the_only_other_origin_the_csp_allows() {
    let oidc = OidcConfig {
        issuer: "https://id.example.org/realms/bw".into(),
        client_id: "web".into(),
        scope: "openid".into(),
    };
    let app = TestApp::spawn_with(|c| c.web.oidc = Some(oidc)).await;

    let page = app.client.get(format!("{}/", app.address)).send().await.unwrap();
    let config: Value =
        app.client.get(format!("{}/app/config.json", app.address)).send().await.unwrap().json().await.unwrap();

    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("connect-src 'self' https://id.example.org;"), "{csp}");
    assert_eq!(
        config["oidc"],
        json!({ "issuer": "https://id.example.org/realms/bw", "clientId": "web", "scope": "openid" })
    );
}

#[test]
fn serve_refuses_an_oidc_issuer_that_is_no_http_url() {
    let dir = tempfile::tempdir().unwrap();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args([
            "serve",
            "--port",
            "0",
            "--oidc-client-id",
            "web",
            "--oidc-issuer",
            "https://id.example.org; script-src *",
        ])
        .args(["--jwt-secret", "a-secret-of-at-least-32-bytes-length!!", "--data-dir"])
        .arg(dir.path())
        .output()
        .expect("binary runs");

    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--oidc-issuer must be an http(s) URL"), "{output:?}");
}
