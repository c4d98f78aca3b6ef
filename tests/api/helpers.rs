//! `TestApp`: starts the application on port 0 with a fresh data directory.

use lotsennetz::auth::{AuthArgs, Role};
use lotsennetz::{Application, Config};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The HS256 secret of every test app.
pub const SECRET: &str = "test-secret-of-at-least-32-bytes-length";

/// A token for the test apps' secret, valid for an hour.
pub fn token(sub: &str, role: Role) -> String {
    lotsennetz::auth::mint(&AuthArgs::with_secret(SECRET), sub, role, None, 3600).expect("token minted")
}

/// An integration token with the given scopes.
pub fn integration_token(scope: &str) -> String {
    lotsennetz::auth::mint(&AuthArgs::with_secret(SECRET), "dashboard", Role::Integration, Some(scope), 3600)
        .expect("token minted")
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// Token sent by `gql`, `data` and `error_code`: an admin's unless changed.
    pub token: String,
    config: Config,
    data_dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

/// Starts the application; returns its base URL, the sender that stops it and the server task.
pub async fn start(config: Config) -> (String, oneshot::Sender<()>, JoinHandle<std::io::Result<()>>) {
    let app = Application::build(config).await.expect("application starts");
    let address = format!("http://{}", app.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    (address, stop, server)
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app with a configuration changed by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::embedded(data_dir.path().to_path_buf(), SECRET);
        adjust(&mut config);
        let (address, stop, server) = start(config.clone()).await;
        let token = token("admin", Role::Admin);
        Self {
            address,
            client: reqwest::Client::new(),
            token,
            config,
            data_dir,
            stop: Some(stop),
            server: Some(server),
        }
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    /// Stops the server and starts a new one on the same data directory.
    pub async fn restart(&mut self) {
        self.stop.take().expect("running").send(()).expect("server listens for stop");
        self.server.take().expect("running").await.expect("server task").expect("server ran");
        let (address, stop, server) = start(self.config.clone()).await;
        self.address = address;
        self.stop = Some(stop);
        self.server = Some(server);
    }

    /// Posts a GraphQL request with the app's token and returns the whole response body.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_as(Some(&self.token), query, variables).await.1
    }

    /// Posts a GraphQL request with the given bearer token (or none); returns status and body.
    pub async fn gql_as(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        self.post_as(token, json!({ "query": query, "variables": variables })).await
    }

    /// Posts a whole GraphQL request body (e.g. with an `operationName`) with the given bearer
    /// token (or none); returns status and body.
    pub async fn post_as(&self, token: Option<&str>, body: Value) -> (u16, Value) {
        let mut request = self.client.post(format!("{}/graphql", self.address)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        (response.status().as_u16(), response.json().await.expect("JSON body"))
    }

    /// The same app, sending another token.
    pub fn as_user(&self, token: String) -> UserView<'_> {
        UserView { app: self, token }
    }

    /// Posts a GraphQL request that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        expect_data(self.gql(query, variables).await)
    }

    /// Posts a GraphQL request that must fail and returns the first error's code.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        expect_code(self.gql(query, variables).await)
    }

    /// Number of nodes a list field returns, up to 100 (e.g. `municipalities`).
    pub async fn count(&self, list_field: &str) -> usize {
        let data = self.data(&format!("{{ {list_field}(first: 100) {{ edges {{ cursor }} }} }}"), json!({})).await;
        data[list_field]["edges"].as_array().expect("edges").len()
    }
}

pub const CREATE_REGION: &str = "mutation($input: CreateRegionInput!) { createRegion(input: $input) { id name kind } }";
pub const CREATE_DISTRICT: &str = "mutation($input: CreateDistrictInput!) { createDistrict(input: $input) { id } }";
pub const CREATE_MUNICIPALITY: &str =
    "mutation($input: CreateMunicipalityInput!) { createMunicipality(input: $input) { id name ags population } }";
pub const CREATE_TOPIC: &str = "mutation($input: CreateTopicInput!) { createTopic(input: $input) { id name } }";
pub const CREATE_LOTSE: &str = "mutation($input: CreateLotseInput!) { createLotse(input: $input) { id name } }";
pub const CREATE_PROJECT: &str = "mutation($input: CreateProjectInput!) { createProject(input: $input) { id title } }";
pub const CREATE_EXPERT: &str = "mutation($input: CreateExpertInput!) { createExpert(input: $input) { id } }";
pub const CREATE_ORGANIZATION: &str =
    "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }";

/// A small network whose right answers are known, built through the API:
///
/// - Region `r` with districts `d1` (`m-a`, `m-b`) and `d2` (`m-c`, `m-d`, `m-e`).
/// - `anna` (m-a) works on `p-anna1` {eakte, ozg} and `p-anna2` {opendata}; knows ozg.
/// - `ben` (m-b) has `p-ben1` {eakte, ozg} (completed) and `p-ben2` {opendata}: the most similar peer.
/// - `carla` (m-c) has `p-carla1` {eakte, breitband}; knows breitband; is connected to dora.
/// - `dora` (m-d) has `p-dora1` {eakte, ozg} but is already connected to anna.
/// - `hidden` (m-c, HIDDEN) has `p-hidden` {eakte, ozg}.
/// - `anton` works in anna's own municipality on `p-anton` {eakte}.
/// - `emil` (m-e) has `p-emil` {breitband, wlan}: nothing in common with anna.
/// - Expert `x-near` (org `o-kic`) serves `r` in breitband and ozg; `x-far` serves only `r-other` in breitband.
pub async fn seed_small_network(app: &TestApp) {
    app.data(CREATE_REGION, json!({ "input": { "id": "r", "name": "Region Test", "kind": "REGION" } })).await;
    app.data(CREATE_REGION, json!({ "input": { "id": "r-other", "name": "Region Anderswo", "kind": "REGION" } })).await;
    for d in ["d1", "d2"] {
        app.data(
            CREATE_DISTRICT,
            json!({ "input": { "id": d, "name": format!("Landkreis {d}"), "kind": "LANDKREIS", "regionId": "r" } }),
        )
        .await;
    }
    let municipalities = [
        ("m-a", "d1", "08000001", 10_000, 48.70, 9.10),
        ("m-b", "d1", "08000002", 12_000, 48.80, 9.20),
        ("m-c", "d2", "08000003", 11_000, 48.50, 9.50),
        ("m-d", "d2", "08000004", 500_000, 49.00, 8.40),
        ("m-e", "d2", "08000005", 9_000, 48.60, 9.60),
    ];
    for (id, district, ags, population, lat, lon) in municipalities {
        app.data(
            CREATE_MUNICIPALITY,
            json!({ "input": { "id": id, "name": format!("Gemeinde {id}"), "districtId": district, "ags": ags,
                    "population": population, "latitude": lat, "longitude": lon } }),
        )
        .await;
    }
    for (id, name) in [
        ("eakte", "E-Akte"),
        ("ozg", "OZG-Onlinedienste"),
        ("opendata", "Open Data"),
        ("breitband", "Breitband"),
        ("wlan", "WLAN"),
    ] {
        app.data(CREATE_TOPIC, json!({ "input": { "id": id, "name": name } })).await;
    }
    let lotsen = [
        ("anna", "m-a", vec!["ozg"], "NETWORK"),
        ("ben", "m-b", vec![], "NETWORK"),
        ("carla", "m-c", vec!["breitband"], "NETWORK"),
        ("dora", "m-d", vec![], "NETWORK"),
        ("hidden", "m-c", vec![], "HIDDEN"),
        ("anton", "m-a", vec![], "NETWORK"),
        ("emil", "m-e", vec![], "NETWORK"),
    ];
    for (id, municipality, topics, visibility) in lotsen {
        app.data(
            CREATE_LOTSE,
            json!({ "input": { "id": id, "name": format!("Lotse {id}"), "municipalityId": municipality, "topicIds": topics,
                    "visibility": visibility, "email": format!("{id}@example.org") } }),
        )
        .await;
    }
    let projects = [
        ("p-anna1", "m-a", vec!["eakte", "ozg"], "anna", "ACTIVE"),
        ("p-anna2", "m-a", vec!["opendata"], "anna", "ACTIVE"),
        ("p-ben1", "m-b", vec!["eakte", "ozg"], "ben", "COMPLETED"),
        ("p-ben2", "m-b", vec!["opendata"], "ben", "ACTIVE"),
        ("p-carla1", "m-c", vec!["eakte", "breitband"], "carla", "ACTIVE"),
        ("p-dora1", "m-d", vec!["eakte", "ozg"], "dora", "ACTIVE"),
        ("p-hidden", "m-c", vec!["eakte", "ozg"], "hidden", "ACTIVE"),
        ("p-anton", "m-a", vec!["eakte"], "anton", "ACTIVE"),
        ("p-emil", "m-e", vec!["breitband", "wlan"], "emil", "ACTIVE"),
    ];
    for (id, municipality, topics, lead, status) in projects {
        app.data(
            CREATE_PROJECT,
            json!({ "input": { "id": id, "title": format!("Projekt {id}"), "municipalityId": municipality, "topicIds": topics,
                    "members": [{ "lotseId": lead, "role": "LEAD" }], "status": status } }),
        )
        .await;
    }
    connect(app, "anna", "dora").await;
    connect(app, "carla", "dora").await;
    app.data(CREATE_ORGANIZATION, json!({ "input": { "id": "o-kic", "name": "KIC@bw" } })).await;
    app.data(CREATE_EXPERT, json!({ "input": { "id": "x-near", "name": "Expertin Nah", "organizationId": "o-kic", "topicIds": ["breitband", "ozg"], "serves": ["r"] } })).await;
    app.data(
        CREATE_EXPERT,
        json!({ "input": { "id": "x-far", "name": "Experte Fern", "topicIds": ["breitband"], "serves": ["r-other"] } }),
    )
    .await;
}

/// Sends and accepts a connection request; returns the request id.
pub async fn connect(app: &TestApp, from: &str, to: &str) -> String {
    let data = app
        .data(
            "mutation($from: ID!, $to: ID!) { requestConnection(fromLotseId: $from, toLotseId: $to) { id status } }",
            json!({ "from": from, "to": to }),
        )
        .await;
    let id = data["requestConnection"]["id"].as_str().unwrap().to_owned();
    let accepted =
        app.data("mutation($id: ID!) { acceptConnectionRequest(id: $id) { status } }", json!({ "id": id })).await;
    assert_eq!(accepted["acceptConnectionRequest"]["status"], "ACCEPTED");
    id
}

/// The ids in a list of objects under `key`.
pub fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array().expect("a list").iter().map(|item| item[key]["id"].as_str().expect("an id").to_owned()).collect()
}

/// Requests to a test app with one user's token.
pub struct UserView<'a> {
    app: &'a TestApp,
    token: String,
}

impl UserView<'_> {
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.app.gql_as(Some(&self.token), query, variables).await.1
    }

    pub async fn data(&self, query: &str, variables: Value) -> Value {
        expect_data(self.gql(query, variables).await)
    }

    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        expect_code(self.gql(query, variables).await)
    }
}

/// The `data` of a response that must have no errors.
fn expect_data(body: Value) -> Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"].clone()
}

/// The first error's code of a response that must have failed.
pub fn expect_code(body: Value) -> String {
    let code = &body["errors"][0]["extensions"]["code"];
    assert!(code.is_string(), "expected an error with a code: {body:#}");
    code.as_str().unwrap().to_owned()
}
