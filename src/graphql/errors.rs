//! Error policy of the API, in one place.
//!
//! Every error a client sees carries `extensions.code`:
//!
//! | code | when |
//! |---|---|
//! | `BAD_USER_INPUT` | an argument breaks a rule (invalid AGS, empty name, `first` over 100, unknown referenced id); `extensions.field` names the argument (`Idempotency-Key` for a malformed key, or one reused for another request) |
//! | `NOT_FOUND` | the node the operation is about does not exist |
//! | `CONFLICT` | the input is valid but clashes with stored state (duplicate id or AGS, node still referenced, request no longer pending) |
//! | `SERVICE_UNAVAILABLE` | the store cannot be reached, or has not enough transaction memory for the request; retry later |
//! | `WRITE_OUTCOME_UNKNOWN` | the write was sent but its answer was lost: it may or may not be stored; retry with the same `Idempotency-Key` |
//! | `INTERNAL` | anything else; the details are logged, the client sees only a generic message |
//!
//! | `UNAUTHENTICATED` | no token, or a token that fails verification (HTTP 401) |
//! | `FORBIDDEN` | the caller's role or relation to the data does not allow the operation (HTTP 403 when it refuses the whole operation) |
//!
//! Errors of the request itself come without `data` and with a 4xx status:
//!
//! | code | when |
//! |---|---|
//! | `GRAPHQL_PARSE_FAILED` | the query is not valid GraphQL syntax |
//! | `GRAPHQL_VALIDATION_FAILED` | the query does not fit the schema, exceeds a limit (`extensions.limit` names it), or asks for introspection (`__schema`, `__type`) on a server that switched it off |
//! | `OPERATION_RESOLUTION_FAILURE` | the operation name is unknown, or missing where the document has several |
//! | `BAD_REQUEST` | the HTTP request is not a GraphQL request (body, parameters, media type) |
//! | `TIMEOUT` | the query ran longer than its time limit and was cancelled (HTTP 504) |
//!
//! Resolver errors without a code are failures of the service: they are logged and reported as
//! `INTERNAL`; only argument values the schema could not read are the caller's
//! (`BAD_USER_INPUT`). `TOO_MANY_ERRORS` closes an error list cut at its limit, and
//! `RESPONSE_TOO_LARGE` replaces a response whose body would exceed its limit.
//! A failed mutation writes nothing: stores apply a mutation's changes all or nothing.

use async_graphql::{Error, ErrorExtensions, ServerError};

use crate::domain::DomainError;
use crate::service::ServiceError;
use crate::store::StoreError;

pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
pub const NOT_FOUND: &str = "NOT_FOUND";
pub const CONFLICT: &str = "CONFLICT";
pub const SERVICE_UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";
pub const WRITE_OUTCOME_UNKNOWN: &str = "WRITE_OUTCOME_UNKNOWN";
pub const INTERNAL: &str = "INTERNAL";
pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
pub const FORBIDDEN: &str = "FORBIDDEN";
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
pub const OPERATION_RESOLUTION_FAILURE: &str = "OPERATION_RESOLUTION_FAILURE";
pub const BAD_REQUEST: &str = "BAD_REQUEST";
pub const TIMEOUT: &str = "TIMEOUT";
pub const TOO_MANY_ERRORS: &str = "TOO_MANY_ERRORS";
pub const RESPONSE_TOO_LARGE: &str = "RESPONSE_TOO_LARGE";
/// The `extensions.field` of errors about the idempotency key, which is a header.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// An error with a code, for messages raised in the API layer itself.
pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, e| e.set("code", code))
}

/// An error of the request as a whole: a code, a message, and no location in the document.
pub fn request_error(code: &'static str, message: impl Into<String>) -> ServerError {
    let mut error = coded(code, message).into_server_error(Default::default());
    error.locations.clear();
    error
}

/// A `BAD_USER_INPUT` error naming the offending field.
pub fn bad_input(field: &str, reason: impl std::fmt::Display) -> Error {
    let field = field.to_owned();
    Error::new(format!("{field}: {reason}")).extend_with(move |_, e| {
        e.set("code", BAD_USER_INPUT);
        e.set("field", field.as_str());
    })
}

/// A rule's refusal (see `service::policy`) as a client's error.
pub fn forbidden(reason: String) -> Error {
    coded(FORBIDDEN, reason)
}

/// The one conversion from a use case's failure to a client's error. `ServiceError` is not
/// `Display`, so `?` in a resolver always goes through here, never through async-graphql's
/// blanket conversion that would drop the code.
impl From<ServiceError> for Error {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(DomainError::Invalid { field, reason }) => bad_input(&field, reason),
            ServiceError::State(message) => coded(CONFLICT, message),
            ServiceError::Missing(message) => coded(NOT_FOUND, message),
            ServiceError::Unauthenticated => coded(UNAUTHENTICATED, "a bearer token is required"),
            ServiceError::Forbidden(reason) => coded(FORBIDDEN, reason),
            ServiceError::Store(error) => match error {
                StoreError::NotFound { .. } => coded(NOT_FOUND, error.to_string()),
                StoreError::UnknownReference { field, expected, ref id } => {
                    bad_input(field, format!("no {expected} with id '{id}'"))
                }
                StoreError::Conflict(message) => coded(CONFLICT, message),
                StoreError::KeyReused(message) => bad_input(IDEMPOTENCY_KEY_HEADER, message),
                StoreError::Unavailable(detail) => {
                    tracing::warn!(%detail, "store unavailable");
                    coded(SERVICE_UNAVAILABLE, "the data store is unavailable; try again later")
                }
                StoreError::OutcomeUnknown(detail) => {
                    tracing::warn!(%detail, "outcome of a write unknown");
                    coded(
                        WRITE_OUTCOME_UNKNOWN,
                        "the write may or may not have been stored; repeat it with the same Idempotency-Key to find out",
                    )
                }
                // `importRecords` reports this as too many records; elsewhere it is the
                // database's capacity, not the request.
                StoreError::TooLarge(detail) => {
                    tracing::warn!(%detail, "store out of transaction memory");
                    coded(SERVICE_UNAVAILABLE, "the data store has not enough memory for this request; try again later")
                }
                StoreError::Internal(detail) => {
                    tracing::error!(%detail, "internal store error");
                    coded(INTERNAL, "internal error")
                }
            },
        }
    }
}
