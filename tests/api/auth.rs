//! Authentication: every bad token is refused with UNAUTHENTICATED, never treated as anonymous.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use lotsennetz::auth::KeyAlgorithm;
use serde_json::{Value, json};

use crate::helpers::*;

pub(crate) const QUERY: &str = "{ topics { edges { cursor } } }";
pub(crate) const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

pub(crate) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

pub(crate) fn claims(overrides: Value) -> Value {
    let claims = json!({ "sub": "admin", "role": "admin", "iss": "lotsennetz", "aud": "lotsennetz", "iat": now(), "exp": now() + 600 });
    merged(claims, overrides)
}

/// `base` with the members of `overrides` set (a JSON object each).
pub(crate) fn merged(mut base: Value, overrides: Value) -> Value {
    for (k, v) in overrides.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

/// `jsonwebtoken::encode` with the service's signature provider (ring), so that the tests sign
/// with the code that checks their tokens.
pub(crate) fn encode<T: serde::Serialize>(
    header: &Header,
    claims: &T,
    key: &EncodingKey,
) -> jsonwebtoken::errors::Result<String> {
    lotsennetz::auth::crypto::install();
    jsonwebtoken::encode(header, claims, key)
}

pub(crate) fn hs256(claims: &Value, secret: &[u8]) -> String {
    encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret)).unwrap()
}

/// A token signed with `key`, its header naming `alg` and, if given, `kid`.
pub(crate) fn signed(alg: Algorithm, kid: Option<&str>, claims: &Value, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, key).unwrap()
}

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

/// The public half of a private key fixture as a JWK with this `kid` (none if `None`).
pub(crate) fn jwk(key: &EncodingKey, alg: Algorithm, kid: Option<&str>) -> Jwk {
    lotsennetz::auth::crypto::install();
    let mut jwk = Jwk::from_encoding_key(key, alg).unwrap();
    jwk.common.key_id = kid.map(str::to_owned);
    jwk
}

/// Writes a JWKS file into `dir` and returns its path.
pub(crate) fn jwks_file(dir: &tempfile::TempDir, keys: Vec<Jwk>) -> std::path::PathBuf {
    let path = dir.path().join("jwks.json");
    std::fs::write(&path, serde_json::to_string(&JwkSet { keys }).unwrap()).unwrap();
    path
}

pub(crate) async fn refused(app: &TestApp, token: &str) {
    let (status, body) = app.gql_as(Some(token), QUERY, json!({})).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    assert!(body.get("data").is_none_or(Value::is_null));
}

#[tokio::test]
async fn anonymous_callers_get_health_and_the_ide_but_no_data() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    let (status, body) = app.gql_as(None, r#"{ lotse(id: "anna") { name } }"#, json!({})).await;
    let (_, write) = app.gql_as(None, r#"mutation { deleteProject(id: "p-emil") }"#, json!({})).await;
    let (_, introspection) = app.gql_as(None, "{ __schema { queryType { name } } }", json!({})).await;
    let health = app.client.get(format!("{}/health", app.address)).send().await.unwrap();
    let ide = app.client.get(format!("{}/graphql", app.address)).send().await.unwrap();

    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert!(body.get("data").is_none(), "a refused request has no data: {body}");
    assert_eq!(write["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_eq!(app.data(r#"{ project(id: "p-emil") { id } }"#, json!({})).await["project"]["id"], "p-emil");
    assert_eq!(introspection["data"]["__schema"]["queryType"]["name"], "Query");
    assert_eq!(health.status(), 200);
    assert_eq!(ide.status(), 200);
}

#[tokio::test]
async fn invalid_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let secret = SECRET.as_bytes();
    let valid = hs256(&claims(json!({})), secret);
    assert!(app.as_user(valid.clone()).gql(QUERY, json!({})).await.get("errors").is_none());

    let mut tampered = valid.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let (header, payload, _) = {
        let mut parts = valid.split('.');
        (parts.next().unwrap().to_owned(), parts.next().unwrap().to_owned(), parts.next().unwrap().to_owned())
    };
    let forged_payload = URL_SAFE_NO_PAD.encode(claims(json!({ "sub": "someone-else" })).to_string());
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);

    for (what, token) in [
        ("expired", hs256(&claims(json!({ "exp": now() - 3600 })), secret)),
        ("not yet valid", hs256(&claims(json!({ "nbf": now() + 3600 })), secret)),
        ("wrong issuer", hs256(&claims(json!({ "iss": "someone-else" })), secret)),
        ("wrong audience", hs256(&claims(json!({ "aud": "another-service" })), secret)),
        (
            "no expiry",
            hs256(&json!({ "sub": "admin", "role": "admin", "iss": "lotsennetz", "aud": "lotsennetz" }), secret),
        ),
        ("other secret", hs256(&claims(json!({})), b"another-secret-of-at-least-32-bytes!!")),
        ("tampered signature", tampered),
        ("tampered payload", format!("{header}.{forged_payload}.{}", valid.rsplit('.').next().unwrap())),
        ("alg none", format!("{none_header}.{payload}.")),
        ("garbage", "not-a-token".to_owned()),
        ("lotse with a non-id subject", hs256(&claims(json!({ "sub": "\"}) DETACH", "role": "lotse" })), secret)),
        ("unknown role", hs256(&claims(json!({ "role": "superuser" })), secret)),
    ] {
        let (status, body) = app.gql_as(Some(&token), QUERY, json!({})).await;
        assert_eq!(status, 401, "{what}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{what}");
    }
    let basic = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", "Basic YWRtaW46YWRtaW4=")
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
}

#[tokio::test]
async fn a_token_accepted_before_is_refused_once_it_expires() {
    // Arrange: no leeway, and a token that expires in a second.
    let app = TestApp::spawn_with(|config| config.auth.jwt_leeway = 0).await;
    let token = hs256(&claims(json!({ "exp": now() + 1 })), SECRET.as_bytes());
    let before = app.as_user(token.clone()).gql(QUERY, json!({})).await;
    assert!(before.get("errors").is_none(), "{before}");

    // Act: the same token again, after its expiry.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    // Assert
    refused(&app, &token).await;
}

#[tokio::test]
async fn rsa_public_keys_accept_rs256_and_refuse_hs256_signed_with_the_public_key() {
    let app = TestApp::spawn_with(|config| {
        config.auth.jwt_secret = None;
        config.auth.jwt_public_key = Some(format!("{FIXTURES}/rsa-public.pem").into());
        config.auth.jwt_public_key_alg = KeyAlgorithm::Rs256;
    })
    .await;
    let private = EncodingKey::from_rsa_pem(&fixture("rsa-private.pem")).unwrap();
    let rs256 = encode(&Header::new(Algorithm::RS256), &claims(json!({})), &private).unwrap();

    let accepted = app.as_user(rs256).gql(QUERY, json!({})).await;

    assert!(accepted.get("errors").is_none(), "{accepted}");
    refused(&app, &hs256(&claims(json!({})), &fixture("rsa-public.pem"))).await;
    refused(&app, &hs256(&claims(json!({})), SECRET.as_bytes())).await;
}

/// The Ed25519 fixture's public key as a JWK: its raw 32 bytes end the DER of the PEM.
fn ed25519_jwk(kid: &str) -> Jwk {
    let pem = String::from_utf8(fixture("ed-public.pem")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
    let x = URL_SAFE_NO_PAD.encode(&der[der.len() - 32..]);
    serde_json::from_value(json!({ "kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA" })).unwrap()
}

#[tokio::test]
async fn jwks_keys_are_chosen_by_kid_with_their_own_algorithm() {
    let rsa = EncodingKey::from_rsa_pem(&fixture("rsa-private.pem")).unwrap();
    let ec = EncodingKey::from_ec_pem(&fixture("ec-private.pem")).unwrap();
    let ed = EncodingKey::from_ed_pem(&fixture("ed-private.pem")).unwrap();
    let keys =
        vec![jwk(&rsa, Algorithm::RS256, Some("rsa-1")), jwk(&ec, Algorithm::ES256, Some("ec-1")), ed25519_jwk("ed-1")];
    let dir = tempfile::tempdir().unwrap();
    let jwks = jwks_file(&dir, keys);
    let app = TestApp::spawn_with(|config| {
        config.auth.jwt_secret = None;
        config.auth.jwt_jwks = Some(jwks.clone());
    })
    .await;
    let signed = |alg: Algorithm, kid: &str, key: &EncodingKey| signed(alg, Some(kid), &claims(json!({})), key);

    for token in [
        signed(Algorithm::RS256, "rsa-1", &rsa),
        signed(Algorithm::ES256, "ec-1", &ec),
        signed(Algorithm::EdDSA, "ed-1", &ed),
    ] {
        let body = app.as_user(token).gql(QUERY, json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    refused(&app, &signed(Algorithm::RS256, "unknown-kid", &rsa)).await;
    refused(&app, &signed(Algorithm::ES256, "rsa-1", &ec)).await;
    refused(&app, &signed(Algorithm::RS256, "ec-1", &rsa)).await;
    refused(&app, &hs256(&claims(json!({})), SECRET.as_bytes())).await;
}

#[tokio::test]
async fn short_secrets_are_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = lotsennetz::Config::embedded(dir.path().to_path_buf(), "too-short");
    let error = lotsennetz::Application::build(config).await.err().expect("refused");
    assert!(format!("{error:#}").contains("at least 32 bytes"), "{error:#}");
}

#[test]
fn the_token_subcommand_prints_a_token_the_server_accepts() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(["token", "--sub", "anna", "--role", "lotse"])
        .env("LOTSENNETZ_JWT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let token = stdout.trim_end();
    assert_eq!(token.lines().count(), 1);
    let verifier = lotsennetz::auth::Verifier::from_args(&lotsennetz::auth::AuthArgs::with_secret(SECRET)).unwrap();
    assert_eq!(
        verifier.verify(token).unwrap(),
        lotsennetz::auth::Viewer::Lotse(lotsennetz::domain::Id::parse_field("sub", "anna").unwrap())
    );
}

#[tokio::test]
async fn the_token_gate_holds_for_documents_run_before_and_for_fields_behind_fragments() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let reader = app.as_user(integration_token("read"));
    let no_scope = app.as_user(integration_token(""));
    let direct = r#"{ lotse(id: "anna") { name } }"#;
    let spread = r#"query Q { ...Root } fragment Root on Query { ... on Query { lotse(id: "anna") { name } } }"#;
    let named = r#"query Open { __typename } query Data { __typename lotse(id: "anna") { name } }"#;

    for query in [direct, spread] {
        // Run by a reader first, so that the document is parsed and validated already.
        assert_eq!(reader.data(query, json!({})).await["lotse"]["name"], "Lotse anna", "{query}");
        for _ in 0..2 {
            let (status, body) = app.gql_as(None, query, json!({})).await;
            assert_eq!(status, 401);
            assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{query}: {body}");
            assert_eq!(body["errors"][0]["path"], json!(["lotse"]), "{body}");
            assert!(body.get("data").is_none(), "{body}");
            assert_eq!(no_scope.error_code(query, json!({})).await, "FORBIDDEN", "{query}");
        }
    }
    let body = |operation: &str| json!({ "query": named, "operationName": operation });
    let allowed = app.post_as(Some(&app.token), body("Data")).await.1;
    assert_eq!(allowed["data"]["lotse"]["name"], "Lotse anna");
    assert_eq!(app.post_as(None, body("Open")).await.1["data"]["__typename"], "Query");
    let refused = app.post_as(None, body("Data")).await.1;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{refused}");
    assert_eq!(refused["data"], Value::Null);
}
