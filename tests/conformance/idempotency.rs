//! Idempotency keys: both stores apply a keyed write once, refuse the key for another
//! request, keep no key for a refused write, and keep the answer once it is given.

use lotsennetz::domain::NodeKind;
use lotsennetz::store::{Applied, Change, GraphStore, StoreError, WriteKey};
use serde_json::json;

use crate::fixtures::{ids, node};
use crate::support::Transcript;

/// A key no earlier run used: Neo4j keeps keys when the network is wiped.
fn fresh_key(name: &str) -> WriteKey {
    WriteKey {
        caller: "admin:conformance".into(),
        key: format!("{name}-{}", uuid::Uuid::new_v4()),
        fingerprint: "request-1".into(),
        write: 1,
    }
}

/// The record as far as both stores must agree on it (the time is each store's own).
async fn record(store: &dyn GraphStore, key: &WriteKey) -> Option<(String, u32, Option<String>)> {
    let found = store.key_record(&key.caller, &key.key).await.expect("key record");
    found.map(|r| (r.fingerprint, r.writes, r.result))
}

async fn keyed_writes(store: &dyn GraphStore, t: &mut Transcript) {
    let region = |id: &str| Change::Create(node(json!({"type": "region", "id": id, "name": id, "kind": "REGION"})));
    let key = fresh_key("keyed");

    let first = store.apply_once(vec![region("r-1")], &key).await;
    assert!(matches!(first, Ok(Applied::Now)), "{first:?}");
    t.record("first try", &first);
    let repeat = store.apply_once(vec![region("r-1")], &key).await;
    assert!(matches!(repeat, Ok(Applied::Before)), "{repeat:?}");
    t.record("repeat: applied before, no conflict", &repeat);
    t.record("record after the first write", &record(store, &key).await);
    let other = WriteKey { fingerprint: "request-2".into(), ..key.clone() };
    let reused = store.apply_once(vec![region("r-other")], &other).await;
    assert!(matches!(reused, Err(StoreError::KeyReused(_))), "{reused:?}");
    t.record("the key with another request", &reused);
    let second = WriteKey { write: 2, ..key.clone() };
    t.record("the request's second write", &store.apply_once(vec![region("r-2")], &second).await);
    t.record("its repeat", &store.apply_once(vec![region("r-2")], &second).await);
    store.save_result(&key.caller, &key.key, "{\"data\":{}}").await.expect("result saved");
    t.record("record with the answer", &record(store, &key).await);

    let refused = fresh_key("refused");
    let dangling = Change::Create(node(json!({"type": "region", "id": "r-3", "name": "r-3", "kind": "REGION",
                                               "parent": "nowhere"})));
    t.record("a refused write", &store.apply_once(vec![dangling], &refused).await);
    t.record("keeps no key", &record(store, &refused).await);
    store.save_result(&refused.caller, &refused.key, "{}").await.expect("saving without a record is no error");
    t.record("nor an answer", &record(store, &refused).await);

    let wanted = ids(&["r-1", "r-2", "r-other", "r-3"]);
    t.record("regions written", &store.get(NodeKind::Region, &wanted).await);
}

crate::conformance!(keyed_writes);
