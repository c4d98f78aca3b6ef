//! Applying a batch of changes in one transaction.
//!
//! The rules (references, unique ids and AGS, parent cycles, open requests and invitations,
//! one dismissal per pair, what a delete takes with it or is refused for) are the embedded
//! store's own code, run over the part of the graph the batch can touch: that part is read
//! from Neo4j inside the write transaction, after taking the write lock, so it cannot change
//! underneath. The result — the new state of every node the batch touched — is then written
//! back, or nothing is.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};

use super::connect::{DbResult, Tx, cypher};
use super::feed::FeedPosition;
use super::keys;
use super::mapping::{self, EdgeRow, NodeRow};
use super::reads::{self, IdRow};
use crate::domain::{ConnectionStatus, Id, InvitationStatus, Node};
use crate::graph::{Graph, NodeState, write};
use crate::store::edges::out_edges;
use crate::store::{Change, StoreError, WriteKey};

const WRITE_LOCK: &str = include_str!("../../../cypher/write_lock.cypher");
const WORKING_SET: &str = include_str!("../../../cypher/working_set.cypher");
const DELETE_NODES: &str = include_str!("../../../cypher/delete_nodes.cypher");
const UPSERT_NODES: &str = include_str!("../../../cypher/upsert_nodes.cypher");
const CLEAR_EDGES: &str = include_str!("../../../cypher/clear_edges.cypher");
const CREATE_EDGES: &str = include_str!("../../../cypher/create_edges.cypher");
const FEED_APPEND: &str = include_str!("../../../cypher/change_feed_append.cypher");
const FEED_PRUNE: &str = include_str!("../../../cypher/change_feed_prune.cypher");

/// Writes touching more nodes than this are recorded in the change feed without their states;
/// other instances reload their projection after one (imports, the demo network).
const FEED_MAX_STATES: usize = 2_000;

/// A write as the change feed recorded it.
pub struct Committed {
    pub position: FeedPosition,
    /// The new state of every node the write touched (the feed holds them only up to
    /// [`FEED_MAX_STATES`]).
    pub states: Vec<NodeState>,
}

/// Rows per statement when writing large batches (the demo network).
const CHUNK: usize = 5_000;

/// What a batch of changes refers to.
#[derive(Default)]
struct Refs {
    ids: BTreeSet<String>,
    deleted: BTreeSet<String>,
    /// Nodes whose requests, invitations or dismissals the rules read.
    related: BTreeSet<String>,
    ags: BTreeSet<String>,
}

fn refs(changes: &[Change]) -> Refs {
    let mut refs = Refs::default();
    for change in changes {
        match change {
            Change::Create(node) | Change::Update(node) => {
                refs.ids.insert(node.id().to_string());
                refs.ids.extend(out_edges(node).into_iter().map(|(_, target)| target.to_string()));
                match node {
                    Node::Municipality(m) => refs.ags.extend(m.ags.iter().map(|a| a.to_string())),
                    Node::ConnectionRequest(c)
                        if matches!(c.status, ConnectionStatus::Pending | ConnectionStatus::Accepted) =>
                    {
                        refs.related.insert(c.from.to_string());
                    }
                    Node::ProjectInvitation(i) if i.status == InvitationStatus::Pending => {
                        refs.related.insert(i.project.to_string());
                    }
                    Node::Dismissal(d) => {
                        refs.related.insert(d.lotse.to_string());
                    }
                    _ => {}
                }
            }
            Change::Delete(_, id) => {
                refs.ids.insert(id.to_string());
                refs.deleted.insert(id.to_string());
            }
            Change::SetMember { project, lotse, .. } | Change::RemoveMember { project, lotse } => {
                refs.ids.insert(project.to_string());
                refs.ids.insert(lotse.to_string());
            }
        }
    }
    refs
}

/// Checks and writes a batch inside `tx`, with the record of `key` (if any) unless that says
/// the batch was applied before, and appends it to the change feed; the caller commits.
/// `None` when the key's record says the batch was applied before (nothing is written).
pub async fn apply(
    tx: &mut Tx,
    changes: Vec<Change>,
    key: Option<&WriteKey>,
    retention: Duration,
) -> DbResult<Option<Committed>> {
    tx.run(cypher(WRITE_LOCK, json!({}))?).await?;
    if let Some(key) = key {
        match keys::claim(tx, key).await? {
            Some(record) => keys::write(tx, key, &record).await?,
            None => return Ok(None),
        }
    }
    let refs = refs(&changes);
    let params = json!({ "ids": refs.ids, "deleted": refs.deleted, "related": refs.related, "ags": refs.ags });
    let rows: Vec<IdRow> = tx.rows(cypher(WORKING_SET, params)?).await?;
    let stored_ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let stored = reads::read_nodes(tx, &stored_ids).await?;

    let mut graph = Graph::default();
    for node in stored.values() {
        graph.insert(node.clone());
    }
    let undo = write::apply(&mut graph, changes).map_err(|(error, _)| error)?;

    let touched = undo.touched(&graph);
    let state =
        |(kind, id, node): &(_, &Id, Option<&Node>)| NodeState { kind: *kind, id: (*id).clone(), node: node.cloned() };
    let states: Vec<NodeState> = touched.iter().map(state).collect();
    let mut deleted = Vec::new();
    let mut upserted: Vec<NodeRow> = Vec::new();
    let mut edges: Vec<EdgeRow> = Vec::new();
    let mut rewired = Vec::new();
    for (_, id, node) in touched {
        match node {
            None => deleted.push(id.to_string()),
            Some(node) => {
                let (row, owned) = mapping::to_rows(node)?;
                if stored.contains_key(id) {
                    rewired.push(id.to_string());
                }
                upserted.push(row);
                edges.extend(owned);
            }
        }
    }
    for chunk in deleted.chunks(CHUNK) {
        tx.run(cypher(DELETE_NODES, json!({ "ids": chunk }))?).await?;
    }
    for chunk in upserted.chunks(CHUNK) {
        let nodes: Vec<Value> = chunk.iter().map(NodeRow::to_json).collect();
        tx.run(cypher(UPSERT_NODES, json!({ "nodes": nodes }))?).await?;
    }
    for chunk in rewired.chunks(CHUNK) {
        tx.run(cypher(CLEAR_EDGES, json!({ "ids": chunk }))?).await?;
    }
    for chunk in edges.chunks(CHUNK) {
        let edges: Vec<Value> = chunk.iter().map(EdgeRow::to_json).collect();
        tx.run(cypher(CREATE_EDGES, json!({ "edges": edges }))?).await?;
    }
    let recorded = match states.len() <= FEED_MAX_STATES {
        true => Some(serde_json::to_string(&states).map_err(|e| StoreError::Internal(e.to_string()))?),
        false => None,
    };
    let rows: Vec<FeedPosition> = tx.rows(cypher(FEED_APPEND, json!({ "states": recorded }))?).await?;
    let position =
        rows.into_iter().next().ok_or_else(|| StoreError::Internal("the change feed gave no position".into()))?;
    tx.run(cypher(FEED_PRUNE, json!({ "retention_ms": retention.as_millis() as i64 }))?).await?;
    Ok(Some(Committed { position, states }))
}
