//! Bulk import over GraphQL for integrations with the `import` scope.

use async_graphql::{Context, ErrorExtensions, Object, Result, SimpleObject};

use crate::graphql::errors::{BAD_USER_INPUT, FORBIDDEN, bad_input, coded};
use crate::graphql::support::*;
use crate::transfer::{self, ImportError, ImportOptions};

/// Most records one `importRecords` call takes; larger imports use the command line.
pub const MAX_IMPORT_RECORDS: usize = 10_000;

/// What an import did.
#[derive(SimpleObject)]
pub struct ImportResult {
    /// Records read.
    pub records: usize,
    /// Records that were new.
    pub created: usize,
    /// Records that changed existing nodes.
    pub updated: usize,
    /// Records equal to what was stored.
    pub unchanged: usize,
    /// Whether anything was written (false for a dry run).
    pub written: bool,
}

#[derive(Default)]
pub struct TransferMutation;

#[Object]
impl TransferMutation {
    /// Imports records in the JSON Lines format of `lotsennetz import` (see README), all or
    /// nothing; at most 10,000 records, in a request body within the service's limit (1 MiB
    /// unless configured otherwise). Admins and integrations with the `import` scope only.
    /// Invalid records fail with BAD_USER_INPUT listing each line and field, and so do records
    /// too many for one transaction of the data store. With `dryRun` every record is checked
    /// and nothing written.
    async fn import_records(&self, ctx: &Context<'_>, records: String, dry_run: Option<bool>) -> Result<ImportResult> {
        let dry_run = dry_run.unwrap_or(false);
        let viewer = viewer(ctx)?;
        crate::service::policy::may_import(viewer).map_err(|reason| coded(FORBIDDEN, reason))?;
        let lines = records.lines().filter(|l| !l.trim().is_empty()).count();
        if lines > MAX_IMPORT_RECORDS {
            return Err(bad_input("records", format!("at most {MAX_IMPORT_RECORDS} records per call")));
        }
        let services = services(ctx)?;
        let outcome = async {
            let parsed = transfer::read_records(records.as_bytes(), None)?;
            let plan = transfer::plan(services, parsed).await?;
            transfer::write_plan(services, Some(viewer), plan, ImportOptions { dry_run, batch_size: None }).await
        }
        .await;
        match outcome {
            Ok(summary) => Ok(ImportResult {
                records: summary.records,
                created: summary.created,
                updated: summary.updated,
                unchanged: summary.unchanged,
                written: summary.written,
            }),
            Err(ImportError::Records(errors)) => {
                let first = errors.first().map(ToString::to_string).unwrap_or_default();
                let details: Vec<serde_json::Value> = errors
                    .iter()
                    .map(|e| serde_json::json!({ "line": e.line, "field": e.field, "message": e.message }))
                    .collect();
                let details = async_graphql::Value::from_json(serde_json::Value::Array(details)).unwrap_or_default();
                Err(async_graphql::Error::new(format!("{} invalid record(s), e.g. {first}", errors.len())).extend_with(
                    move |_, e| {
                        e.set("code", BAD_USER_INPUT);
                        e.set("records", details.clone());
                    },
                ))
            }
            Err(ImportError::Store(error)) => Err(error.into()),
            Err(ImportError::TooLarge { records, detail, .. }) => {
                tracing::warn!(records, %detail, "import too large for one transaction of the store");
                Err(bad_input(
                    "records",
                    format!(
                        "{records} records are too many for one transaction of the data store; send fewer per call"
                    ),
                ))
            }
            Err(ImportError::Read(error)) => Err(bad_input("records", error)),
        }
    }
}
