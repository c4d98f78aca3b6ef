//! One line of the exchange format into a node, with errors that name the line and field.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use serde::Deserialize;
use serde_json::Value;
use serde_json::error::Category;

use crate::domain::{
    AuditEntry, ConnectionRequest, Dismissal, District, Expert, Id, Lotse, Municipality, Node, NodeKind, Organization,
    Project, ProjectInvitation, Region, Topic,
};

/// A line that cannot be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}{}: {message}", field.as_ref().map(|f| format!(", field {f}")).unwrap_or_default())]
pub struct RecordError {
    pub line: usize,
    pub field: Option<String>,
    pub message: String,
}

impl RecordError {
    pub fn new(line: usize, field: Option<&str>, message: impl Into<String>) -> Self {
        Self { line, field: field.map(str::to_owned), message: message.into() }
    }
}

const TYPES: &str = "region, district, municipality, topic, organization, lotse, expert, project, connection, connection_request, project_invitation, dismissal, audit_entry";

/// Parses one record. `{"type":"connection","from","to","since"?}` is an accepted connection
/// request whose id is derived from the two Lotsen, so importing it twice changes nothing.
pub fn parse_record(line: usize, text: &str) -> Result<Node, RecordError> {
    let head: Head = serde_json::from_str(text).map_err(|e| match e.classify() {
        Category::Data => RecordError::new(line, None, "a record must be a JSON object with a string `type`"),
        _ => RecordError::new(line, None, format!("not valid JSON: {e}")),
    })?;
    let kind = head.kind.ok_or_else(|| RecordError::new(line, Some("type"), "missing"))?;
    // Records are read straight into their type; only the `connection` shorthand goes
    // through a JSON value to become a connection request.
    Ok(match kind.as_ref() {
        "region" => typed::<Region>(line, text)?.into(),
        "district" => typed::<District>(line, text)?.into(),
        "municipality" => typed::<Municipality>(line, text)?.into(),
        "topic" => typed::<Topic>(line, text)?.into(),
        "organization" => typed::<Organization>(line, text)?.into(),
        "lotse" => typed::<Lotse>(line, text)?.into(),
        "expert" => typed::<Expert>(line, text)?.into(),
        "project" => typed::<Project>(line, text)?.into(),
        "connection_request" => typed::<ConnectionRequest>(line, text)?.into(),
        "project_invitation" => typed::<ProjectInvitation>(line, text)?.into(),
        "dismissal" => typed::<Dismissal>(line, text)?.into(),
        "audit_entry" => typed::<AuditEntry>(line, text)?.into(),
        "connection" => connection(line, text)?.into(),
        other => {
            return Err(RecordError::new(
                line,
                Some("type"),
                format!("unknown type '{other}'; expected one of {TYPES}"),
            ));
        }
    })
}

/// Just the `type` of a record, read without building the rest.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
}

/// `{"type":"connection","from","to","since"?}` as an accepted connection request.
fn connection(line: usize, text: &str) -> Result<ConnectionRequest, RecordError> {
    let value: Value = serde_json::from_str(text).map_err(|e| RecordError::new(line, None, e.to_string()))?;
    let end = |field: &str| {
        value
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| RecordError::new(line, Some(field), "missing"))
    };
    let (from, to) = (end("from")?, end("to")?);
    let since = value.get("since").cloned().unwrap_or_else(|| Value::from("1970-01-01T00:00:00Z"));
    let request = serde_json::json!({
        "id": format!("conn-{from}-{to}"), "from": from, "to": to,
        "status": "ACCEPTED", "created_at": since, "responded_at": since,
    });
    typed::<ConnectionRequest>(line, &request.to_string())
}

/// Reads a record as one entity type. Tracking the field's path costs time on every record
/// but only an error needs it, so a record that fails is read a second time to name it.
fn typed<E: serde::de::DeserializeOwned>(line: usize, text: &str) -> Result<E, RecordError> {
    serde_json::from_str(text).or_else(|_| typed_with_path(line, text))
}

/// Reads a record as one entity type, so that errors can name the field's path.
fn typed_with_path<E: serde::de::DeserializeOwned>(line: usize, text: &str) -> Result<E, RecordError> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text)).map_err(|e| {
        let path = e.path().to_string();
        let field = (path != ".").then_some(path);
        RecordError { line, field, message: e.into_inner().to_string() }
    })
}

/// Kinds in the order their records may refer to each other.
const KIND_ORDER: [NodeKind; 12] = [
    NodeKind::Region,
    NodeKind::District,
    NodeKind::Municipality,
    NodeKind::Topic,
    NodeKind::Organization,
    NodeKind::Lotse,
    NodeKind::Expert,
    NodeKind::Project,
    NodeKind::ConnectionRequest,
    NodeKind::ProjectInvitation,
    NodeKind::Dismissal,
    NodeKind::AuditEntry,
];

/// Sorts nodes so that every reference points backwards: by kind, then (for regions and
/// topics, which nest) by depth in their taxonomy, then by `tiebreak`.
pub fn dependency_order<T, K: Ord>(items: Vec<T>, node: impl Fn(&T) -> &Node, tiebreak: impl Fn(&T) -> K) -> Vec<T> {
    let parents: FxHashMap<&Id, &Id> = items
        .iter()
        .filter_map(|item| match node(item) {
            Node::Region(r) => r.parent.as_ref().map(|p| (&r.id, p)),
            Node::Topic(t) => t.parent.as_ref().map(|p| (&t.id, p)),
            _ => None,
        })
        .collect();
    let depth = |id: &Id| {
        let mut depth = 0;
        let mut next = parents.get(id);
        while let Some(parent) = next.filter(|_| depth <= parents.len()) {
            depth += 1;
            next = parents.get(parent);
        }
        depth
    };
    let keys: Vec<(usize, usize, K)> = items
        .iter()
        .map(|item| {
            let n = node(item);
            let rank = KIND_ORDER.iter().position(|k| *k == n.kind()).unwrap_or(KIND_ORDER.len());
            (rank, depth(n.id()), tiebreak(item))
        })
        .collect();
    let mut keyed: Vec<((usize, usize, K), T)> = keys.into_iter().zip(items).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, item)| item).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_line_and_field() {
        let error =
            parse_record(7, r#"{"type":"municipality","id":"m","name":"X","district":"d","ags":"123"}"#).unwrap_err();
        assert_eq!(error.line, 7);
        assert_eq!(error.field.as_deref(), Some("ags"));
        assert!(error.message.contains("8 digits"), "{error}");
        let missing = parse_record(2, r#"{"type":"lotse","id":"l","name":"X"}"#).unwrap_err();
        assert!(missing.message.contains("municipality"), "{missing}");
        assert_eq!(parse_record(1, "{").unwrap_err().field, None);
        assert_eq!(parse_record(1, r#"{"type":"planet","id":"p"}"#).unwrap_err().field.as_deref(), Some("type"));
    }

    #[test]
    fn connections_get_a_stable_id() {
        let node = parse_record(1, r#"{"type":"connection","from":"a","to":"b"}"#).unwrap();
        assert_eq!(node.id().as_str(), "conn-a-b");
        assert_eq!(node, parse_record(2, r#"{"type":"connection","from":"a","to":"b"}"#).unwrap());
    }

    #[test]
    fn parents_come_before_children() {
        let nodes = vec![
            parse_record(1, r#"{"type":"topic","id":"c","name":"C","parent":"b"}"#).unwrap(),
            parse_record(2, r#"{"type":"region","id":"r","name":"R"}"#).unwrap(),
            parse_record(3, r#"{"type":"topic","id":"b","name":"B","parent":"a"}"#).unwrap(),
            parse_record(4, r#"{"type":"topic","id":"a","name":"A"}"#).unwrap(),
        ];
        let nodes = dependency_order(nodes, |n| n, |_| 0);
        let ids: Vec<_> = nodes.iter().map(|n| n.id().as_str()).collect();
        assert_eq!(ids, ["r", "a", "b", "c"]);
    }
}
