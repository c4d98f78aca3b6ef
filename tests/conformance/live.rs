//! Live notifications over WebSocket on both stores: the same writes through GraphQL tell the
//! same subscribers (the `graphql-ws` npm client) the same things, and nothing else.

use std::time::Duration;

use lotsennetz::auth::{AuthArgs, Role};
use lotsennetz::config::StoreConfig;
use lotsennetz::{Application, Config};
use serde_json::{Value, json};

use crate::subscriber::Subscriber;
use crate::support::{neo4j_config, neo4j_turn};

const SECRET: &str = "live-test-secret-of-at-least-32-bytes";
/// Long enough for a write to reach a subscriber that should not hear of it.
const QUIET: Duration = Duration::from_millis(700);

fn token(sub: &str, role: Role) -> String {
    lotsennetz::auth::mint(&AuthArgs::with_secret(SECRET), sub, role, None, 3600).unwrap()
}

/// A running service on `config`, until dropped.
struct App {
    address: String,
    http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl App {
    async fn start(config: Config) -> Self {
        let app = Box::pin(Application::build(config)).await.expect("the service starts");
        let address = format!("http://{}", app.local_addr());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while http.get(format!("{address}/ready")).send().await.map(|r| r.status().as_u16()).ok() != Some(200) {
            assert!(std::time::Instant::now() < deadline, "{address} not ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { address, http, _stop: stop }
    }

    /// Runs a GraphQL request as `sub` and returns its data; errors fail the test.
    async fn data(&self, token: &str, query: &str, variables: Value) -> Value {
        let body: Value = self
            .http
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(body["errors"].is_null(), "{query}: {body:#}");
        body["data"].clone()
    }
}

/// Region `r` with district `d`, municipalities `m1` and `m2`; Lotsen `a` (m1) and `b` (m2)
/// both knowing `t1`; expert `x` serving `r` in `t2`.
async fn seed(app: &App, admin: &str) {
    let steps = [
        (
            "mutation($i: CreateRegionInput!) { createRegion(input: $i) { id } }",
            json!({ "id": "r", "name": "Region", "kind": "REGION" }),
        ),
        (
            "mutation($i: CreateDistrictInput!) { createDistrict(input: $i) { id } }",
            json!({ "id": "d", "name": "Landkreis", "kind": "LANDKREIS", "regionId": "r" }),
        ),
        (
            "mutation($i: CreateMunicipalityInput!) { createMunicipality(input: $i) { id } }",
            json!({ "id": "m1", "name": "Eins", "ags": "08000011", "districtId": "d" }),
        ),
        (
            "mutation($i: CreateMunicipalityInput!) { createMunicipality(input: $i) { id } }",
            json!({ "id": "m2", "name": "Zwei", "ags": "08000012", "districtId": "d" }),
        ),
        ("mutation($i: CreateTopicInput!) { createTopic(input: $i) { id } }", json!({ "id": "t1", "name": "E-Akte" })),
        (
            "mutation($i: CreateTopicInput!) { createTopic(input: $i) { id } }",
            json!({ "id": "t2", "name": "Breitband" }),
        ),
        (
            "mutation($i: CreateLotseInput!) { createLotse(input: $i) { id } }",
            json!({ "id": "a", "name": "Anna", "municipalityId": "m1", "topicIds": ["t1"] }),
        ),
        (
            "mutation($i: CreateLotseInput!) { createLotse(input: $i) { id } }",
            json!({ "id": "b", "name": "Ben", "municipalityId": "m2", "topicIds": ["t1"] }),
        ),
        (
            "mutation($i: CreateExpertInput!) { createExpert(input: $i) { id } }",
            json!({ "id": "x", "name": "Xenia", "topicIds": ["t2"], "serves": ["r"] }),
        ),
    ];
    for (mutation, input) in steps {
        app.data(admin, mutation, json!({ "i": input })).await;
    }
}

/// What the subscribers heard of a request, its acceptance and a new project, in order.
async fn scenario(config: Config) -> Vec<(String, Value)> {
    let app = App::start(config).await;
    let admin = token("admin", Role::Admin);
    seed(&app, &admin).await;
    let (a, b) = (token("a", Role::Lotse), token("b", Role::Lotse));
    let mut subscribers = [
        ("a", Subscriber::ready(&app.address, &a).await),
        ("b", Subscriber::ready(&app.address, &b).await),
        ("x", Subscriber::ready(&app.address, &token("x", Role::Expert)).await),
    ];
    let mut heard = Vec::new();
    let mut listen = async |who: &str, subscribers: &mut [(&str, Subscriber)]| {
        let subscriber = &mut subscribers.iter_mut().find(|(name, _)| *name == who).unwrap().1;
        heard.push((who.to_owned(), subscriber.notification().await));
    };

    let sent =
        app.data(&a, "mutation { requestConnection(toLotseId: \"b\", message: \"Hallo\") { id } }", json!({})).await;
    listen("b", &mut subscribers).await;
    let id = sent["requestConnection"]["id"].clone();
    app.data(&b, "mutation($id: ID!) { acceptConnectionRequest(id: $id) { id } }", json!({ "id": id })).await;
    listen("a", &mut subscribers).await;
    let project = json!({ "title": "Glasfaser und E-Akte", "municipalityId": "m2", "topicIds": ["t1", "t2"],
                          "members": [{ "lotseId": "b", "role": "LEAD" }] });
    let created = app
        .data(&b, "mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }", json!({ "i": project }))
        .await;
    let project_id = created["createProject"]["id"].clone();
    listen("a", &mut subscribers).await;
    listen("x", &mut subscribers).await;
    let invite = "mutation($p: ID!) { inviteToProject(projectId: $p, lotseId: \"a\") { id } }";
    let invitation = app.data(&b, invite, json!({ "p": project_id })).await["inviteToProject"]["id"].clone();
    listen("a", &mut subscribers).await;
    app.data(&a, "mutation($id: ID!) { acceptProjectInvitation(id: $id) { id } }", json!({ "id": invitation })).await;
    listen("b", &mut subscribers).await;
    for (_, subscriber) in &mut subscribers {
        subscriber.quiet_for(QUIET).await;
    }
    // Ids the service chose differ between runs; what they are about does not.
    for (_, notification) in &mut heard {
        if let Some(request) = notification.get_mut("request") {
            assert_eq!(request["id"], id);
            request["id"] = json!("<id>");
        }
        let object = notification.as_object_mut().expect("a notification is an object");
        let projects = object.iter_mut().flat_map(|(field, value)| match (field.as_str(), value) {
            ("project", project) => std::slice::from_mut(project),
            ("invitation", invitation) => std::slice::from_mut(&mut invitation["project"]),
            ("projects", Value::Array(listed)) => listed.as_mut_slice(),
            _ => &mut [],
        });
        for project in projects {
            assert_eq!(project["id"], project_id);
            project["id"] = json!("<project>");
        }
    }
    heard
}

#[tokio::test]
async fn both_stores_tell_the_same_subscribers_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = scenario(Config::embedded(dir.path().to_path_buf(), SECRET)).await;
    let expected = json!([
        ["b", { "__typename": "ConnectionRequested",
                "request": { "id": "<id>", "status": "PENDING", "from": { "id": "a", "name": "Anna" }, "to": { "id": "b" } } }],
        ["a", { "__typename": "ConnectionAccepted", "request": { "id": "<id>", "status": "ACCEPTED", "to": { "id": "b" } } }],
        ["a", { "__typename": "ProjectMatched", "project": { "id": "<project>", "title": "Glasfaser und E-Akte" }, "topics": [{ "id": "t1" }] }],
        ["x", { "__typename": "GapOpened", "municipality": { "id": "m2" }, "topic": { "id": "t2" }, "projects": [{ "id": "<project>" }] }],
        ["a", { "__typename": "InvitedToProject",
                "invitation": { "status": "PENDING", "role": "MEMBER", "project": { "id": "<project>" }, "invitedBy": { "id": "b" } } }],
        ["b", { "__typename": "InvitationAnswered",
                "invitation": { "status": "ACCEPTED", "project": { "id": "<project>" }, "lotse": { "id": "a" } } }],
    ]);
    assert_eq!(json!(embedded), expected);

    let _turn = neo4j_turn().await;
    let mut config = Config::embedded(dir.path().to_path_buf(), SECRET);
    config.store = StoreConfig::Neo4j(neo4j_config());
    let neo4j = scenario(config).await;
    assert_eq!(json!(neo4j), expected, "the Neo4j store told otherwise");
}
