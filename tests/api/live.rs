//! Live notifications over WebSocket (`/graphql/ws`), with the `graphql-ws` npm client: who is
//! told of what, that nothing else reaches them, the handshake, token expiry and revocation,
//! and the limits. The same scenarios on the Neo4j store run in the conformance suite.

use std::time::Duration;

use async_graphql::futures_util::{SinkExt as _, StreamExt as _};
use lotsennetz::auth::Role;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

use crate::helpers::{CREATE_LOTSE, CREATE_PROJECT, TestApp, integration_token, seed_small_network, token};
use crate::subscriber::{Subscriber, notifications};

/// Long enough for a write to reach a subscriber that should not hear of it.
const QUIET: Duration = Duration::from_millis(700);

const REQUEST: &str = "mutation($to: ID!) { requestConnection(toLotseId: $to) { id } }";
const ACCEPT: &str = "mutation($id: ID!) { acceptConnectionRequest(id: $id) { status } }";

async fn seeded() -> TestApp {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    app
}

#[tokio::test]
async fn a_lotse_hears_of_a_request_to_them_and_the_sender_of_its_acceptance() {
    let app = seeded().await;
    let mut ben = Subscriber::ready(&app.address, &token("ben", Role::Lotse)).await;
    let mut anna = Subscriber::ready(&app.address, &token("anna", Role::Lotse)).await;
    let mut emil = Subscriber::ready(&app.address, &token("emil", Role::Lotse)).await;

    let sent = app.as_user(token("anna", Role::Lotse)).data(REQUEST, json!({ "to": "ben" })).await;
    let id = sent["requestConnection"]["id"].clone();
    let heard = ben.notification().await;
    assert_eq!(heard["__typename"], "ConnectionRequested");
    assert_eq!(heard["request"]["id"], id);
    assert_eq!(heard["request"]["from"], json!({ "id": "anna", "name": "Lotse anna" }));
    assert_eq!(heard["request"]["status"], "PENDING");

    app.as_user(token("ben", Role::Lotse)).data(ACCEPT, json!({ "id": id })).await;
    let heard = anna.notification().await;
    assert_eq!(heard["__typename"], "ConnectionAccepted");
    assert_eq!(heard["request"], json!({ "id": id, "status": "ACCEPTED", "to": { "id": "ben" } }));

    // Neither the sender of the request, the one who accepted, nor a third Lotse hears more.
    anna.quiet_for(QUIET).await;
    ben.quiet_for(Duration::ZERO).await;
    emil.quiet_for(Duration::ZERO).await;
}

#[tokio::test]
async fn a_new_project_is_told_to_the_lotsen_who_know_its_topics_but_not_to_its_members() {
    let app = seeded().await;
    let mut carla = Subscriber::ready(&app.address, &token("carla", Role::Lotse)).await;
    let mut anna = Subscriber::ready(&app.address, &token("anna", Role::Lotse)).await;
    let mut ben = Subscriber::ready(&app.address, &token("ben", Role::Lotse)).await;

    // A Lotse creating a project gets an id chosen by the service.
    let input = json!({ "title": "Funknetz", "municipalityId": "m-a", "topicIds": ["breitband", "ozg"],
                        "members": [{ "lotseId": "anna", "role": "LEAD" }] });
    let created = app.as_user(token("anna", Role::Lotse)).data(CREATE_PROJECT, json!({ "input": input })).await;

    let heard = carla.notification().await;
    assert_eq!(heard["__typename"], "ProjectMatched");
    assert_eq!(heard["project"], created["createProject"]);
    assert_eq!(heard["topics"], json!([{ "id": "breitband" }]));
    // Anna knows ozg but leads the project; Ben knows none of its topics.
    anna.quiet_for(QUIET).await;
    ben.quiet_for(Duration::ZERO).await;
}

#[tokio::test]
async fn an_expert_hears_of_a_new_gap_in_their_area_only() {
    let app = seeded().await;
    let mut near = Subscriber::ready(&app.address, &token("x-near", Role::Expert)).await;
    let mut far = Subscriber::ready(&app.address, &token("x-far", Role::Expert)).await;

    // Nobody in m-e knows OZG: a new gap in x-near's region and topics.
    let input = json!({ "id": "p-ozg-e", "title": "OZG in E", "municipalityId": "m-e", "topicIds": ["ozg"] });
    app.data(CREATE_PROJECT, json!({ "input": input })).await;
    let heard = near.notification().await;
    assert_eq!(
        heard,
        json!({ "__typename": "GapOpened", "municipality": { "id": "m-e" }, "topic": { "id": "ozg" },
                "projects": [{ "id": "p-ozg-e" }] })
    );
    // A second project on the same gap opens none.
    let input = json!({ "id": "p-ozg-e2", "title": "OZG in E, Teil 2", "municipalityId": "m-e", "topicIds": ["ozg"] });
    app.data(CREATE_PROJECT, json!({ "input": input })).await;
    near.quiet_for(QUIET).await;
    far.quiet_for(Duration::ZERO).await;
}

#[tokio::test]
async fn a_subscription_chooses_kinds_and_others_hear_nothing_that_is_not_theirs() {
    let app = seeded().await;
    let projects_only = json!([notifications(Some(&["PROJECT_MATCHED"]))]);
    let bearer = |sub: &str, role: Role| json!({ "Authorization": format!("Bearer {}", token(sub, role)) });
    let mut ben = Subscriber::start(&app.address, bearer("ben", Role::Lotse), projects_only);
    ben.expect(|l| l.get("ready").is_some(), "ready").await;
    let mut admin = Subscriber::ready(&app.address, &app.token).await;
    let mut reader = Subscriber::ready(&app.address, &integration_token("read")).await;
    let mut expert = Subscriber::ready(&app.address, &token("x-near", Role::Expert)).await;

    app.as_user(token("anna", Role::Lotse)).data(REQUEST, json!({ "to": "ben" })).await;
    ben.quiet_for(QUIET).await;
    admin.quiet_for(Duration::ZERO).await;
    reader.quiet_for(Duration::ZERO).await;
    expert.quiet_for(Duration::ZERO).await;
}

#[tokio::test]
async fn the_handshake_needs_a_valid_token_for_a_person_who_exists() {
    let app = seeded().await;
    let refused = [
        json!({}),
        json!({ "Authorization": "Bearer not-a-token" }),
        json!({ "authToken": lotsennetz::auth::mint(&lotsennetz::auth::AuthArgs::with_secret(
            "another-secret-of-at-least-32-bytes-length"), "anna", Role::Lotse, None, 3600).unwrap() }),
        json!({ "Authorization": format!("Bearer {}", token("nobody", Role::Lotse)) }),
    ];
    for init in refused {
        let mut subscriber = Subscriber::start(&app.address, init.clone(), json!([notifications(None)]));
        assert_eq!(subscriber.closed().await.0, 4403, "{init}");
    }
    // `authToken` without the scheme is accepted too.
    let init = json!({ "authToken": token("anna", Role::Lotse) });
    let mut accepted = Subscriber::start(&app.address, init, json!([notifications(None)]));
    accepted.expect(|l| l.get("ready").is_some(), "ready").await;
    // An integration without the read scope may not subscribe.
    let init = json!({ "Authorization": format!("Bearer {}", integration_token("")) });
    let mut unscoped = Subscriber::start(&app.address, init, json!([notifications(None)]));
    let line = unscoped.expect(|l| l.get("error").is_some(), "a refusal").await;
    assert_eq!(line["error"][0]["extensions"]["code"], "FORBIDDEN", "{line}");
}

#[tokio::test]
async fn an_expired_token_or_a_deleted_account_ends_the_connection() {
    let app = TestApp::spawn_with(|config| config.auth.jwt_leeway = 0).await;
    seed_small_network(&app).await;
    let short = lotsennetz::auth::mint(
        &lotsennetz::auth::AuthArgs::with_secret(crate::helpers::SECRET),
        "anna",
        Role::Lotse,
        None,
        2,
    )
    .unwrap();
    let mut expiring = Subscriber::ready(&app.address, &short).await;
    let started = std::time::Instant::now();
    assert_eq!(expiring.closed().await, (4403, "Forbidden: the token expired".to_owned()));
    assert!(started.elapsed() <= Duration::from_secs(4), "{:?}", started.elapsed());

    let input = json!({ "id": "frieda", "name": "Lotse frieda", "municipalityId": "m-e" });
    app.data(CREATE_LOTSE, json!({ "input": input })).await;
    let mut frieda = Subscriber::ready(&app.address, &token("frieda", Role::Lotse)).await;
    app.data("mutation { deleteLotse(id: \"frieda\") }", json!({})).await;
    assert_eq!(frieda.closed().await, (4403, "Forbidden: the account was deleted".to_owned()));
}

#[tokio::test]
async fn subscription_documents_meet_the_request_limits_and_connections_their_caps() {
    let app = TestApp::spawn_with(|config| {
        config.limits.max_aliases = 2;
        config.live.max_subscriptions = 1;
        config.live.max_connections = 2;
    })
    .await;
    seed_small_network(&app).await;
    let aliased = json!({ "name": "aliased",
        "query": "subscription { a: notifications { __typename } b: notifications { __typename } c: notifications { __typename } }" });
    let unknown = json!({ "name": "unknown", "query": "subscription { notifications { nonsense } }" });
    let init = json!({ "Authorization": format!("Bearer {}", token("ben", Role::Lotse)) });
    let mut ben =
        Subscriber::start(&app.address, init, json!([aliased, unknown, notifications(None), notifications(None)]));
    let errors: Vec<Value> = [
        ben.expect(|l| l["op"] == "aliased" && l.get("error").is_some(), "the alias refusal").await,
        ben.expect(|l| l["op"] == "unknown" && l.get("error").is_some(), "the validation error").await,
        ben.expect(|l| l["op"] == "notifications" && l.get("error").is_some(), "the cap").await,
    ]
    .into_iter()
    .map(|line| line["error"][0].clone())
    .collect();
    assert_eq!(errors[0]["extensions"]["limit"], "aliases", "{errors:#?}");
    assert_eq!(errors[1]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{errors:#?}");
    assert_eq!(errors[2]["extensions"]["limit"], "subscriptions", "{errors:#?}");
    ben.expect(|l| l.get("ready").is_some(), "ready").await;

    // The cap on connections: one more is open (the subscriber above), the third is refused.
    let _second = raw_connection(&app, "graphql-transport-ws").await.expect("a second connection");
    let refused = raw_connection(&app, "graphql-transport-ws").await.expect_err("a third connection");
    assert!(refused.contains("503"), "{refused}");
    // The one subscription that runs still hears.
    app.as_user(token("anna", Role::Lotse)).data(REQUEST, json!({ "to": "ben" })).await;
    assert_eq!(ben.notification().await["__typename"], "ConnectionRequested");
}

#[tokio::test]
async fn a_connection_that_sends_no_init_is_closed_at_the_init_timeout() {
    let app = TestApp::spawn_with(|config| config.live.init_timeout = Duration::from_millis(300)).await;
    let mut socket = raw_connection(&app, "graphql-transport-ws").await.unwrap();
    let started = std::time::Instant::now();
    let closed = next_message(&mut socket).await;
    assert!(started.elapsed() < Duration::from_secs(3));
    let Message::Close(Some(frame)) = closed else { panic!("expected a close frame: {closed:?}") };
    assert_eq!((u16::from(frame.code), frame.reason.as_str()), (4408, "Connection initialisation timeout"));
}

#[tokio::test]
async fn the_older_graphql_ws_protocol_is_served_too() {
    let app = seeded().await;
    let mut socket = raw_connection(&app, "graphql-ws").await.unwrap();
    let bearer = format!("Bearer {}", token("ben", Role::Lotse));
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": bearer } })).await;
    assert_eq!(text(next_message(&mut socket).await)["type"], "connection_ack");
    let query = "subscription { notifications { __typename } }";
    send(&mut socket, json!({ "type": "start", "id": "1", "payload": { "query": query } })).await;
    send(&mut socket, json!({ "type": "start", "id": "2", "payload": { "query": "{ __typename }" } })).await;
    assert_eq!(text(next_message(&mut socket).await)["type"], "data");
    assert_eq!(text(next_message(&mut socket).await), json!({ "type": "complete", "id": "2" }));

    app.as_user(token("anna", Role::Lotse)).data(REQUEST, json!({ "to": "ben" })).await;
    let data = text(next_message(&mut socket).await);
    assert_eq!(
        data,
        json!({ "type": "data", "id": "1", "payload": { "data": { "notifications": { "__typename": "ConnectionRequested" } } } })
    );
}

#[tokio::test]
async fn subscriptions_over_http_are_refused_with_a_pointer_to_the_websocket() {
    let app = seeded().await;
    let (status, body) =
        app.gql_as(Some(&token("ben", Role::Lotse)), "subscription { notifications { __typename } }", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("/graphql/ws"), "{body}");
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket to `/graphql/ws` speaking `protocol`; the error's text when the upgrade fails.
async fn raw_connection(app: &TestApp, protocol: &str) -> Result<Socket, String> {
    let url = format!("{}/graphql/ws", app.address.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", protocol.parse().unwrap());
    tokio_tungstenite::connect_async(request).await.map(|(socket, _)| socket).map_err(|e| e.to_string())
}

async fn send(socket: &mut Socket, message: Value) {
    socket.send(Message::text(message.to_string())).await.unwrap();
}

async fn next_message(socket: &mut Socket) -> Message {
    tokio::time::timeout(Duration::from_secs(10), socket.next()).await.expect("a message in time").unwrap().unwrap()
}

fn text(message: Message) -> Value {
    serde_json::from_str(message.to_text().expect("a text message")).unwrap()
}

#[tokio::test]
async fn a_notification_over_the_response_size_limit_is_withheld_with_an_error() {
    let app = TestApp::spawn_with(|config| config.limits.max_response_bytes = 140).await;
    seed_small_network(&app).await;
    let mut ben = Subscriber::ready(&app.address, &token("ben", Role::Lotse)).await;

    app.as_user(token("anna", Role::Lotse)).data(REQUEST, json!({ "to": "ben" })).await;
    let line = ben.expect(|l| l.get("next").is_some(), "a result").await;
    assert_eq!(line["next"]["data"], Value::Null, "{line}");
    assert_eq!(line["next"]["errors"][0]["extensions"]["code"], "RESPONSE_TOO_LARGE", "{line}");
}

#[tokio::test]
async fn subscribers_are_told_when_the_service_stops() {
    let mut app = seeded().await;
    let mut ben = Subscriber::ready(&app.address, &token("ben", Role::Lotse)).await;

    app.restart().await;
    assert_eq!(ben.closed().await, (1001, "the service is stopping".to_owned()));
}
