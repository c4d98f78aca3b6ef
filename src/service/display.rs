//! A readable form of [`ServiceError`] for the command line and logs.
//!
//! `ServiceError` itself stays without `Display`: async-graphql converts every `Display` type
//! into an error without a code, and the API must map each case explicitly
//! (`graphql::errors`). Like `Path::display`, [`ServiceError::display`] gives the text where
//! a person reads it.

use std::fmt;

use super::ServiceError;

/// Formats a [`ServiceError`] as one sentence; see [`ServiceError::display`].
pub struct Display<'a>(&'a ServiceError);

impl ServiceError {
    /// The error as a person reads it, e.g. on the command line.
    pub fn display(&self) -> Display<'_> {
        Display(self)
    }
}

impl fmt::Display for Display<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ServiceError::Invalid(error) => error.fmt(f),
            ServiceError::Store(error) => error.fmt(f),
            ServiceError::State(message) | ServiceError::Missing(message) => f.write_str(message),
            ServiceError::Unauthenticated => f.write_str("a bearer token is required"),
            ServiceError::Forbidden(reason) => write!(f, "forbidden: {reason}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{Id, NodeKind};
    use crate::service::ServiceError;
    use crate::store::StoreError;

    #[test]
    fn store_errors_read_as_their_message_without_debug_syntax() {
        let id = Id::parse_field("id", "m-1").unwrap();
        let error = ServiceError::Store(StoreError::not_found(NodeKind::Municipality, &id));
        assert_eq!(error.display().to_string(), "municipality 'm-1' does not exist");
    }

    #[test]
    fn refusals_name_the_reason() {
        let error = ServiceError::Forbidden("Lotsen see only their own peer recommendations".into());
        assert_eq!(error.display().to_string(), "forbidden: Lotsen see only their own peer recommendations");
    }
}
