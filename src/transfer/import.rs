//! Importing records: parse and check every line, then write all changes at once.
//!
//! A record whose id exists is an update (or nothing, when equal); otherwise a creation.
//! References may point to records later in the file or already in the store.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

use indicatif::ProgressBar;

use super::records::{RecordError, dependency_order, parse_record};
use crate::auth::Viewer;
use crate::domain::{Ags, Id, Node, NodeKind};
use crate::service::{ServiceError, Services};
use crate::store::Change;
use crate::store::edges::out_edges;

/// How many record errors are reported before giving up.
const MAX_REPORTED_ERRORS: usize = 50;

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Write in batches of this many records, each its own transaction; `None` writes the
    /// whole import in one transaction.
    pub batch_size: Option<usize>,
}

/// What an import will do.
#[derive(Debug, Default)]
pub struct ImportPlan {
    pub changes: Vec<Change>,
    pub records: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub by_kind: BTreeMap<NodeKind, usize>,
}

#[derive(Debug, Default)]
pub struct ImportSummary {
    pub records: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub by_kind: BTreeMap<NodeKind, usize>,
    pub written: bool,
}

#[derive(Debug)]
pub enum ImportError {
    /// Lines that are not valid records; nothing was written.
    Records(Vec<RecordError>),
    /// The input could not be read; nothing was written.
    Read(std::io::Error),
    /// The store refused or failed.
    Store(ServiceError),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Records(errors) => {
                writeln!(f, "{} invalid record(s); nothing was written:", errors.len())?;
                for e in errors {
                    writeln!(f, "  {e}")?;
                }
                Ok(())
            }
            ImportError::Read(e) => write!(f, "cannot read the input: {e}"),
            ImportError::Store(e) => write!(f, "the store refused the import: {e:?}"),
        }
    }
}

/// Reads JSON Lines, skipping blank lines; errors name the line.
pub fn read_records(input: impl BufRead, progress: Option<&ProgressBar>) -> Result<Vec<(usize, Node)>, ImportError> {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in input.lines().enumerate() {
        let line_no = index + 1;
        let text = line.map_err(ImportError::Read)?;
        if let Some(bar) = progress {
            bar.inc(1);
        }
        if text.trim().is_empty() {
            continue;
        }
        match parse_record(line_no, &text) {
            Ok(node) => records.push((line_no, node)),
            Err(e) if errors.len() < MAX_REPORTED_ERRORS => errors.push(e),
            Err(_) => break,
        }
    }
    if errors.is_empty() { Ok(records) } else { Err(ImportError::Records(errors)) }
}

/// Checks parsed records against each other and the store, and decides what to write.
pub async fn plan(services: &Services, records: Vec<(usize, Node)>) -> Result<ImportPlan, ImportError> {
    let mut errors = Vec::new();
    let mut in_file: HashMap<Id, (NodeKind, usize)> = HashMap::with_capacity(records.len());
    let mut ags_in_file: HashMap<Ags, usize> = HashMap::new();
    for (line, node) in &records {
        if let Some((_, first)) = in_file.insert(node.id().clone(), (node.kind(), *line)) {
            errors.push(RecordError::new(
                *line,
                Some("id"),
                format!("'{}' is already used on line {first}", node.id()),
            ));
        }
        if let Node::Municipality(m) = node {
            if let Some(ags) = &m.ags {
                if let Some(first) = ags_in_file.insert(ags.clone(), *line) {
                    errors.push(RecordError::new(*line, Some("ags"), format!("{ags} is already used on line {first}")));
                }
            }
        }
    }

    // References to records outside the file must exist in the store.
    let mut wanted: BTreeMap<NodeKind, HashSet<Id>> = BTreeMap::new();
    for (_, node) in &records {
        for (rel, target) in out_edges(node) {
            if !in_file.contains_key(target) {
                for kind in rel.targets() {
                    wanted.entry(*kind).or_default().insert(target.clone());
                }
            }
        }
        wanted.entry(node.kind()).or_default().insert(node.id().clone());
    }
    let mut stored: HashMap<(NodeKind, Id), Node> = HashMap::new();
    for (kind, ids) in wanted {
        let ids: Vec<Id> = ids.into_iter().collect();
        for node in services.get(kind, &ids).await.map_err(ImportError::Store)? {
            stored.insert((kind, node.id().clone()), node);
        }
    }
    for (line, node) in &records {
        for (rel, target) in out_edges(node) {
            let in_file_ok = in_file.get(target).is_some_and(|(kind, _)| rel.targets().contains(kind));
            let stored_ok = rel.targets().iter().any(|kind| stored.contains_key(&(*kind, target.clone())));
            if !in_file_ok && !stored_ok {
                let expected = rel.targets().iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" or ");
                errors.push(RecordError::new(
                    *line,
                    Some(rel.field()),
                    format!("no {expected} with id '{target}' in the file or the store"),
                ));
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        errors.truncate(MAX_REPORTED_ERRORS);
        return Err(ImportError::Records(errors));
    }

    let mut plan = ImportPlan { records: records.len(), ..Default::default() };
    for (_, node) in dependency_order(records, |(_, n)| n, |(line, _)| *line) {
        *plan.by_kind.entry(node.kind()).or_default() += 1;
        match stored.get(&(node.kind(), node.id().clone())) {
            Some(existing) if existing == &node => plan.unchanged += 1,
            Some(_) => {
                plan.updated += 1;
                plan.changes.push(Change::Update(node));
            }
            None => {
                plan.created += 1;
                plan.changes.push(Change::Create(node));
            }
        }
    }
    Ok(plan)
}

/// Writes a plan with the operator's rights (command line) or, when `viewer` is given, as
/// that caller with authorization and audit (GraphQL).
pub async fn write_plan(
    services: &Services,
    viewer: Option<&Viewer>,
    plan: ImportPlan,
    options: ImportOptions,
) -> Result<ImportSummary, ImportError> {
    let summary = ImportSummary {
        records: plan.records,
        created: plan.created,
        updated: plan.updated,
        unchanged: plan.unchanged,
        by_kind: plan.by_kind,
        written: !options.dry_run,
    };
    if options.dry_run {
        return Ok(summary);
    }
    let batches: Vec<Vec<Change>> = match options.batch_size {
        Some(size) if size > 0 => {
            let mut changes = plan.changes;
            let mut batches = Vec::new();
            while !changes.is_empty() {
                let rest = changes.split_off(size.min(changes.len()));
                batches.push(std::mem::replace(&mut changes, rest));
            }
            batches
        }
        _ => vec![plan.changes],
    };
    for batch in batches.into_iter().filter(|b| !b.is_empty()) {
        let result = match viewer {
            Some(viewer) => services.apply(viewer, batch).await,
            None => services.apply_as_operator(batch).await,
        };
        result.map_err(ImportError::Store)?;
    }
    Ok(summary)
}

/// Reads, checks and writes a whole import.
pub async fn import(
    services: &Services,
    input: impl BufRead,
    options: ImportOptions,
    progress: Option<&ProgressBar>,
) -> Result<ImportSummary, ImportError> {
    let records = read_records(input, progress)?;
    let plan = plan(services, records).await?;
    write_plan(services, None, plan, options).await
}
