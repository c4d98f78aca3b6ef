//! Mutations sent with an `Idempotency-Key`: run once per caller and key, repeats answered
//! as the first try was (see [`crate::service::idempotency`]).

use async_graphql::{Pos, Request, Value};

use super::errors::{SERVICE_UNAVAILABLE, WRITE_OUTCOME_UNKNOWN};
use super::{Answer, Endpoint, Refused};
use crate::auth::Viewer;
use crate::service::ServiceError;
use crate::service::idempotency::{IdempotencyKey, fingerprint};

impl Endpoint {
    /// Runs a request under a client's key; only mutations use it, other operations run as
    /// they would without.
    pub async fn execute_once(&self, request: Request, viewer: Viewer, key: &str) -> Answer {
        let key = match IdempotencyKey::parse(key) {
            Ok(key) => key,
            Err(error) => return refusal(error.into()),
        };
        if !self.is_mutation(&request) {
            return self.execute(request, viewer).await;
        }
        let fingerprint = fingerprint(&(&request.query, &request.operation_name, &request.variables));
        let caller = viewer.clone();
        // Boxed: the executor's future nested in the key's scope is too deep a type otherwise.
        let run = Box::pin(self.execute(request, viewer));
        match self.services.once(&caller, &key, fingerprint, run, settled).await {
            Ok(response) => response,
            Err(error) => refusal(error),
        }
    }
}

/// Whether an answer is final: not when a part of it failed for want of the store, which a
/// retry under the same key may complete.
fn settled(answer: &Answer) -> bool {
    answer.response.errors.iter().all(|error| {
        let code = error.extensions.as_ref().and_then(|e| e.get("code"));
        !matches!(code, Some(Value::String(code)) if code == SERVICE_UNAVAILABLE || code == WRITE_OUTCOME_UNKNOWN)
    })
}

fn refusal(error: ServiceError) -> Answer {
    Answer::refused(Refused::Invalid, vec![async_graphql::Error::from(error).into_server_error(Pos::default())])
}

#[cfg(test)]
mod tests {
    use async_graphql::Response;

    use super::*;
    use crate::graphql::errors::{CONFLICT, coded};

    fn failed_with(code: &'static str) -> Answer {
        let response = Response::from_errors(vec![coded(code, "message").into_server_error(Pos::default())]);
        Answer { response, refused: None }
    }

    #[test]
    fn answers_a_retry_may_complete_are_not_kept() {
        assert!(settled(&Answer { response: Response::new(Value::Null), refused: None }));
        assert!(settled(&failed_with(CONFLICT)));
        assert!(!settled(&failed_with(SERVICE_UNAVAILABLE)));
        assert!(!settled(&failed_with(WRITE_OUTCOME_UNKNOWN)));
    }
}
