//! The gate in front of every root field: GraphQL data needs a token; integrations read only
//! with a `read` or `import` scope. Introspection stays open so the IDE can show the schema,
//! unless the deployment switched it off.
//! The gate looks at the operation's root fields before anything runs.

use std::collections::HashSet;

use async_graphql::parser::Positioned;
use async_graphql::parser::types::{ExecutableDocument, Field, OperationDefinition, OperationType, Selection};
use async_graphql::{PathSegment, ServerError};

use super::errors::{FORBIDDEN, GRAPHQL_VALIDATION_FAILED, UNAUTHENTICATED, coded};
use crate::auth::Viewer;

/// The refusals for an operation the viewer may not run, one per root field refused; empty
/// when it may run.
pub fn refusals(
    document: &ExecutableDocument,
    operation: &Positioned<OperationDefinition>,
    viewer: &Viewer,
) -> Vec<ServerError> {
    let refusal = match viewer {
        Viewer::Anonymous => (UNAUTHENTICATED, "a bearer token is required"),
        _ if operation.node.ty != OperationType::Mutation && !viewer.may_read() => {
            (FORBIDDEN, "integrations read only with the read scope")
        }
        _ => return Vec::new(),
    };
    let mut fields = Vec::new();
    root_fields(document, &operation.node.selection_set.node.items, &mut HashSet::new(), &mut fields);
    fields
        .into_iter()
        .filter(|field| !field.node.name.node.starts_with("__"))
        .map(|field| {
            let mut error = coded(refusal.0, refusal.1).into_server_error(field.pos);
            error.path = vec![PathSegment::Field(field.node.response_key().node.to_string())];
            error
        })
        .collect()
}

/// Refusals for the introspection fields `__schema` and `__type` of a schema without
/// introspection: async-graphql would answer them with `null` and no error, which a client
/// cannot tell from a broken server.
pub fn introspection_refusals(
    document: &ExecutableDocument,
    operation: &Positioned<OperationDefinition>,
) -> Vec<ServerError> {
    let mut fields = Vec::new();
    root_fields(document, &operation.node.selection_set.node.items, &mut HashSet::new(), &mut fields);
    fields
        .into_iter()
        .filter(|field| matches!(field.node.name.node.as_str(), "__schema" | "__type"))
        .map(|field| {
            coded(GRAPHQL_VALIDATION_FAILED, "introspection is switched off on this server")
                .into_server_error(field.pos)
        })
        .collect()
}

/// The fields of a root selection, through fragment spreads (each fragment once) and inline
/// fragments, whatever their directives say.
fn root_fields<'d>(
    document: &'d ExecutableDocument,
    items: &'d [Positioned<Selection>],
    spread: &mut HashSet<&'d str>,
    fields: &mut Vec<&'d Positioned<Field>>,
) {
    for item in items {
        match &item.node {
            Selection::Field(field) => fields.push(field),
            Selection::InlineFragment(fragment) => {
                root_fields(document, &fragment.node.selection_set.node.items, spread, fields)
            }
            Selection::FragmentSpread(spread_node) => {
                let name = spread_node.node.fragment_name.node.as_str();
                if let Some(fragment) = document.fragments.get(name).filter(|_| spread.insert(name)) {
                    root_fields(document, &fragment.node.selection_set.node.items, spread, fields);
                }
            }
        }
    }
}
