//! Nodes by id and incoming edges.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use serde_json::json;

use super::connect::{DbResult, Tx, cypher};
use super::mapping::{self, StoredNode};
use crate::domain::{Id, Node, NodeKind};
use crate::store::Rel;

const READ_NODES: &str = include_str!("../../../cypher/read_nodes.cypher");
const INCOMING: &str = include_str!("../../../cypher/incoming.cypher");

#[derive(Deserialize)]
pub struct IdRow {
    pub id: String,
}

/// The stored nodes with these ids, whatever their kind, by id.
pub async fn read_nodes(tx: &mut Tx, ids: &[&str]) -> DbResult<HashMap<Id, Node>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<StoredNode> = tx.rows(cypher(READ_NODES, json!({ "ids": ids }))?).await?;
    let mut nodes = HashMap::with_capacity(rows.len());
    for row in rows {
        let node = mapping::from_stored(row)?;
        nodes.insert(node.id().clone(), node);
    }
    Ok(nodes)
}

/// The nodes of `kind` with these ids, in the order asked; missing ids are left out.
pub async fn get(tx: &mut Tx, kind: NodeKind, ids: &[Id]) -> DbResult<Vec<Node>> {
    let wanted: Vec<&str> = ids.iter().map(Id::as_str).collect();
    let found = read_nodes(tx, &wanted).await?;
    Ok(ids.iter().filter_map(|id| found.get(id).filter(|n| n.kind() == kind).cloned()).collect())
}

#[derive(Deserialize)]
struct IncomingRow {
    target: String,
    source: String,
}

pub async fn incoming(tx: &mut Tx, kind: NodeKind, rel: Rel, targets: &[Id]) -> DbResult<Vec<(Id, Vec<Id>)>> {
    let params = json!({
        "targets": targets.iter().map(Id::as_str).collect::<Vec<_>>(),
        "label": mapping::label(kind),
        "type": mapping::rel_type(rel),
        "reversed": mapping::reversed(rel),
    });
    let rows: Vec<IncomingRow> = tx.rows(cypher(INCOMING, params)?).await?;
    let mut sources: HashMap<String, BTreeSet<Id>> = HashMap::new();
    for row in rows {
        sources.entry(row.target).or_default().insert(parse_id(row.source)?);
    }
    Ok(targets
        .iter()
        .map(|target| {
            let ids = sources.get(target.as_str()).map(|s| s.iter().cloned().collect()).unwrap_or_default();
            (target.clone(), ids)
        })
        .collect())
}

/// An id read back from the database; only valid ids are ever written.
pub fn parse_id(raw: String) -> DbResult<Id> {
    Id::try_from(raw).map_err(|e| crate::store::StoreError::Internal(format!("stored id is invalid: {e}")).into())
}
