//! GraphQL over WebSocket at `/graphql/ws`: the `graphql-transport-ws` protocol, and the older
//! `graphql-ws` (subscriptions-transport-ws) for clients that still speak it.
//!
//! A connection authenticates with its `connection_init` payload (`Authorization: Bearer …`
//! or `authToken`) within the init timeout, else it is closed (4408 timeout, 4403 refused).
//! Every operation passes the checks of an HTTP request (`Endpoint::subscribe`); a query or
//! mutation is answered at once, a subscription runs for each write that tells the viewer
//! something (`crate::live`). The connection closes with 4403 when its token expires or its
//! account is deleted, and with 1001 when the service stops.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::ServerError;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, broadcast};
use tokio_util::sync::CancellationToken;

use super::AppState;
use super::graphql::{Body, request_from, serialized_within};
use crate::auth::{AuthError, Viewer};
use crate::config::LiveLimits;
use crate::domain::NodeKind;
use crate::graph::{Changes, Projection};
use crate::graphql::errors::{BAD_REQUEST, request_error};
use crate::graphql::limits::Refusal;
use crate::graphql::{Answer, Delivery, LiveOperation, Subscribed};
use crate::live::{Listener, Revoked};

/// What the WebSocket endpoint needs beyond the HTTP one.
#[derive(Clone)]
pub struct Live {
    pub projection: Arc<Projection>,
    pub limits: LiveLimits,
    /// Largest message a client may send: the HTTP body limit.
    max_message_bytes: usize,
    connections: Arc<Semaphore>,
    /// Fired when the service stops.
    pub stopping: CancellationToken,
}

impl Live {
    pub fn new(
        projection: Arc<Projection>,
        limits: LiveLimits,
        max_message_bytes: usize,
        stopping: CancellationToken,
    ) -> Self {
        let connections = Arc::new(Semaphore::new(limits.max_connections));
        Self { projection, limits, max_message_bytes, connections, stopping }
    }
}

/// The subprotocol a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// `graphql-transport-ws`.
    Transport,
    /// `graphql-ws`, the protocol of subscriptions-transport-ws.
    Legacy,
}

/// Read and write buffer of one connection.
const SOCKET_BUFFER_BYTES: usize = 4 << 10;

const PROTOCOLS: [&str; 2] = ["graphql-transport-ws", "graphql-ws"];

/// Close codes of graphql-transport-ws.
mod close {
    pub const BAD_MESSAGE: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const INIT_TIMEOUT: u16 = 4408;
    pub const DUPLICATE_ID: u16 = 4409;
    pub const TOO_MANY_INITS: u16 = 4429;
    pub const GOING_AWAY: u16 = 1001;
}

/// Why a connection ends: a close code and its reason.
type Closing = (u16, String);

pub(super) async fn get_graphql_ws(State(state): State<AppState>, upgrade: WebSocketUpgrade) -> Response {
    // Small buffers: a connection mostly waits, and a thousand of them with the default 128 KiB
    // each would hold 128 MiB; larger messages still arrive, in more reads.
    let upgrade = upgrade
        .protocols(PROTOCOLS)
        .max_message_size(state.live.max_message_bytes)
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES);
    let protocol = match upgrade.selected_protocol().and_then(|p| p.to_str().ok()) {
        Some("graphql-transport-ws") => Protocol::Transport,
        Some("graphql-ws") => Protocol::Legacy,
        _ => {
            let message = "ask for the subprotocol graphql-transport-ws (or graphql-ws) in Sec-WebSocket-Protocol";
            return (StatusCode::BAD_REQUEST, message).into_response();
        }
    };
    let Ok(permit) = state.live.connections.clone().try_acquire_owned() else {
        tracing::warn!(limit = state.live.limits.max_connections, "WebSocket connection refused: too many open");
        return (StatusCode::SERVICE_UNAVAILABLE, "too many WebSocket connections are open; retry later")
            .into_response();
    };
    upgrade.on_upgrade(move |socket| async move {
        let mut connection = Connection { socket, protocol, state, operations: BTreeMap::new() };
        if let Err((code, reason)) = Box::pin(connection.serve()).await {
            tracing::info!(code, %reason, "WebSocket connection closed");
            connection.close(code, &reason).await;
        }
        drop(permit);
    })
}

/// A message from the client, as far as this endpoint reads it.
enum ClientMessage {
    Init(Value),
    Subscribe { id: String, payload: Value },
    Complete { id: String },
    Ping,
    Pong,
    Terminate,
}

impl ClientMessage {
    fn parse(protocol: Protocol, text: &str) -> Result<Self, Closing> {
        let bad = |why: &str| (close::BAD_MESSAGE, format!("invalid message: {why}"));
        let mut message: serde_json::Map<String, Value> =
            serde_json::from_str(text).map_err(|_| bad("not a JSON object"))?;
        let id = |message: &mut serde_json::Map<String, Value>| match message.remove("id") {
            Some(Value::String(id)) => Ok(id),
            _ => Err(bad("`id` must be a string")),
        };
        let payload = message.remove("payload").unwrap_or(Value::Null);
        let kind = message.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
        Ok(match (protocol, kind.as_str()) {
            (_, "connection_init") => Self::Init(payload),
            (Protocol::Transport, "subscribe") | (Protocol::Legacy, "start") => {
                Self::Subscribe { id: id(&mut message)?, payload }
            }
            (Protocol::Transport, "complete") | (Protocol::Legacy, "stop") => Self::Complete { id: id(&mut message)? },
            (Protocol::Transport, "ping") => Self::Ping,
            (Protocol::Transport, "pong") => Self::Pong,
            (Protocol::Legacy, "connection_terminate") => Self::Terminate,
            _ => return Err(bad("unknown `type`")),
        })
    }
}

struct Connection {
    socket: WebSocket,
    protocol: Protocol,
    state: AppState,
    /// The subscriptions running, by the client's id.
    operations: BTreeMap<String, LiveOperation>,
}

impl Connection {
    async fn serve(&mut self) -> Result<(), Closing> {
        let init = tokio::time::timeout(self.state.live.limits.init_timeout, self.await_init()).await;
        let payload = match init {
            Ok(payload) => payload?,
            Err(_) => return Err((close::INIT_TIMEOUT, "Connection initialisation timeout".into())),
        };
        let (viewer, valid_until) = match self.authenticate(&payload) {
            Ok(accepted) => accepted,
            Err(why) => {
                tracing::info!(%why, "WebSocket connection refused");
                if self.protocol == Protocol::Legacy {
                    self.send(json!({ "type": "connection_error", "payload": { "message": "Forbidden" } })).await?;
                }
                return Err((close::FORBIDDEN, "Forbidden".into()));
            }
        };
        // Watching starts before the listener reads the network, so no write falls between.
        let mut writes = self.state.live.projection.watch();
        let mut listener = Listener::new(viewer.clone(), &self.state.live.projection)
            .map_err(|_| (close::GOING_AWAY, "the network is still being loaded; retry later".to_owned()))?;
        self.send(json!({ "type": "connection_ack" })).await?;
        let expires = tokio::time::Instant::now() + until(valid_until);
        let stopping = self.state.live.stopping.clone();
        loop {
            tokio::select! {
                received = self.socket.recv() => match received {
                    Some(Ok(Message::Text(text))) => {
                        let message = ClientMessage::parse(self.protocol, text.as_str())?;
                        if !self.handle(message, &viewer).await? {
                            return Ok(());
                        }
                    }
                    Some(Ok(Message::Binary(_))) => return Err((close::BAD_MESSAGE, "binary messages are not understood".into())),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                },
                write = writes.recv() => match write {
                    Ok(changes) => self.tell(&mut listener, &changes).await?,
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a WebSocket connection fell behind the writes; their notifications are lost");
                    }
                    Err(broadcast::error::RecvError::Closed) => return Err((close::GOING_AWAY, "the service is stopping".into())),
                },
                () = tokio::time::sleep_until(expires) => return Err((close::FORBIDDEN, "Forbidden: the token expired".into())),
                () = stopping.cancelled() => return Err((close::GOING_AWAY, "the service is stopping".into())),
            }
        }
    }

    /// The payload of `connection_init`; pings before it are answered.
    async fn await_init(&mut self) -> Result<Value, Closing> {
        loop {
            match self.socket.recv().await {
                Some(Ok(Message::Text(text))) => match ClientMessage::parse(self.protocol, text.as_str())? {
                    ClientMessage::Init(payload) => return Ok(payload),
                    ClientMessage::Ping => self.send(json!({ "type": "pong" })).await?,
                    ClientMessage::Pong => {}
                    ClientMessage::Terminate => return Err((1000, "terminated".into())),
                    ClientMessage::Subscribe { .. } | ClientMessage::Complete { .. } => {
                        return Err((close::UNAUTHORIZED, "Unauthorized".into()));
                    }
                },
                Some(Ok(Message::Binary(_))) => {
                    return Err((close::BAD_MESSAGE, "binary messages are not understood".into()));
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Err((1000, "closed by the client".into())),
            }
        }
    }

    /// The viewer of the token in an init payload and when it expires; a person whose account
    /// is gone is refused like a bad token.
    fn authenticate(&self, payload: &Value) -> Result<(Viewer, u64), AuthError> {
        let field = |name: &str| payload.get(name).and_then(Value::as_str);
        let authorization = match (field("Authorization").or(field("authorization")), field("authToken")) {
            (Some(header), _) => header.to_owned(),
            (None, Some(token)) => format!("Bearer {token}"),
            (None, None) => return Err(AuthError::NotBearer),
        };
        let (viewer, valid_until) = self.state.verifier.viewer_until(&authorization)?;
        let own = match &viewer {
            Viewer::Lotse(id) => Some((NodeKind::Lotse, id)),
            Viewer::Expert(id) => Some((NodeKind::Expert, id)),
            _ => None,
        };
        if let Some((kind, id)) = own {
            let exists = self.state.live.projection.read(|graph| Ok(graph.node(kind, id).is_some()));
            if !matches!(exists, Ok(true)) {
                return Err(AuthError::Invalid(format!("no {kind} {id} in the network")));
            }
        }
        Ok((viewer, valid_until))
    }

    /// Handles one message after the handshake; `false` when the client ended the connection.
    async fn handle(&mut self, message: ClientMessage, viewer: &Viewer) -> Result<bool, Closing> {
        match message {
            ClientMessage::Init(_) => return Err((close::TOO_MANY_INITS, "Too many initialisation requests".into())),
            ClientMessage::Ping => self.send(json!({ "type": "pong" })).await?,
            ClientMessage::Pong => {}
            ClientMessage::Terminate => return Ok(false),
            ClientMessage::Complete { id } => {
                self.operations.remove(&id);
            }
            ClientMessage::Subscribe { id, payload } => self.subscribe(id, payload, viewer).await?,
        }
        Ok(true)
    }

    async fn subscribe(&mut self, id: String, payload: Value, viewer: &Viewer) -> Result<(), Closing> {
        if self.operations.contains_key(&id) {
            return Err((close::DUPLICATE_ID, format!("Subscriber for {id} already exists")));
        }
        let request = match request_from(payload) {
            Ok(request) => request,
            Err(message) => {
                let error = request_error(BAD_REQUEST, message);
                return self.refuse(&id, &[error]).await;
            }
        };
        match self.state.graphql.subscribe(request, viewer.clone()).await {
            Subscribed::Live(operation) => {
                let allowed = self.state.live.limits.max_subscriptions;
                if self.operations.len() >= allowed {
                    let found = self.operations.len() as u64 + 1;
                    let refusal = Refusal { limit: "subscriptions", allowed: allowed as u64, found };
                    return self.refuse(&id, &[refusal.into_server_error()]).await;
                }
                self.operations.insert(id, operation);
                Ok(())
            }
            Subscribed::Answered(answer) if answer.refused.is_some() => self.refuse(&id, &answer.response.errors).await,
            Subscribed::Answered(answer) => {
                self.next(&id, &answer).await?;
                self.send(json!({ "type": "complete", "id": id })).await
            }
        }
    }

    /// Runs every subscription for a committed write that tells the viewer something.
    async fn tell(&mut self, listener: &mut Listener, changes: &Changes) -> Result<(), Closing> {
        let notifications = match listener.hear(&self.state.live.projection, changes) {
            Ok(notifications) => notifications,
            Err(Revoked) => return Err((close::FORBIDDEN, "Forbidden: the account was deleted".into())),
        };
        if notifications.is_empty() || self.operations.is_empty() {
            return Ok(());
        }
        let delivery = Delivery(notifications.into());
        let mut answers = Vec::new();
        for (id, operation) in &self.operations {
            for answer in self.state.graphql.deliver(operation, delivery.clone()).await {
                answers.push((id.clone(), answer));
            }
        }
        for (id, answer) in answers {
            self.next(&id, &answer).await?;
        }
        Ok(())
    }

    /// Sends an answer as the operation's next result.
    async fn next(&mut self, id: &str, answer: &Answer) -> Result<(), Closing> {
        let kind = if self.protocol == Protocol::Transport { "next" } else { "data" };
        let body = Body { data: Some(&answer.response.data), errors: &answer.response.errors };
        let max_bytes = self.state.graphql.limits().max_response_bytes;
        let payload = serialized_within(&body, max_bytes).unwrap_or_else(|withheld| withheld);
        let payload = String::from_utf8(payload).expect("JSON is UTF-8");
        let id = serde_json::to_string(id).expect("a string serialises");
        self.send_text(format!(r#"{{"type":"{kind}","id":{id},"payload":{payload}}}"#)).await
    }

    /// Refuses an operation with its errors; the connection stays open.
    async fn refuse(&mut self, id: &str, errors: &[ServerError]) -> Result<(), Closing> {
        let payload = match self.protocol {
            Protocol::Transport => json!(errors),
            // The older protocol carries one error.
            Protocol::Legacy => json!(errors.first()),
        };
        self.send(json!({ "type": "error", "id": id, "payload": payload })).await?;
        if self.protocol == Protocol::Legacy {
            self.send(json!({ "type": "complete", "id": id })).await?;
        }
        Ok(())
    }

    async fn send(&mut self, message: Value) -> Result<(), Closing> {
        self.send_text(serde_json::to_string(&message).expect("JSON values serialise")).await
    }

    async fn send_text(&mut self, text: String) -> Result<(), Closing> {
        self.socket.send(Message::text(text)).await.map_err(|_| (1000, "the client went away".to_owned()))
    }

    async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame { code, reason: reason.into() };
        // The client may be gone already; there is nobody left to tell then.
        let _ = self.socket.send(Message::Close(Some(frame))).await;
    }
}

/// How long from now until a Unix time (zero when it has passed).
fn until(unix: u64) -> Duration {
    Duration::from_secs(unix.saturating_sub(crate::auth::unix_now()).saturating_add(1))
}
