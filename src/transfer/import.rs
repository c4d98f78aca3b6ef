//! Importing records: parse and check every line, then write all changes at once.
//!
//! A record whose id exists is an update (or nothing, when equal); otherwise a creation.
//! References may point to records later in the file or already in the store.

use std::collections::BTreeMap;
use std::io::BufRead;

use indicatif::ProgressBar;
use rustc_hash::{FxHashMap, FxHashSet};

use super::records::{RecordError, dependency_order, parse_record};
use crate::auth::Viewer;
use crate::domain::{Ags, Id, Node, NodeKind};
use crate::service::{ServiceError, Services};
use crate::store::edges::out_edges;
use crate::store::{Change, StoreError};

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
    /// A transaction of `records` records did not fit into the store's transaction memory;
    /// `committed` records of earlier batches were written before it, the rest was not.
    TooLarge { records: usize, committed: usize, detail: String },
}

/// Code of [`ImportError::TooLarge`] on the command line: import again with a smaller
/// `--batch-size`.
const TRANSACTION_TOO_LARGE: &str = "TRANSACTION_TOO_LARGE";

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
            ImportError::Store(e) => write!(f, "the store refused the import: {}", e.display()),
            ImportError::TooLarge { records, committed, detail } => {
                let written = match committed {
                    0 => "nothing was written".to_owned(),
                    n => format!("the {n} records of the batches before it were written, the rest was not"),
                };
                write!(
                    f,
                    "{TRANSACTION_TOO_LARGE}: a transaction of {records} records is too large for the store's \
                     transaction memory; {written}. Import again with a smaller --batch-size (for example \
                     --batch-size {}); records already imported are left as they are. The store said: {detail}",
                    smaller_batch(*records)
                )
            }
        }
    }
}

/// Lines read before they are parsed together, spread over the cores.
const CHUNK_LINES: usize = 16_384;
/// Below this many lines per thread, parsing stays on the calling thread.
const MIN_LINES_PER_THREAD: usize = 2_048;

/// Reads JSON Lines, skipping blank lines; errors name the line.
pub fn read_records(
    mut input: impl BufRead,
    progress: Option<&ProgressBar>,
) -> Result<Vec<(usize, Node)>, ImportError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut lines = Vec::with_capacity(CHUNK_LINES);
    let mut first = 1;
    loop {
        // Lines read before a read error are checked first, as if read one at a time.
        let more = read_chunk(&mut input, &mut lines, progress);
        for (line, parsed) in (first..).zip(parse_lines(first, &lines, threads)) {
            match parsed {
                None => {}
                Some(Ok(node)) => records.push((line, node)),
                Some(Err(e)) if errors.len() < MAX_REPORTED_ERRORS => errors.push(e),
                Some(Err(_)) => return Err(ImportError::Records(errors)),
            }
        }
        first += lines.len();
        if !more.map_err(ImportError::Read)? {
            break;
        }
    }
    if errors.is_empty() { Ok(records) } else { Err(ImportError::Records(errors)) }
}

/// Reads up to `CHUNK_LINES` lines into `lines`, cut as `BufRead::lines` cuts them (at `\n`
/// or `\r\n`); `Ok(false)` at the end of the input.
fn read_chunk(
    input: &mut impl BufRead,
    lines: &mut Vec<String>,
    progress: Option<&ProgressBar>,
) -> std::io::Result<bool> {
    lines.clear();
    while lines.len() < CHUNK_LINES {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(false);
        }
        if line.ends_with('\n') {
            line.pop();
            if line.ends_with('\r') {
                line.pop();
            }
        }
        if let Some(bar) = progress {
            bar.inc(1);
        }
        lines.push(line);
    }
    Ok(true)
}

/// Parses lines numbered from `first` on up to `threads` threads; `None` for a blank line.
fn parse_lines(first: usize, lines: &[String], threads: usize) -> Vec<Option<Result<Node, RecordError>>> {
    let parse = |(line, text): (usize, &String)| (!text.trim().is_empty()).then(|| parse_record(line, text));
    let threads = threads.min(lines.len() / MIN_LINES_PER_THREAD).max(1);
    if threads == 1 {
        return (first..).zip(lines).map(parse).collect();
    }
    let per_thread = lines.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = lines
            .chunks(per_thread)
            .enumerate()
            .map(|(i, part)| scope.spawn(move || (first + i * per_thread..).zip(part).map(parse).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

/// Checks parsed records against each other and the store, and decides what to write.
pub async fn plan(services: &Services, records: Vec<(usize, Node)>) -> Result<ImportPlan, ImportError> {
    let mut errors = Vec::new();
    let mut in_file: FxHashMap<&Id, (NodeKind, usize)> = FxHashMap::default();
    in_file.reserve(records.len());
    let mut ags_in_file: FxHashMap<&Ags, usize> = FxHashMap::default();
    for (line, node) in &records {
        if let Some((_, first)) = in_file.insert(node.id(), (node.kind(), *line)) {
            errors.push(RecordError::new(
                *line,
                Some("id"),
                format!("'{}' is already used on line {first}", node.id()),
            ));
        }
        if let Node::Municipality(m) = node
            && let Some(ags) = &m.ags
            && let Some(first) = ags_in_file.insert(ags, *line)
        {
            errors.push(RecordError::new(*line, Some("ags"), format!("{ags} is already used on line {first}")));
        }
    }

    // References to records outside the file must exist in the store.
    let mut wanted: BTreeMap<NodeKind, FxHashSet<&Id>> = BTreeMap::new();
    for (_, node) in &records {
        for (rel, target) in out_edges(node) {
            if !in_file.contains_key(target) {
                for kind in rel.targets() {
                    wanted.entry(*kind).or_default().insert(target);
                }
            }
        }
        wanted.entry(node.kind()).or_default().insert(node.id());
    }
    let mut stored: BTreeMap<NodeKind, FxHashMap<Id, Node>> = BTreeMap::new();
    for (kind, ids) in wanted {
        let ids: Vec<Id> = ids.into_iter().cloned().collect();
        let found = services.get(kind, &ids).await.map_err(ImportError::Store)?;
        stored.entry(kind).or_default().extend(found.into_iter().map(|node| (node.id().clone(), node)));
    }
    let stored_node = |kind: NodeKind, id: &Id| stored.get(&kind).and_then(|nodes| nodes.get(id));
    for (line, node) in &records {
        for (rel, target) in out_edges(node) {
            let in_file_ok = in_file.get(target).is_some_and(|(kind, _)| rel.targets().contains(kind));
            let stored_ok = rel.targets().iter().any(|kind| stored_node(*kind, target).is_some());
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
        match stored_node(node.kind(), node.id()) {
            // A record without a time of writing matches the stored node of the same data.
            Some(existing) if existing == &node || (node.updated_at().is_none() && existing.same_data(&node)) => {
                plan.unchanged += 1
            }
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
    let mut committed = 0;
    for batch in batches.into_iter().filter(|b| !b.is_empty()) {
        let records = batch.len();
        let result = match viewer {
            Some(viewer) => services.apply(viewer, batch).await.map(drop),
            None => services.apply_as_operator(batch).await,
        };
        result.map_err(|error| match error {
            ServiceError::Store(StoreError::TooLarge(detail)) => ImportError::TooLarge { records, committed, detail },
            other => ImportError::Store(other),
        })?;
        committed += records;
    }
    Ok(summary)
}

/// A batch size to suggest after a transaction of `records` records was too large: a tenth,
/// rounded down to a power of ten, at least 100.
fn smaller_batch(records: usize) -> usize {
    let tenth = (records / 10).max(1);
    (10usize.pow(tenth.ilog10())).max(100)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(line: usize) -> String {
        format!(r#"{{"type":"topic","id":"t{line}","name":"Topic {line}"}}"#)
    }

    #[test]
    fn a_too_large_transaction_suggests_a_batch_size_well_below_it() {
        assert_eq!(smaller_batch(146_000), 10_000);
        assert_eq!(smaller_batch(10_000), 1_000);
        assert_eq!(smaller_batch(999), 100);
        assert_eq!(smaller_batch(1), 100);
    }

    #[test]
    fn records_keep_their_line_numbers_across_chunks_and_threads() {
        let lines = CHUNK_LINES + 3 * MIN_LINES_PER_THREAD;
        let mut text = String::new();
        for line in 1..=lines {
            text.push_str(&if line % 1000 == 0 { "  ".to_owned() } else { topic(line) });
            text.push_str(if line % 2 == 0 { "\r\n" } else { "\n" });
        }
        let records = read_records(text.as_bytes(), None).expect("valid records");
        assert_eq!(records.len(), lines - lines / 1000);
        for (line, node) in &records {
            assert_eq!(node.id().as_str(), format!("t{line}"));
        }
    }

    #[test]
    fn the_first_errors_are_reported_in_line_order() {
        let lines = 2 * CHUNK_LINES;
        let bad: Vec<usize> = (0..60).map(|k| 1 + k * (lines / 60)).collect();
        let text: Vec<String> =
            (1..=lines).map(|line| if bad.contains(&line) { "{".to_owned() } else { topic(line) }).collect();
        let Err(ImportError::Records(errors)) = read_records(text.join("\n").as_bytes(), None) else {
            panic!("record errors expected");
        };
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), bad[..MAX_REPORTED_ERRORS]);
    }

    #[test]
    fn a_read_error_ends_the_import() {
        let mut input = format!("{}\n{{\n", topic(1)).into_bytes();
        input.extend_from_slice(b"\xff\n");
        input.extend_from_slice(topic(4).as_bytes());
        assert!(matches!(read_records(input.as_slice(), None), Err(ImportError::Read(_))));
    }
}
