//! A [`GraphStore`] that times every call of the store it wraps.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;

use super::Metrics;
use crate::domain::{Id, Node, NodeKind};
use crate::store::{Applied, Change, GraphStore, KeyRecord, ListQuery, Page, Rel, StoreResult, WriteKey};

/// Wraps a store so that `lotsennetz_store_call_duration_seconds` and
/// `lotsennetz_store_call_errors` count its calls.
pub struct MeteredStore {
    inner: Arc<dyn GraphStore>,
    metrics: Arc<Metrics>,
}

impl MeteredStore {
    pub fn new(inner: Arc<dyn GraphStore>, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }

    async fn timed<T>(&self, call: &'static str, work: impl Future<Output = StoreResult<T>>) -> StoreResult<T> {
        let started = Instant::now();
        let result = work.await;
        self.metrics.store_call(call, started.elapsed(), result.is_ok());
        result
    }
}

#[async_trait]
impl GraphStore for MeteredStore {
    async fn get(&self, kind: NodeKind, ids: &[Id]) -> StoreResult<Vec<Node>> {
        self.timed("get", self.inner.get(kind, ids)).await
    }

    async fn list(&self, query: &ListQuery) -> StoreResult<Page> {
        self.timed("list", self.inner.list(query)).await
    }

    async fn incoming(&self, kind: NodeKind, rel: Rel, targets: &[Id]) -> StoreResult<Vec<(Id, Vec<Id>)>> {
        self.timed("incoming", self.inner.incoming(kind, rel, targets)).await
    }

    async fn apply(&self, changes: Vec<Change>) -> StoreResult<()> {
        self.timed("apply", self.inner.apply(changes)).await
    }

    async fn apply_once(&self, changes: Vec<Change>, key: &WriteKey) -> StoreResult<Applied> {
        self.timed("apply", self.inner.apply_once(changes, key)).await
    }

    async fn key_record(&self, caller: &str, key: &str) -> StoreResult<Option<KeyRecord>> {
        self.timed("key_record", self.inner.key_record(caller, key)).await
    }

    async fn save_result(&self, caller: &str, key: &str, result: &str) -> StoreResult<()> {
        self.timed("save_result", self.inner.save_result(caller, key, result)).await
    }

    fn projection(&self) -> Arc<crate::graph::Projection> {
        self.inner.projection()
    }

    async fn ping(&self) -> StoreResult<()> {
        self.timed("ping", self.inner.ping()).await
    }
}
