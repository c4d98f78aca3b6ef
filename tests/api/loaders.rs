//! Nested fields are batched: a page of projects with their municipalities and topics costs
//! a few store calls per level, not one per edge.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use lotsennetz::domain::{Id, Node, NodeKind};
use lotsennetz::service::Services;
use lotsennetz::store::embedded::EmbeddedStore;
use lotsennetz::store::{Applied, Change, GraphStore, KeyRecord, ListQuery, Page, Rel, StoreResult, WriteKey};

/// The real embedded store, counting the calls that reach it.
struct Counted {
    inner: EmbeddedStore,
    calls: AtomicUsize,
}

impl Counted {
    fn tick(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl GraphStore for Counted {
    async fn get(&self, kind: NodeKind, ids: &[Id]) -> StoreResult<Vec<Node>> {
        self.tick();
        self.inner.get(kind, ids).await
    }
    async fn list(&self, query: &ListQuery) -> StoreResult<Page> {
        self.tick();
        self.inner.list(query).await
    }
    async fn incoming(&self, kind: NodeKind, rel: Rel, targets: &[Id]) -> StoreResult<Vec<(Id, Vec<Id>)>> {
        self.tick();
        self.inner.incoming(kind, rel, targets).await
    }
    async fn apply(&self, changes: Vec<Change>) -> StoreResult<()> {
        self.inner.apply(changes).await
    }
    async fn apply_once(&self, changes: Vec<Change>, key: &WriteKey) -> StoreResult<Applied> {
        self.inner.apply_once(changes, key).await
    }
    async fn key_record(&self, caller: &str, key: &str) -> StoreResult<Option<KeyRecord>> {
        self.inner.key_record(caller, key).await
    }
    async fn save_result(&self, caller: &str, key: &str, result: &str) -> StoreResult<()> {
        self.inner.save_result(caller, key, result).await
    }
    fn projection(&self) -> std::sync::Arc<lotsennetz::graph::Projection> {
        self.inner.projection()
    }
    async fn ping(&self) -> StoreResult<()> {
        self.inner.ping().await
    }
}

#[tokio::test]
async fn a_page_of_100_projects_with_nested_fields_costs_a_handful_of_store_calls() {
    // Arrange: the demo network in a store that counts calls.
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Counted { inner: EmbeddedStore::open(dir.path()).unwrap(), calls: AtomicUsize::new(0) });
    let services = Services::new(store.clone());
    lotsennetz::app::seed_demo(&services, lotsennetz::demo::Scale::BW, 7).await.unwrap();
    let graphql = lotsennetz::graphql::Endpoint::new(services.clone(), Default::default(), Default::default());
    store.calls.store(0, Ordering::SeqCst);

    // Act
    let query = "{ projects(first: 100) { edges { node { id municipality { name district { name } } topics { name } members { lotse { name } } } } } }";
    let admin = lotsennetz::auth::Viewer::Admin { subject: "admin".into() };
    let response = graphql.execute(query.into(), admin).await.response;

    // Assert
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().unwrap();
    assert_eq!(data["projects"]["edges"].as_array().unwrap().len(), 100);
    // Without loaders this page costs 1 + 4 × 100 calls (municipality, district, topics,
    // members per project). Loaders batch what arrives within their 1 ms delay; a debug
    // build on a busy machine may split a level of 100 projects into several batches, so the
    // bound is a quarter of the unbatched count (an N+1 regression costs all 401).
    let calls = store.calls.load(Ordering::SeqCst);
    assert!(calls <= 100, "{calls} store calls for 100 projects");
}
