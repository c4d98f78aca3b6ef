//! Full-text search and introduction paths, answered from each store's projection: the same
//! hits, scores, snippets and paths on both, also after writes.

use std::collections::HashSet;

use crate::fixtures::{create, id, small_network};
use crate::support::Transcript;
use lotsennetz::auth::Viewer;
use lotsennetz::domain::{Id, Name, Node, NodeKind, Text};
use lotsennetz::search::{Cursor, SearchPage, SearchQuery};
use lotsennetz::service::policy;
use lotsennetz::store::{Change, GraphStore};

/// What anna may see: everyone but the hidden Lotse (dora is her contact).
fn anna_sees(node: &Node) -> bool {
    let contacts: HashSet<Id> = [id("dora")].into();
    policy::may_see(&Viewer::Lotse(id("anna")), &contacts, node)
}

fn ask(
    store: &dyn GraphStore,
    text: &str,
    kinds: Vec<NodeKind>,
    within: Option<&str>,
    first: usize,
    after: Option<Cursor>,
) -> SearchPage {
    let query = SearchQuery::parse(text, kinds, within.map(id), first, after).expect("a valid question");
    store.projection().search(&query, &anna_sees).expect("search answers")
}

fn hit_ids(page: &SearchPage) -> Vec<&str> {
    page.hits.iter().map(|h| h.id.as_str()).collect()
}

async fn retitle(store: &dyn GraphStore, project: &str, title: &str, description: &str) {
    let Some(Node::Project(mut project)) = store.get(NodeKind::Project, &[id(project)]).await.expect("get").pop()
    else {
        panic!("no project {project}")
    };
    project.title = Name::parse_field("title", title).expect("a title");
    project.description = Some(Text::parse_field("description", description).expect("a description"));
    store.apply(vec![Change::Update(project.into())]).await.expect("project updated");
}

/// German spellings, inflections and compounds; kinds, areas and pages; the hidden Lotse left
/// out; and the index after a write.
async fn search(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    retitle(store, "p-anna1", "Bürgerportal für Gemeinde A", "Die Digitalisierung der Verwaltung an der Hauptstraße.")
        .await;
    retitle(store, "p-ben1", "E-Akte im Bauamt", "Akten werden digital geführt; Anträge kommen über das Portal.").await;
    let all = Vec::new();
    for text in [
        "Bürgerportal",
        "buergerportal",
        "Portal",
        "Portale",
        "Hauptstrasse",
        "Digitalisierungen",
        "Lotse",
        "Breitband",
        "E-Akte",
        "hidden",
    ] {
        let page = ask(store, text, all.clone(), None, 20, None);
        t.record(format!("search {text}"), &page);
        if text == "buergerportal" {
            assert_eq!(hit_ids(&page), ["p-anna1"]);
        }
        if text == "hidden" {
            assert_eq!(hit_ids(&page), ["p-hidden"], "the hidden Lotse is not found, their project is");
        }
    }
    t.record("lotsen in r", &ask(store, "Lotse", vec![NodeKind::Lotse], Some("r"), 20, None));
    t.record("experts in d3", &ask(store, "Experte", vec![NodeKind::Expert], Some("d3"), 20, None));

    let first = ask(store, "Projekt", all.clone(), None, 4, None);
    let next = ask(store, "Projekt", all.clone(), None, 4, Some(first.hits.last().unwrap().cursor()));
    assert!(first.has_next_page);
    assert!(hit_ids(&next).iter().all(|id| !hit_ids(&first).contains(id)));
    t.record("page 1", &first);
    t.record("page 2", &next);

    retitle(store, "p-anna1", "Onlinezugang für Gemeinde A", "Anträge online.").await;
    let renamed = ask(store, "Onlinezugang", all.clone(), None, 20, None);
    assert_eq!(hit_ids(&renamed), ["p-anna1"]);
    assert!(ask(store, "Bürgerportal", all.clone(), None, 20, None).hits.is_empty(), "the old title is gone");
    t.record("after the write", &renamed);
}

/// Paths from anna through contacts and co-members, never through the hidden Lotse.
async fn introduction_paths(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let members = |project: &str, lotse: &str| Change::SetMember {
        project: id(project),
        lotse: id(lotse),
        role: lotsennetz::domain::ProjectRole::Member,
    };
    store
        .apply(vec![
            members("p-anna1", "hidden"),
            members("p-emil", "hidden"),
            members("p-emil", "carla"),
            members("p-dora1", "ben"),
        ])
        .await
        .expect("members added");
    for to in ["carla", "ben", "emil", "anton", "frida", "hidden", "nobody"] {
        let paths = store.projection().introduction_paths(&id("anna"), &id(to), 10, &anna_sees);
        if to == "emil" {
            let found = paths.as_ref().expect("paths to emil");
            let chains: Vec<Vec<&str>> =
                found.iter().map(|p| p.steps.iter().map(|s| s.to.as_str()).collect()).collect();
            // Not through the hidden Lotse, who works with both; the stronger way first.
            assert_eq!(chains, [["dora", "ben", "emil"], ["dora", "carla", "emil"]]);
        }
        t.record(format!("paths to {to}"), &paths);
    }
}

crate::conformance!(search, introduction_paths);
