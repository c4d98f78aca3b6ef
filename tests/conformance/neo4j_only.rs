//! What only the Neo4j store has: migrations recorded in the database, checked at start, and
//! the schema they create.

use lotsennetz::store::neo4j::Neo4jStore;
use serde::Deserialize;

use crate::support::{empty_neo4j, neo4j_config};

fn graph() -> neo4rs::Graph {
    lotsennetz::store::neo4j::connect_graph(&neo4j_config()).expect("Neo4j pool")
}

async fn column<T: for<'de> Deserialize<'de>>(graph: &neo4rs::Graph, cypher: &str, column: &str) -> Vec<T> {
    let mut rows = graph.execute(neo4rs::query(cypher)).await.expect("query runs");
    let mut values = Vec::new();
    while let Some(row) = rows.next().await.expect("row") {
        values.push(row.get::<T>(column).expect("column"));
    }
    values
}

#[tokio::test]
async fn migrations_are_recorded_once_with_their_checksums() {
    let (_store, _guard) = empty_neo4j().await;
    let graph = graph();
    let versions: Vec<String> = column(&graph, "MATCH (m:__Migration) RETURN m.version AS v ORDER BY v", "v").await;
    assert_eq!(versions, ["0001", "0002", "0003", "0004", "0005", "0006"]);
    let checksums: Vec<String> = column(&graph, "MATCH (m:__Migration) RETURN m.checksum AS c", "c").await;
    assert!(checksums.iter().all(|c| c.len() == 8), "{checksums:?}");

    Neo4jStore::open(&neo4j_config()).await.expect("opening again applies nothing and succeeds");
    let count: Vec<i64> = column(&graph, "MATCH (m:__Migration) RETURN count(m) AS n", "n").await;
    assert_eq!(count, [6]);
}

#[tokio::test]
async fn the_schema_has_unique_ids_ags_and_a_fulltext_index() {
    let (_store, _guard) = empty_neo4j().await;
    let graph = graph();
    let constraints: Vec<String> = column(&graph, "SHOW CONSTRAINTS YIELD name RETURN name", "name").await;
    for name in ["node_id", "lotse_id", "project_id", "municipality_ags", "migration_version", "idempotency_key_id"] {
        assert!(constraints.iter().any(|c| c == name), "constraint {name} missing: {constraints:?}");
    }
    let indexes: Vec<String> = column(&graph, "SHOW INDEXES YIELD name, type RETURN name + ':' + type AS i", "i").await;
    for index in ["project_lotse_search:FULLTEXT", "node_search:TEXT", "project_status:RANGE"] {
        assert!(indexes.iter().any(|i| i == index), "index {index} missing: {indexes:?}");
    }
}

#[tokio::test]
async fn a_changed_migration_stops_the_store_from_opening() {
    let (_store, _guard) = empty_neo4j().await;
    let graph = graph();
    let original: Vec<String> =
        column(&graph, "MATCH (m:__Migration {version: '0002'}) RETURN m.checksum AS c", "c").await;
    graph
        .run(neo4rs::query("MATCH (m:__Migration {version: '0002'}) SET m.checksum = 'deadbeef'"))
        .await
        .expect("checksum changed");

    let refused = Neo4jStore::open(&neo4j_config()).await;

    graph
        .run(
            neo4rs::query("MATCH (m:__Migration {version: '0002'}) SET m.checksum = $c")
                .param("c", original[0].clone()),
        )
        .await
        .expect("checksum restored");
    let error = refused.err().expect("the store refuses to open").to_string();
    assert!(error.contains("V0002__indexes.cypher was changed"), "{error}");
    Neo4jStore::open(&neo4j_config()).await.expect("opens again once the record matches");
}

#[tokio::test]
async fn a_refused_write_releases_the_write_lock_at_once() {
    use lotsennetz::store::{Change, GraphStore};

    let (store, _guard) = empty_neo4j().await;
    let refused = vec![
        Change::Create(crate::fixtures::node(serde_json::json!({"type": "topic", "id": "t-a", "name": "A"}))),
        Change::Create(crate::fixtures::node(
            serde_json::json!({"type": "topic", "id": "t-b", "name": "B", "parent": "none"}),
        )),
    ];
    store.apply(refused).await.expect_err("unknown parent");

    // Another instance (its own connections) writes right after: the lock is not left behind.
    let other = Neo4jStore::open(&neo4j_config()).await.expect("second instance opens");
    let write = other.apply(vec![Change::Create(crate::fixtures::node(
        serde_json::json!({"type": "topic", "id": "t-c", "name": "C"}),
    ))]);
    tokio::time::timeout(std::time::Duration::from_secs(10), write)
        .await
        .expect("the write is not blocked by the refused one")
        .expect("the write succeeds");
    let ids = crate::fixtures::ids(&["t-a", "t-b", "t-c"]);
    let found = store.get(lotsennetz::domain::NodeKind::Topic, &ids).await.expect("get");
    assert_eq!(found.iter().map(|n| n.id().as_str()).collect::<Vec<_>>(), ["t-c"]);
}
