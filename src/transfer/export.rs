//! Exporting the whole network in the import format, in an order that imports again.

use std::io::Write;

use super::records::dependency_order;
use crate::domain::{Node, NodeKind};
use crate::service::{ServiceResult, Services};

#[derive(Debug, Default)]
pub struct ExportSummary {
    pub records: usize,
}

/// Every node of the store, in dependency order and by id within a kind, so that the same
/// network always exports to the same bytes.
pub async fn all_nodes(services: &Services) -> ServiceResult<Vec<Node>> {
    let mut nodes = Vec::new();
    for kind in NodeKind::ALL {
        nodes.extend(services.list_all(*kind).await?);
    }
    Ok(dependency_order(nodes, |n| n, |n| n.id().clone()))
}

pub async fn export(services: &Services, out: &mut dyn Write) -> anyhow::Result<ExportSummary> {
    let nodes = all_nodes(services).await.map_err(|e| anyhow::anyhow!("reading the store: {}", e.display()))?;
    let records = super::write_records(out, &nodes)?;
    Ok(ExportSummary { records })
}
