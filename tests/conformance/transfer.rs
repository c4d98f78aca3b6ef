//! Import and export through either store: the same file gives the same export.

use std::sync::Arc;

use lotsennetz::demo::{self, Scale};
use lotsennetz::service::Services;
use lotsennetz::store::GraphStore;
use lotsennetz::store::embedded::EmbeddedStore;
use lotsennetz::transfer::{self, ImportOptions};

use crate::support::empty_neo4j;

async fn import_and_export(
    store: Arc<dyn GraphStore>,
    records: &[u8],
) -> (transfer::ImportSummary, transfer::ImportSummary, Vec<u8>) {
    let services = Services::new(store);
    let first = transfer::import(&services, records, ImportOptions::default(), None).await.expect("import");
    let second = transfer::import(&services, records, ImportOptions::default(), None).await.expect("second import");
    let mut exported = Vec::new();
    transfer::export(&services, &mut exported).await.expect("export");
    (first, second, exported)
}

#[tokio::test]
async fn both_stores_import_a_generated_network_once_and_export_the_same_bytes() {
    let scale = Scale { municipalities: 60, lotsen: 90, projects: 200, experts: 6 };
    let mut records = Vec::new();
    transfer::write_records(&mut records, &demo::generate(scale, 5)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let embedded: Arc<dyn GraphStore> = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let (neo4j, _guard) = empty_neo4j().await;

    let (embedded_first, embedded_second, embedded_export) = import_and_export(embedded, &records).await;
    let (neo4j_first, neo4j_second, neo4j_export) = import_and_export(Arc::new(neo4j), &records).await;

    assert_eq!(embedded_first.created, embedded_first.records);
    assert_eq!(neo4j_first.created, neo4j_first.records);
    assert_eq!((neo4j_second.created, neo4j_second.updated), (0, 0), "a second import changes nothing");
    assert_eq!(embedded_second.unchanged, embedded_second.records);
    let lines = |bytes: &[u8]| bytes.iter().filter(|b| **b == b'\n').count();
    assert_eq!(lines(&embedded_export), lines(&records));
    assert!(neo4j_export == embedded_export, "the stores export different bytes");
}
