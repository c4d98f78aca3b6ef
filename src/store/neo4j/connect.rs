//! The connection pool, transactions, error classification and bounded retries.
//!
//! Error policy: a server that cannot be reached, a broken connection or a timeout becomes
//! [`StoreError::Unavailable`] (the API answers `SERVICE_UNAVAILABLE`); failures the server
//! marks as transient are retried first. A commit whose answer never came (the connection
//! broke or the deadline passed after it was sent) may or may not have been applied: that is
//! [`StoreError::OutcomeUnknown`], never retried here. A transaction that runs out of the server's
//! transaction memory is marked transient too, but is not retried: the same transaction
//! would fail again after using the memory again, so it is [`StoreError::TooLarge`] at once.
//! Everything else is [`StoreError::Internal`], with the details logged here.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use neo4rs::{ConfigBuilder, Graph, Neo4jClientErrorKind, Neo4jErrorKind, Query, Txn};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::Neo4jConfig;
use crate::store::{StoreError, StoreResult};

/// Bound on connecting and on waiting for any single answer of the server. neo4rs applies it
/// to every receive, so a connection left half-open by a server restart fails instead of
/// hanging; real queries answer far sooner.
pub const IO_TIMEOUT: Duration = Duration::from_secs(15);
/// The same bound on the connection writes use: one batch of an import keeps the server busy
/// far longer than any read, the more so on a server that has only just started.
pub const WRITE_IO_TIMEOUT: Duration = Duration::from_secs(120);
/// Keepalive probes find dead connections that sit idle in the pool.
const TCP_KEEPALIVE: Duration = Duration::from_secs(30);
/// Longest the pool's check of an idle connection (a RESET) may take before the connection
/// is dropped for another; a live server answers a RESET in milliseconds. (neo4rs applies its
/// `idle_timeout` setting as this bound.)
const RECYCLE_TIMEOUT: Duration = Duration::from_millis(500);
/// Longest wait for a free connection when the pool is exhausted.
const POOL_WAIT: Duration = Duration::from_secs(30);
/// Longest a read takes in all (waiting for a connection, every try and pause included); the
/// README promises this bound to clients.
pub const READ_DEADLINE: Duration = Duration::from_secs(15);
/// Longest a write takes in all, its wait behind the other writes of this process included;
/// a large batch (an import) gets [`WRITE_TIME_PER_CHANGE`] more for each of its changes.
pub const WRITE_DEADLINE: Duration = WRITE_IO_TIMEOUT;
/// About ten times what a change of an import takes a small server.
pub const WRITE_TIME_PER_CHANGE: Duration = Duration::from_millis(5);

/// Longest the schema migrations take in all: index and constraint creation on a busy server
/// takes far longer than a read may. They run in a task of their own, so a request that stops
/// waiting for them (at its own deadline) does not cut them short.
pub const MIGRATION_DEADLINE: Duration = WRITE_IO_TIMEOUT;

/// The deadline of a write of `changes` changes.
pub fn write_deadline(changes: usize) -> Duration {
    WRITE_DEADLINE + WRITE_TIME_PER_CHANGE * u32::try_from(changes).unwrap_or(u32::MAX)
}
/// Tries per operation, and the pause before the second one (doubled for each further try).
const ATTEMPTS: u32 = 3;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// Why a database call failed, as far as trying again is concerned.
#[derive(Debug)]
pub enum DbError {
    /// No connection, a broken one, or a timeout: another try may reach the server.
    Unreachable(String),
    /// The server refused us for good (e.g. wrong password): not retried, but still unavailable.
    Refused(String),
    /// The server rolled the transaction back and asks to try again (deadlock, restart).
    Transient(String),
    /// The connection broke, or the deadline passed, after COMMIT was sent: the transaction
    /// may have been applied or not. Never retried: a retry could apply it twice.
    OutcomeUnknown(String),
    /// A rule of the store, or a failure no retry can fix.
    Fatal(StoreError),
}

impl From<neo4rs::Error> for DbError {
    fn from(error: neo4rs::Error) -> Self {
        use neo4rs::Error as E;
        match &error {
            E::IOError { .. }
            | E::ConnectionError
            | E::ConnectionTimedOut
            | E::IncompleteBoltExchange
            | E::ServerUnavailableError(_)
            | E::Ignored(_)
            | E::RequestIgnoredError => DbError::Unreachable(error.to_string()),
            E::AuthenticationError(_) => DbError::Refused(error.to_string()),
            E::Neo4j(e) => server_error(e.code(), error.to_string()),
            _ => DbError::Fatal(StoreError::Internal(error.to_string())),
        }
    }
}

/// Status codes of Neo4j for a transaction that ran out of memory: the pool of all
/// transactions (`dbms.memory.transaction.total.max`, `db.memory.transaction.total.max`), the
/// limit of one (`db.memory.transaction.max`; older servers' name), or the heap itself.
const OUT_OF_MEMORY_CODES: [&str; 4] = [
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
    "Neo.TransientError.General.TransactionMemoryLimit",
    "Neo.ClientError.General.TransactionOutOfMemoryError",
    "Neo.TransientError.General.OutOfMemoryError",
];

/// What to do about an error the server reported with this status code.
fn server_error(code: &str, detail: String) -> DbError {
    match Neo4jErrorKind::from(code) {
        _ if OUT_OF_MEMORY_CODES.contains(&code) => DbError::Fatal(StoreError::TooLarge(detail)),
        Neo4jErrorKind::Transient => DbError::Transient(detail),
        Neo4jErrorKind::Client(Neo4jClientErrorKind::Security(_)) => DbError::Refused(detail),
        Neo4jErrorKind::Client(Neo4jClientErrorKind::FatalDiscovery) => DbError::Unreachable(detail),
        _ if code.starts_with("Neo.TransientError") || code.contains("DatabaseUnavailable") => {
            DbError::Transient(detail)
        }
        _ => DbError::Fatal(StoreError::Internal(detail)),
    }
}

impl From<neo4rs::DeError> for DbError {
    fn from(error: neo4rs::DeError) -> Self {
        DbError::Fatal(StoreError::Internal(format!("unexpected result from Neo4j: {error}")))
    }
}

impl From<StoreError> for DbError {
    fn from(error: StoreError) -> Self {
        DbError::Fatal(error)
    }
}

impl DbError {
    fn worth_retrying(&self) -> bool {
        matches!(self, DbError::Unreachable(_) | DbError::Transient(_))
    }

    /// The error the caller sees; details of failures that are not the caller's are logged
    /// (an unavailable server only when `log_unavailable`).
    fn into_store_error(self, operation: &'static str, log_unavailable: bool) -> StoreError {
        match self {
            DbError::Unreachable(detail) | DbError::Refused(detail) | DbError::Transient(detail) => {
                if log_unavailable {
                    tracing::warn!(operation, %detail, "Neo4j unavailable");
                }
                StoreError::Unavailable(detail)
            }
            DbError::OutcomeUnknown(detail) => {
                tracing::warn!(operation, %detail, "outcome of a Neo4j write unknown");
                StoreError::OutcomeUnknown(detail)
            }
            DbError::Fatal(StoreError::TooLarge(detail)) => {
                tracing::warn!(operation, %detail, "Neo4j ran out of transaction memory");
                StoreError::TooLarge(detail)
            }
            DbError::Fatal(StoreError::Internal(detail)) => {
                tracing::error!(operation, %detail, "Neo4j operation failed");
                StoreError::Internal(detail)
            }
            DbError::Fatal(error) => error,
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// Opens the pool. No connection is made yet: neo4rs connects on first use.
pub fn connect(config: &Neo4jConfig) -> StoreResult<Graph> {
    connect_waiting(config, IO_TIMEOUT)
}

/// Opens the pool, waiting at most `io_timeout` for the server to connect and for each answer.
pub fn connect_waiting(config: &Neo4jConfig, io_timeout: Duration) -> StoreResult<Graph> {
    let mut builder = ConfigBuilder::default()
        .uri(config.uri.as_str())
        .user(config.user.as_str())
        .password(config.password.expose())
        .max_connections(config.pool_size)
        .connection_timeout(io_timeout)
        .tcp_keepalive(TCP_KEEPALIVE)
        .idle_timeout(RECYCLE_TIMEOUT)
        .max_lifetime(POOL_WAIT);
    if let Some(database) = &config.database {
        builder = builder.db(database.as_str());
    }
    let neo4j_config = builder.build().map_err(|e| StoreError::Internal(format!("Neo4j configuration: {e}")))?;
    Graph::connect(neo4j_config)
        .map_err(|e| StoreError::Internal(format!("Neo4j URI '{}': {e}", config.uri_for_display())))
}

/// A connection pool that is replaced as a whole once one of its connections failed or ran
/// out of time. After a server restart or a network fault, the pool's idle connections may
/// all be dead — half-open ones answer nothing — and the pool would check them one by one
/// ([`RECYCLE_TIMEOUT`] each) before making a new one; a fresh pool connects at once. Uses of
/// the old pool that are under way finish on it.
pub struct Pool {
    config: Neo4jConfig,
    io_timeout: Duration,
    current: std::sync::RwLock<Current>,
}

/// The pool in use, and how many were replaced before it.
#[derive(Clone)]
pub struct Current {
    generation: u64,
    graph: Graph,
}

impl Pool {
    /// Opens a pool, waiting at most `io_timeout` for the server to connect and for each answer.
    pub fn open(config: &Neo4jConfig, io_timeout: Duration) -> StoreResult<Self> {
        let graph = connect_waiting(config, io_timeout)?;
        let current = std::sync::RwLock::new(Current { generation: 0, graph });
        Ok(Self { config: config.clone(), io_timeout, current })
    }

    fn current(&self) -> Current {
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Replaces `failed` with a fresh pool, unless another failure did so already.
    fn renew(&self, failed: &Current) {
        let mut current = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if current.generation != failed.generation {
            return;
        }
        match connect_waiting(&self.config, self.io_timeout) {
            Ok(graph) => *current = Current { generation: failed.generation + 1, graph },
            Err(error) => tracing::warn!(%error, "the Neo4j pool could not be replaced"),
        }
    }
}

/// A Cypher statement with parameters given as one JSON object.
pub fn cypher(text: &'static str, params: Value) -> DbResult<Query> {
    let Value::Object(params) = params else {
        return Err(StoreError::Internal("query parameters must be an object".into()).into());
    };
    let mut query = neo4rs::query(text);
    for (name, value) in params {
        let value = neo4rs::BoltType::try_from(value)
            .map_err(|e| StoreError::Internal(format!("parameter {name} cannot be sent to Neo4j: {e}")))?;
        query = query.param(&name, value);
    }
    Ok(query)
}

/// One explicit transaction. Dropped without `commit`, the server rolls it back when the
/// pool resets the connection.
pub struct Tx {
    txn: Txn,
}

impl Tx {
    pub async fn begin(graph: &Graph) -> DbResult<Self> {
        Ok(Self { txn: graph.start_txn().await? })
    }

    /// Every row of a query, each deserialized by column name.
    pub async fn rows<T: DeserializeOwned>(&mut self, query: Query) -> DbResult<Vec<T>> {
        let mut stream = self.txn.execute(query).await?;
        let mut rows = Vec::new();
        while let Some(row) = stream.next(self.txn.handle()).await? {
            rows.push(row.to::<T>()?);
        }
        Ok(rows)
    }

    /// Runs a statement and discards its result.
    pub async fn run(&mut self, query: Query) -> DbResult<()> {
        self.txn.run(query).await?;
        Ok(())
    }

    pub async fn commit(self) -> DbResult<()> {
        self.txn.commit().await?;
        Ok(())
    }

    /// Commits, waiting for the answer until `deadline`. Without an answer, whether the
    /// server applied the transaction is unknown; an answer that is an error means it did not.
    pub async fn commit_by(self, deadline: Instant) -> DbResult<()> {
        match tokio::time::timeout_at(deadline, self.commit()).await {
            Err(_) => Err(DbError::OutcomeUnknown("no answer to COMMIT before the deadline".into())),
            Ok(Err(DbError::Unreachable(detail))) => {
                Err(DbError::OutcomeUnknown(format!("connection lost during COMMIT: {detail}")))
            }
            Ok(other) => other,
        }
    }

    /// Ends a read-only transaction.
    pub async fn finish(self) -> DbResult<()> {
        self.txn.rollback().await?;
        Ok(())
    }
}

/// The result of work run under `tokio::time::timeout_at`, or `Unreachable` when it had not
/// finished by the deadline. (A plain function: wrapping the future itself would nest the
/// write path's future types deeper than the compiler allows.)
pub fn by_deadline<T>(timed: Result<DbResult<T>, tokio::time::error::Elapsed>) -> DbResult<T> {
    timed.unwrap_or_else(|_| Err(DbError::Unreachable("no answer before the deadline".into())))
}

/// Runs an operation, trying again with backoff while it fails in a way another try may fix;
/// at most [`ATTEMPTS`] tries, well under a second of waiting in all, and nothing after
/// `deadline`: a try still running then is abandoned (its connection is reset or discarded
/// by the pool before anyone uses it again) and the operation is unavailable.
pub async fn retry<T, F, Fut>(operation: &'static str, deadline: Instant, attempt: F) -> StoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = DbResult<T>>,
{
    retry_logging(operation, deadline, true, attempt).await
}

async fn retry_logging<T, F, Fut>(
    operation: &'static str,
    deadline: Instant,
    log_unavailable: bool,
    mut attempt: F,
) -> StoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = DbResult<T>>,
{
    let mut pause = FIRST_BACKOFF;
    let mut tries = 1;
    loop {
        match by_deadline(tokio::time::timeout_at(deadline, attempt()).await) {
            Ok(value) => return Ok(value),
            Err(error) if error.worth_retrying() && tries < ATTEMPTS && Instant::now() + pause < deadline => {
                tracing::debug!(operation, ?error, tries, "retrying Neo4j operation");
                let jitter = Duration::from_millis(rand::random::<u64>() % 50);
                tokio::time::sleep(pause + jitter).await;
                pause *= 2;
                tries += 1;
            }
            Err(error) => return Err(error.into_store_error(operation, log_unavailable)),
        }
    }
}

/// [`retry`] with a connection from `pool` for each try; a try whose connection failed or ran
/// out of time replaces the pool, so the next one starts with fresh connections.
pub async fn retry_on<T, F, Fut>(pool: &Pool, operation: &'static str, deadline: Instant, attempt: F) -> StoreResult<T>
where
    F: FnMut(Graph) -> Fut,
    Fut: Future<Output = DbResult<T>>,
{
    retry_on_logging(pool, operation, deadline, true, attempt).await
}

/// [`retry_on`] for background work that reports an unavailable server itself (once, not at
/// every attempt).
pub async fn retry_on_quietly<T, F, Fut>(
    pool: &Pool,
    operation: &'static str,
    deadline: Instant,
    attempt: F,
) -> StoreResult<T>
where
    F: FnMut(Graph) -> Fut,
    Fut: Future<Output = DbResult<T>>,
{
    retry_on_logging(pool, operation, deadline, false, attempt).await
}

async fn retry_on_logging<T, F, Fut>(
    pool: &Pool,
    operation: &'static str,
    deadline: Instant,
    log_unavailable: bool,
    mut attempt: F,
) -> StoreResult<T>
where
    F: FnMut(Graph) -> Fut,
    Fut: Future<Output = DbResult<T>>,
{
    retry_logging(operation, deadline, log_unavailable, || {
        let current = pool.current();
        let tried = attempt(current.graph.clone());
        async move {
            let result = by_deadline(tokio::time::timeout_at(deadline, tried).await);
            if matches!(result, Err(DbError::Unreachable(_) | DbError::OutcomeUnknown(_))) {
                pool.renew(&current);
            }
            result
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(code: &str) -> DbError {
        server_error(code, format!("{code}: message"))
    }

    #[test]
    fn running_out_of_transaction_memory_is_not_retried() {
        for code in OUT_OF_MEMORY_CODES {
            let error = classify(code);
            assert!(matches!(error, DbError::Fatal(StoreError::TooLarge(_))), "{code}: {error:?}");
            assert!(!error.worth_retrying(), "{code}");
        }
    }

    #[test]
    fn other_transient_errors_are_retried() {
        for code in [
            "Neo.TransientError.Transaction.DeadlockDetected",
            "Neo.TransientError.General.DatabaseUnavailable",
            "Neo.TransientError.Transaction.MaximumTransactionLimitReached",
        ] {
            assert!(classify(code).worth_retrying(), "{code}");
        }
        assert!(!classify("Neo.ClientError.Statement.SyntaxError").worth_retrying());
        assert!(matches!(classify("Neo.ClientError.Security.Unauthorized"), DbError::Refused(_)));
    }
}
