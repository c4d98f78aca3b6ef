//! The network's vocabulary: validated values and the nodes of the graph.

mod model;
pub mod stamp;
mod values;

pub use model::*;
pub use values::*;

/// A value or record that breaks a rule of the domain; always the caller's fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// `field` is empty where the caller names the field itself (e.g. a record's path).
    #[error("{}{reason}", if field.is_empty() { String::new() } else { format!("{field}: ") })]
    Invalid { field: String, reason: String },
}

impl DomainError {
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        Self::Invalid { field: field.to_owned(), reason: reason.into() }
    }
}
