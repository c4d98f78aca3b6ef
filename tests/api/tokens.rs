//! Tokens as identity providers issue them: the key chosen by `kid` or algorithm, `aud`
//! arrays, no `iat`, extra claims, `crit` headers, the scheme's spelling, ambiguous key sets.

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use lotsennetz::auth::KeyAlgorithm;
use serde_json::{Value, json};

use crate::auth::{FIXTURES, QUERY, claims, encode, fixture, hs256, jwk, jwks_file, merged, now, refused, signed};
use crate::helpers::*;

const KEYCLOAK_ISSUER: &str = "https://sso.example.org/realms/kommunen";
const KEYCLOAK_KID: &str = "kF0R8cQ2vN1xPq7sT5wY3zA9bC4dE6fG";
const TENANT: &str = "3f2a9c1e-7b4d-4e8a-9c61-5d0b2e7f4a18";

fn rsa_private() -> EncodingKey {
    EncodingKey::from_rsa_pem(&fixture("rsa-private.pem")).unwrap()
}

fn rsa_2_private() -> EncodingKey {
    EncodingKey::from_rsa_pem(&fixture("rsa-2-private.pem")).unwrap()
}

fn ec_private() -> EncodingKey {
    EncodingKey::from_ec_pem(&fixture("ec-private.pem")).unwrap()
}

/// Which keys a test app is started with.
#[derive(Debug, Clone, Copy)]
struct Keys {
    secret: bool,
    pem: bool,
    /// A JWKS holding the EC fixture as kid `ec-1`.
    jwks: bool,
}

async fn spawn_with_keys(keys: Keys, dir: &tempfile::TempDir) -> TestApp {
    let jwks = keys.jwks.then(|| jwks_file(dir, vec![jwk(&ec_private(), Algorithm::ES256, Some("ec-1"))]));
    TestApp::spawn_with(|config| {
        if !keys.secret {
            config.auth.jwt_secret = None;
        }
        if keys.pem {
            config.auth.jwt_public_key = Some(format!("{FIXTURES}/rsa-public.pem").into());
            config.auth.jwt_public_key_alg = KeyAlgorithm::Rs256;
        }
        config.auth.jwt_jwks = jwks;
    })
    .await
}

/// Whether the app serves the query for this token.
async fn accepts(app: &TestApp, token: &str) -> bool {
    let (status, body) = app.gql_as(Some(token), QUERY, json!({})).await;
    let accepted = status == 200 && body.get("errors").is_none();
    if !accepted {
        // The refusal must be the documented one, not any other failure.
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    }
    accepted
}

/// An access token as Keycloak issues it: RS256 with the realm key's `kid`, `aud` an array
/// (the client and `account`), a UUID-like `sub`, realm roles and other claims this service
/// does not read; the `role` claim comes from a protocol mapper. `iat` is left out here, as
/// RFC 7519 allows.
fn keycloak_claims(sub: &str, role: &str) -> Value {
    json!({
        "exp": now() + 300, "jti": "onrtac:5e0f3c1a-8d2b-4f7e-9a61-0c4b7d2e9f13", "iss": KEYCLOAK_ISSUER,
        "aud": ["lotsennetz", "account"], "sub": sub, "typ": "Bearer", "azp": "lotsennetz-web",
        "sid": "8c1d4e2f-0a3b-4c5d-9e6f-7a8b9c0d1e2f", "acr": "1",
        "allowed-origins": ["https://lotsen.example.org"],
        "realm_access": { "roles": ["offline_access", "uma_authorization", "default-roles-kommunen"] },
        "resource_access": { "account": { "roles": ["manage-account", "view-profile"] } },
        "scope": "openid profile email", "email_verified": true, "preferred_username": sub, "role": role,
    })
}

#[tokio::test]
async fn keycloak_tokens_with_a_kid_an_audience_array_and_no_iat_pass_a_pem_key() {
    // Arrange: the realm's public key as PEM alone, so the tokens' kid names no configured key.
    let mut app = TestApp::spawn_with(|config| {
        config.auth.jwt_secret = None;
        config.auth.jwt_public_key = Some(format!("{FIXTURES}/rsa-public.pem").into());
        config.auth.jwt_issuer = KEYCLOAK_ISSUER.into();
    })
    .await;
    let keycloak = |sub: &str, role: &str, overrides: Value| {
        let claims = merged(keycloak_claims(sub, role), overrides);
        assert!(claims.get("iat").is_none());
        signed(Algorithm::RS256, Some(KEYCLOAK_KID), &claims, &rsa_private())
    };
    app.token = keycloak("admin", "admin", json!({}));
    seed_small_network(&app).await;

    // Act
    let anna = app.as_user(keycloak("anna", "lotse", json!({}))).data("{ myData { lotse { id } } }", json!({})).await;

    // Assert: `sub` and `role` are read; the audience array must still name this service.
    assert_eq!(anna["myData"]["lotse"]["id"], "anna");
    refused(&app, &keycloak("anna", "lotse", json!({ "aud": ["account", "broker"] }))).await;
    refused(&app, &keycloak("anna", "lotse", json!({ "aud": [] }))).await;
    refused(&app, &keycloak("anna", "lotse", json!({ "iss": "https://sso.example.org/realms/other" }))).await;
    refused(&app, &signed(Algorithm::RS256, Some("kF0R8cQ2"), &keycloak_claims("anna", "lotse"), &rsa_2_private()))
        .await;
}

/// An RSA fixture's public key as a JWK with this `kid`, with `fields` set (`alg: null`
/// removes the algorithm).
fn rsa_jwk(key: &EncodingKey, kid: &str, fields: Value) -> Value {
    let mut jwk = merged(serde_json::to_value(jwk(key, Algorithm::RS256, Some(kid))).unwrap(), fields);
    jwk.as_object_mut().unwrap().retain(|_, value| !value.is_null());
    jwk
}

/// Writes `keys` as a JWKS named `name` into `dir`.
fn write_jwks(dir: &tempfile::TempDir, name: &str, keys: Vec<Value>) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, json!({ "keys": keys }).to_string()).unwrap();
    path
}

#[tokio::test]
async fn keycloak_encryption_keys_in_its_jwks_never_check_a_token() {
    // Arrange: Keycloak's certs endpoint lists the realm's signing key and an encryption key.
    let dir = tempfile::tempdir().unwrap();
    let jwks = write_jwks(
        &dir,
        "certs.json",
        vec![
            rsa_jwk(&rsa_private(), KEYCLOAK_KID, json!({ "use": "sig", "x5t": "sig-thumbprint" })),
            rsa_jwk(&rsa_2_private(), "enc-kid", json!({ "alg": "RSA-OAEP", "use": "enc", "x5t": "enc-thumbprint" })),
        ],
    );
    let app = TestApp::spawn_with(|config| {
        config.auth.jwt_secret = None;
        config.auth.jwt_jwks = Some(jwks);
        config.auth.jwt_issuer = KEYCLOAK_ISSUER.into();
    })
    .await;
    let token = |kid, key: &EncodingKey| signed(Algorithm::RS256, Some(kid), &keycloak_claims("admin", "admin"), key);

    // Act and assert
    assert!(accepts(&app, &token(KEYCLOAK_KID, &rsa_private())).await);
    refused(&app, &token("enc-kid", &rsa_2_private())).await;
}

/// Azure AD (v2.0) as it publishes its keys: RSA keys with `kid` and `x5t` but no `alg`, and
/// more than one at a time while a key rolls over.
fn azure_jwks(dir: &tempfile::TempDir) -> PathBuf {
    let issuer = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
    let entry = |key: &EncodingKey, kid: &str| {
        rsa_jwk(key, kid, json!({ "alg": null, "use": "sig", "x5t": kid, "issuer": issuer }))
    };
    write_jwks(dir, "azure-keys.json", vec![entry(&rsa_private(), "old-key"), entry(&rsa_2_private(), "new-key")])
}

fn azure_claims() -> Value {
    let t = now();
    json!({
        "aud": "api://lotsennetz", "iss": format!("https://login.microsoftonline.com/{TENANT}/v2.0"),
        "iat": t, "nbf": t, "exp": t + 3600, "aio": "AWQAm/8ZAAAA", "azp": "0d5b7c3e-2f41-4c6a-8e9d-1b2a3c4d5e6f",
        "azpacr": "1", "name": "Geschäftsstelle", "oid": "6e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
        "preferred_username": "gs@kommunen.example.org", "rh": "0.AXkA", "roles": ["Lotsennetz.Admin"],
        "scp": "access_as_user", "sub": "admin", "tid": TENANT, "uti": "fX2Q", "ver": "2.0", "role": "admin",
    })
}

#[tokio::test]
async fn azure_ad_tokens_are_checked_by_the_jwks_key_their_kid_names() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let jwks = azure_jwks(&dir);
    let app = TestApp::spawn_with(|config| {
        config.auth.jwt_secret = None;
        config.auth.jwt_jwks = Some(jwks);
        config.auth.jwt_issuer = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
        config.auth.jwt_audience = "api://lotsennetz".into();
    })
    .await;
    let azure = |kid: Option<&str>, key: &EncodingKey| {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = kid.map(str::to_owned);
        header.x5t = kid.map(str::to_owned);
        encode(&header, &azure_claims(), key).unwrap()
    };

    // Act and assert: each key by its kid, with the string audience.
    assert!(accepts(&app, &azure(Some("new-key"), &rsa_2_private())).await);
    assert!(accepts(&app, &azure(Some("old-key"), &rsa_private())).await);
    // The kid picks one key; a token signed by the other one does not get a second try.
    refused(&app, &azure(Some("new-key"), &rsa_private())).await;
    // JWKS keys are chosen by kid only: with two RSA keys a token without one names neither.
    refused(&app, &azure(None, &rsa_2_private())).await;
}

#[tokio::test]
async fn a_secret_a_pem_key_and_a_jwks_each_take_the_tokens_meant_for_them() {
    let hs = |kid| signed(Algorithm::HS256, kid, &claims(json!({})), &EncodingKey::from_secret(SECRET.as_bytes()));
    let rs = |kid| signed(Algorithm::RS256, kid, &claims(json!({})), &rsa_private());
    let es = |kid| signed(Algorithm::ES256, kid, &claims(json!({})), &ec_private());
    let tokens = [
        ("HS256 without kid", hs(None)),
        ("HS256 with a kid", hs(Some("dev"))),
        ("RS256 without kid", rs(None)),
        ("RS256 with a kid", rs(Some("kc-realm-key"))),
        ("ES256 with the JWKS kid", es(Some("ec-1"))),
        ("ES256 without kid", es(None)),
        ("ES256 with another kid", es(Some("ec-2"))),
        ("HS256 signed with the PEM key's bytes", hs256(&claims(json!({})), &fixture("rsa-public.pem"))),
    ];
    let (secret, pem, jwks) = (true, true, true);
    // Expected acceptance of each token above, per key set.
    let matrix = [
        (Keys { secret, pem: false, jwks: false }, [true, true, false, false, false, false, false, false]),
        (Keys { secret: false, pem, jwks: false }, [false, false, true, true, false, false, false, false]),
        (Keys { secret, pem, jwks: false }, [true, true, true, true, false, false, false, false]),
        (Keys { secret, pem, jwks }, [true, true, true, true, true, false, false, false]),
        (Keys { secret: false, pem: false, jwks }, [false, false, false, false, true, false, false, false]),
    ];

    for (keys, expected) in matrix {
        let dir = tempfile::tempdir().unwrap();
        let app = spawn_with_keys(keys, &dir).await;
        for ((what, token), expected) in tokens.iter().zip(expected) {
            assert_eq!(accepts(&app, token).await, expected, "{keys:?}: {what}");
        }
    }
}

#[tokio::test]
async fn tokens_with_a_critical_header_extension_are_refused() {
    // Arrange
    let app = TestApp::spawn().await;
    let with_header = |crit: Option<Vec<&str>>| {
        let mut header = Header::new(Algorithm::HS256);
        header.extras.insert("exp-ext".into(), "1".into());
        header.crit = crit.map(|names| names.into_iter().map(str::to_owned).collect());
        encode(&header, &claims(json!({})), &EncodingKey::from_secret(SECRET.as_bytes())).unwrap()
    };

    // Act and assert: the extension parameter alone is ignored; marked critical, it is refused.
    assert!(accepts(&app, &with_header(None)).await);
    refused(&app, &with_header(Some(vec!["exp-ext"]))).await;
    refused(&app, &with_header(Some(vec![]))).await;
}

#[tokio::test]
async fn the_bearer_scheme_is_matched_in_any_case() {
    // Arrange
    let app = TestApp::spawn().await;
    let send = |authorization: String| {
        let request = app.client.post(format!("{}/graphql", app.address)).header("authorization", authorization);
        async move { request.json(&json!({ "query": QUERY })).send().await.unwrap().status().as_u16() }
    };
    let token = &app.token;

    // Act and assert
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        assert_eq!(send(format!("{scheme} {token}")).await, 200, "{scheme}");
    }
    for refused in [format!("Bearer{token}"), format!("Token {token}"), "Bearer".to_owned(), "Bearer ".to_owned()] {
        assert_eq!(send(refused.clone()).await, 401, "{refused}");
    }
}

#[tokio::test]
async fn ambiguous_key_sets_are_refused_at_start_with_the_keys_named() {
    let dir = tempfile::tempdir().unwrap();
    let build = |adjust: &dyn Fn(&mut lotsennetz::Config)| {
        let mut config = lotsennetz::Config::embedded(dir.path().join("data"), SECRET);
        adjust(&mut config);
        async move { lotsennetz::Application::build(config).await.err().map(|e| format!("{e:#}")) }
    };
    let pem = || Some(PathBuf::from(format!("{FIXTURES}/rsa-public.pem")));
    let keyless = jwks_file(&dir, vec![jwk(&rsa_2_private(), Algorithm::RS256, None)]);
    let same_kid = vec![rsa_jwk(&rsa_private(), "k1", json!({})), rsa_jwk(&rsa_2_private(), "k1", json!({}))];
    let twice = write_jwks(&dir, "twice.json", same_kid);

    // Act: a PEM key and a JWKS key without kid, both RS256.
    let without_kid = build(&|config| {
        config.auth.jwt_public_key = pem();
        config.auth.jwt_jwks = Some(keyless.clone());
    })
    .await
    .expect("refused");
    // Two JWKS keys of one algorithm under one kid.
    let one_kid = build(&|config| config.auth.jwt_jwks = Some(twice.clone())).await.expect("refused");
    // A secret, a PEM key and a JWKS key with a kid are no ambiguity.
    let distinct = build(&|config| {
        config.auth.jwt_public_key = pem();
        config.auth.jwt_jwks = Some(azure_jwks(&dir));
    })
    .await;

    // Assert
    assert!(without_kid.contains("ambiguous token keys"), "{without_kid}");
    assert!(without_kid.contains("LOTSENNETZ_JWT_PUBLIC_KEY"), "{without_kid}");
    assert!(without_kid.contains("key 1 of LOTSENNETZ_JWT_JWKS"), "{without_kid}");
    assert!(without_kid.contains("RS256 tokens without a kid"), "{without_kid}");
    assert!(one_kid.contains("key 1 of LOTSENNETZ_JWT_JWKS"), "{one_kid}");
    assert!(one_kid.contains("key 2 of LOTSENNETZ_JWT_JWKS"), "{one_kid}");
    assert!(one_kid.contains("kid \"k1\""), "{one_kid}");
    assert_eq!(distinct, None);
}

#[tokio::test]
async fn pem_keys_of_every_offered_algorithm_and_a_certificate_check_their_tokens() {
    let ed_private = EncodingKey::from_ed_pem(&fixture("ed-private.pem")).unwrap();
    let cases = [
        ("ec-public.pem", KeyAlgorithm::Es256, Algorithm::ES256, ec_private()),
        ("ed-public.pem", KeyAlgorithm::EdDsa, Algorithm::EdDSA, ed_private),
        ("rsa-certificate.pem", KeyAlgorithm::Rs256, Algorithm::RS256, rsa_private()),
    ];
    for (file, configured, algorithm, private) in cases {
        // Arrange
        let app = TestApp::spawn_with(|config| {
            config.auth.jwt_secret = None;
            config.auth.jwt_public_key = Some(format!("{FIXTURES}/{file}").into());
            config.auth.jwt_public_key_alg = configured;
        })
        .await;

        // Act
        let own = accepts(&app, &signed(algorithm, None, &claims(json!({})), &private)).await;
        let other = accepts(&app, &signed(Algorithm::RS256, None, &claims(json!({})), &rsa_2_private())).await;

        // Assert
        assert!(own, "{file}: a token signed with its private key");
        assert!(!other, "{file}: a token of another key");
    }
}

#[tokio::test]
async fn a_pem_file_without_the_configured_key_stops_the_start_with_what_it_holds() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let build = |file: &str, algorithm: KeyAlgorithm| {
        let mut config = lotsennetz::Config::embedded(dir.path().join("data"), SECRET);
        config.auth.jwt_public_key = Some(format!("{FIXTURES}/{file}").into());
        config.auth.jwt_public_key_alg = algorithm;
        async move { lotsennetz::Application::build(config).await.err().map(|e| format!("{e:#}")) }
    };

    // Act
    let ec_as_rsa = build("ec-public.pem", KeyAlgorithm::Rs256).await.expect("refused");
    let rsa_as_ed = build("rsa-public.pem", KeyAlgorithm::EdDsa).await.expect("refused");
    let private = build("rsa-private.pem", KeyAlgorithm::Rs256).await.expect("refused");
    let text = build("README.md", KeyAlgorithm::Rs256).await.expect("refused");

    // Assert
    assert!(ec_as_rsa.contains("ec-public.pem holds an EC P-256 key, not a key for RS256"), "{ec_as_rsa}");
    assert!(rsa_as_ed.contains("rsa-public.pem holds an RSA key, not a key for EdDSA"), "{rsa_as_ed}");
    assert!(private.contains("a PEM block \"PRIVATE KEY\" holds no public key"), "{private}");
    assert!(text.contains("README.md holds no public key: no PEM block"), "{text}");
}

#[tokio::test]
async fn rsa_keys_shorter_than_2048_bits_are_refused_at_start() {
    // Arrange: a JWKS whose RSA key has a 1,024-bit modulus, and one with a 2,048-bit one.
    let dir = tempfile::tempdir().unwrap();
    let modulus = |bits: usize| {
        let mut n = vec![0u8; bits / 8];
        n[0] = 0x80;
        n[bits / 8 - 1] = 1;
        URL_SAFE_NO_PAD.encode(n)
    };
    let jwks =
        |name, bits| write_jwks(&dir, name, vec![json!({ "kty": "RSA", "kid": "k", "n": modulus(bits), "e": "AQAB" })]);
    let short = jwks("short.json", 1024);
    let long = jwks("long.json", 2048);
    let build = |jwks: PathBuf| {
        let mut config = lotsennetz::Config::embedded(dir.path().join("data"), SECRET);
        config.auth.jwt_jwks = Some(jwks);
        async move { lotsennetz::Application::build(config).await.err().map(|e| format!("{e:#}")) }
    };

    // Act
    let refused = build(short).await.expect("refused");
    let accepted = build(long).await;

    // Assert
    assert!(refused.contains("key 1 of LOTSENNETZ_JWT_JWKS"), "{refused}");
    assert!(refused.contains("an RSA key of 1024 bits"), "{refused}");
    assert_eq!(accepted, None);
}

/// A started service, stopped however the test ends.
struct Service(std::process::Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `serve --demo` without a secret signs its printed tokens with a random one; a provider's
/// key configured next to it must not make those tokens (which carry no kid) unusable.
#[tokio::test]
async fn serve_demo_with_a_pem_key_accepts_its_own_tokens_and_the_providers() {
    // Arrange: a free port, and the service started as an operator would.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let mut service = Service(
        std::process::Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
            .args(["serve", "--demo", "--port", &port.to_string(), "--data-dir"])
            .arg(dir.path())
            .args(["--jwt-public-key", &format!("{FIXTURES}/rsa-public.pem")])
            .env_remove("LOTSENNETZ_JWT_SECRET")
            .env_remove("LOTSENNETZ_JWT_JWKS")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = service.0.stdout.take().unwrap();
    // The admin's token is the last one printed, after the listener is bound.
    let admin_token = tokio::task::spawn_blocking(move || {
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout)).map(Result::unwrap);
        lines.find(|line| line.trim() == "admin:").expect("admin token printed");
        lines.next().expect("token line").trim().to_owned()
    })
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let status = |token: String| {
        let request = client.post(format!("http://127.0.0.1:{port}/graphql")).bearer_auth(token);
        async move { request.json(&json!({ "query": QUERY })).send().await.unwrap().status().as_u16() }
    };

    // Act
    let demo = status(admin_token.clone()).await;
    let provider = status(signed(Algorithm::RS256, Some("kc-1"), &claims(json!({})), &rsa_private())).await;
    let forged = status(hs256(&claims(json!({})), SECRET.as_bytes())).await;
    drop(service);

    // Assert
    assert_eq!((demo, provider, forged), (200, 200, 401), "{admin_token}");
}

#[tokio::test]
async fn a_jwks_key_without_kid_checks_the_tokens_of_its_algorithm() {
    // Arrange: a hand-written JWKS whose one key has no kid, next to the secret.
    let dir = tempfile::tempdir().unwrap();
    let jwks = write_jwks(&dir, "keys.json", vec![rsa_jwk(&rsa_private(), "", json!({ "kid": null }))]);
    let app = TestApp::spawn_with(|config| config.auth.jwt_jwks = Some(jwks)).await;
    let rs256 = |kid| signed(Algorithm::RS256, kid, &claims(json!({})), &rsa_private());

    // Act and assert
    assert!(accepts(&app, &rs256(None)).await);
    assert!(accepts(&app, &rs256(Some("any-kid"))).await);
    assert!(accepts(&app, &app.token).await);
    refused(&app, &signed(Algorithm::RS256, None, &claims(json!({})), &rsa_2_private())).await;
}
