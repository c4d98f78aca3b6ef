//! Stopping within a deadline: on a stop signal the listener closes, requests in flight may
//! finish until the deadline, then those still running are cancelled and answered with
//! `SERVICE_UNAVAILABLE`, and serving ends.

use std::future::{Future, IntoFuture as _};
use std::time::Duration;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use serde_json::json;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// After the deadline, how long cancelled requests get to send their answer before serving
/// ends regardless (a request inside synchronous store code notices cancellation only when
/// that code returns).
pub const CANCEL_GRACE: Duration = Duration::from_millis(250);

/// Middleware: runs the request unless `cancel` fires first.
pub async fn cancellable(State(cancel): State<CancellationToken>, request: Request, next: Next) -> Response {
    tokio::select! {
        response = next.run(request) => response,
        () = cancel.cancelled() => {
            tracing::warn!("request cancelled at the shutdown deadline");
            let body = json!({ "errors": [{
                "message": "the service shut down before the request finished; a mutation may or may not have been applied",
                "extensions": { "code": "SERVICE_UNAVAILABLE" },
            }] });
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}

/// Serves `router` until `stop` completes, then as described in the module doc. `cancel` is
/// the token the router's [`cancellable`] layer watches.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    stop: impl Future<Output = ()> + Send + 'static,
    deadline: Duration,
    cancel: CancellationToken,
) -> std::io::Result<()> {
    let stopping = CancellationToken::new();
    let signal = {
        let stopping = stopping.clone();
        async move {
            stop.await;
            tracing::info!(deadline_ms = deadline.as_millis(), "stopping: no new connections, finishing requests");
            stopping.cancel();
        }
    };
    let server = axum::serve(listener, router).with_graceful_shutdown(signal).into_future();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result,
        () = stopping.cancelled() => {}
    }
    if let Ok(result) = tokio::time::timeout(deadline, &mut server).await {
        return result;
    }
    tracing::warn!("shutdown deadline passed: cancelling the requests still running");
    cancel.cancel();
    match tokio::time::timeout(CANCEL_GRACE, &mut server).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!("connections still open after cancelling; stopping without them");
            Ok(())
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
