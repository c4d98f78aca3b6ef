//! Mutations sent with an `Idempotency-Key`: run once per caller and key, repeats answered
//! as the first try was (see [`crate::service::idempotency`]).

use async_graphql::{Pos, Request, Response};

use super::Endpoint;
use crate::auth::Viewer;
use crate::service::ServiceError;
use crate::service::idempotency::{IdempotencyKey, fingerprint};

impl Endpoint {
    /// Runs a request under a client's key; only mutations use it, other operations run as
    /// they would without.
    pub async fn execute_once(&self, request: Request, viewer: Viewer, key: &str) -> Response {
        let key = match IdempotencyKey::parse(key) {
            Ok(key) => key,
            Err(error) => return refusal(error.into()),
        };
        if !self.is_mutation(&request) {
            return self.execute(request, viewer).await;
        }
        let fingerprint = fingerprint(&(&request.query, &request.operation_name, &request.variables));
        let caller = viewer.clone();
        match self.services.once(&caller, &key, fingerprint, self.execute(request, viewer)).await {
            Ok(response) => response,
            Err(error) => refusal(error),
        }
    }
}

fn refusal(error: ServiceError) -> Response {
    Response::from_errors(vec![async_graphql::Error::from(error).into_server_error(Pos::default())])
}
