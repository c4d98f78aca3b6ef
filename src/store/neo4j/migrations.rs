//! Schema migrations from `cypher/migrations/` (named as Neo4j-Migrations names them:
//! `V0001__constraints.cypher`), applied in order at start and recorded in the database with
//! a checksum; a recorded migration whose file has changed stops the store from starting.

use std::time::Instant;

use neo4rs::Graph;
use serde::Deserialize;
use serde_json::json;

use super::connect::{DbError, DbResult, Tx, cypher};
use crate::store::StoreError;

/// File name and content of every migration, oldest first.
const MIGRATIONS: &[(&str, &str)] = &[
    ("V0001__constraints.cypher", include_str!("../../../cypher/migrations/V0001__constraints.cypher")),
    ("V0002__indexes.cypher", include_str!("../../../cypher/migrations/V0002__indexes.cypher")),
    ("V0003__fulltext.cypher", include_str!("../../../cypher/migrations/V0003__fulltext.cypher")),
    ("V0004__idempotency_keys.cypher", include_str!("../../../cypher/migrations/V0004__idempotency_keys.cypher")),
    ("V0005__change_feed.cypher", include_str!("../../../cypher/migrations/V0005__change_feed.cypher")),
    (
        "V0006__invitations_dismissals.cypher",
        include_str!("../../../cypher/migrations/V0006__invitations_dismissals.cypher"),
    ),
];

const INIT: &str = include_str!("../../../cypher/migration_init.cypher");
const APPLIED: &str = include_str!("../../../cypher/migrations_applied.cypher");
const RECORD: &str = include_str!("../../../cypher/migration_record.cypher");

/// One migration file.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    /// `0001` of `V0001__constraints.cypher`.
    pub version: String,
    pub description: String,
    pub file: &'static str,
    pub checksum: String,
    pub statements: Vec<String>,
}

impl Migration {
    fn parse(file: &'static str, content: &str) -> Self {
        let stem = file.trim_end_matches(".cypher");
        let (version, description) = stem.split_once("__").unwrap_or((stem, ""));
        Self {
            version: version.trim_start_matches('V').to_owned(),
            description: description.replace('_', " "),
            file,
            checksum: format!("{:08x}", crc32(content.as_bytes())),
            statements: statements(content),
        }
    }
}

/// The migrations shipped with this build, in order.
pub fn all() -> Vec<Migration> {
    MIGRATIONS.iter().map(|(file, content)| Migration::parse(file, content)).collect()
}

/// The statements of a file: separated by `;` at the end of a line, `//` comments dropped.
fn statements(content: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    for line in content.lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with("//") || line.trim().is_empty() {
            continue;
        }
        let (text, ends) = match line.strip_suffix(';') {
            Some(text) => (text, true),
            None => (line, false),
        };
        current.push_str(text);
        current.push('\n');
        if ends {
            statements.push(std::mem::take(&mut current).trim().to_owned());
        }
    }
    if !current.trim().is_empty() {
        statements.push(current.trim().to_owned());
    }
    statements
}

/// CRC-32 (IEEE), the checksum Neo4j-Migrations records.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[derive(Deserialize)]
struct Applied {
    version: String,
    checksum: String,
}

/// Applies every migration not yet recorded; fails when a recorded one was changed.
pub async fn run(graph: &Graph, user: &str) -> DbResult<()> {
    let mut tx = Tx::begin(graph).await?;
    tx.run(cypher(INIT, json!({}))?).await?;
    tx.commit().await?;
    let mut tx = Tx::begin(graph).await?;
    let applied: Vec<Applied> = tx.rows(cypher(APPLIED, json!({}))?).await?;
    tx.finish().await?;
    let shipped = all();
    for migration in &shipped {
        if let Some(recorded) = applied.iter().find(|a| a.version == migration.version) {
            if recorded.checksum != migration.checksum {
                return Err(DbError::Fatal(StoreError::Internal(format!(
                    "migration {} was changed after it was applied (checksum {} in the database, {} now); \
                     restore the file and add the change as a new migration",
                    migration.file, recorded.checksum, migration.checksum
                ))));
            }
            continue;
        }
        let started = Instant::now();
        // Schema changes may not share a transaction with other writes: one each.
        for statement in &migration.statements {
            let mut tx = Tx::begin(graph).await?;
            tx.run(neo4rs::query(statement)).await?;
            tx.commit().await?;
        }
        let mut tx = Tx::begin(graph).await?;
        let params = json!({
            "version": migration.version,
            "description": migration.description,
            "checksum": migration.checksum,
            "user": user,
            "millis": i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        });
        tx.run(cypher(RECORD, params)?).await?;
        tx.commit().await?;
        tracing::info!(migration = migration.file, "applied Neo4j migration");
    }
    for newer in applied.iter().filter(|a| !shipped.iter().any(|m| m.version == a.version)) {
        tracing::warn!(version = %newer.version, "the database records a migration this build does not know");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_and_split_into_statements() {
        let migrations = all();
        assert_eq!(migrations[0].version, "0001");
        assert_eq!(migrations[0].description, "constraints");
        assert!(migrations.iter().all(|m| !m.statements.is_empty()));
        assert!(migrations.windows(2).all(|w| w[0].version < w[1].version));
        let statements = statements("// note\nCREATE A;\nCREATE B\n  FOR x;\n");
        assert_eq!(statements, vec!["CREATE A", "CREATE B\n  FOR x"]);
    }

    #[test]
    fn checksum_is_crc32() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
