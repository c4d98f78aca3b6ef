//! Filtered pages in id order and in other orders, and incoming edges.

use lotsennetz::domain::{NodeKind, ProjectStatus};
use lotsennetz::graph::list;
use lotsennetz::store::{GraphStore, ListFilter, ListOrder, ListQuery, Position, Rel, SortKey, SortValue};

use crate::fixtures::{create, id, ids, small_network};
use crate::support::Transcript;

fn query(kind: NodeKind, filter: ListFilter) -> ListQuery {
    ListQuery { kind: Some(kind), filter, first: 100, ..Default::default() }
}

/// Ids of a page, for the assertions that pin the right answer.
fn page_ids(page: &lotsennetz::store::Page) -> Vec<&str> {
    page.nodes.iter().map(|n| n.id().as_str()).collect()
}

/// Every filter alone and combined, on every kind it applies to.
async fn filters(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let cases: Vec<(&str, ListQuery)> = vec![
        ("all regions", query(NodeKind::Region, ListFilter::default())),
        ("all lotsen", query(NodeKind::Lotse, ListFilter::default())),
        ("no kind", ListQuery { kind: None, first: 10, ..Default::default() }),
        (
            "projects about eakte",
            query(NodeKind::Project, ListFilter { edges: vec![(Rel::About, id("eakte"))], ..Default::default() }),
        ),
        (
            "projects about eakte and ozg",
            query(
                NodeKind::Project,
                ListFilter { edges: vec![(Rel::About, id("eakte")), (Rel::About, id("ozg"))], ..Default::default() },
            ),
        ),
        (
            "projects with emil",
            query(NodeKind::Project, ListFilter { edges: vec![(Rel::HasMember, id("emil"))], ..Default::default() }),
        ),
        (
            "lotsen of m-c",
            query(NodeKind::Lotse, ListFilter { edges: vec![(Rel::WorksFor, id("m-c"))], ..Default::default() }),
        ),
        (
            "lotsen with an About filter",
            query(NodeKind::Lotse, ListFilter { edges: vec![(Rel::About, id("eakte"))], ..Default::default() }),
        ),
        (
            "districts in r",
            query(NodeKind::District, ListFilter { edges: vec![(Rel::InRegion, id("r"))], ..Default::default() }),
        ),
        (
            "subtopics of digital",
            query(NodeKind::Topic, ListFilter { edges: vec![(Rel::Broader, id("digital"))], ..Default::default() }),
        ),
        (
            "requests from ben",
            query(
                NodeKind::ConnectionRequest,
                ListFilter { edges: vec![(Rel::RequestFrom, id("ben"))], ..Default::default() },
            ),
        ),
        (
            "experts of o-kic",
            query(NodeKind::Expert, ListFilter { edges: vec![(Rel::MemberOf, id("o-kic"))], ..Default::default() }),
        ),
        (
            "experts serving r",
            query(NodeKind::Expert, ListFilter { edges: vec![(Rel::Serves, id("r"))], ..Default::default() }),
        ),
        (
            "municipalities within bw",
            query(NodeKind::Municipality, ListFilter { within: Some(id("bw")), ..Default::default() }),
        ),
        (
            "municipalities within d2",
            query(NodeKind::Municipality, ListFilter { within: Some(id("d2")), ..Default::default() }),
        ),
        ("lotsen within d1", query(NodeKind::Lotse, ListFilter { within: Some(id("d1")), ..Default::default() })),
        (
            "projects within r-other",
            query(NodeKind::Project, ListFilter { within: Some(id("r-other")), ..Default::default() }),
        ),
        ("districts within bw", query(NodeKind::District, ListFilter { within: Some(id("bw")), ..Default::default() })),
        ("districts within d1", query(NodeKind::District, ListFilter { within: Some(id("d1")), ..Default::default() })),
        ("regions within bw", query(NodeKind::Region, ListFilter { within: Some(id("bw")), ..Default::default() })),
        ("experts within d3", query(NodeKind::Expert, ListFilter { within: Some(id("d3")), ..Default::default() })),
        ("topics within r", query(NodeKind::Topic, ListFilter { within: Some(id("r")), ..Default::default() })),
        ("within a municipality", query(NodeKind::Lotse, ListFilter { within: Some(id("m-a")), ..Default::default() })),
        (
            "names containing 'gemeinde m-'",
            query(NodeKind::Municipality, ListFilter { text: Some("gemeinde M-".into()), ..Default::default() }),
        ),
        (
            "titles containing 'BEN'",
            query(NodeKind::Project, ListFilter { text: Some("BEN".into()), ..Default::default() }),
        ),
        (
            "region names with umlaut",
            query(NodeKind::Region, ListFilter { text: Some("WÜRTT".into()), ..Default::default() }),
        ),
        (
            "requests by id text",
            query(NodeKind::ConnectionRequest, ListFilter { text: Some("dora".into()), ..Default::default() }),
        ),
        (
            "completed projects",
            query(NodeKind::Project, ListFilter { status: Some(ProjectStatus::Completed), ..Default::default() }),
        ),
        (
            "lotsen with a status filter",
            query(NodeKind::Lotse, ListFilter { status: Some(ProjectStatus::Active), ..Default::default() }),
        ),
        (
            "municipalities of 10,000 to 20,000",
            query(
                NodeKind::Municipality,
                ListFilter { population_min: Some(10_000), population_max: Some(20_000), ..Default::default() },
            ),
        ),
        (
            "lotsen in places over 11,000",
            query(NodeKind::Lotse, ListFilter { population_min: Some(11_000), ..Default::default() }),
        ),
        (
            "projects in places up to 10,000",
            query(NodeKind::Project, ListFilter { population_max: Some(10_000), ..Default::default() }),
        ),
        (
            "topics with a population filter",
            query(NodeKind::Topic, ListFilter { population_min: Some(1), ..Default::default() }),
        ),
        (
            "everything at once",
            query(
                NodeKind::Project,
                ListFilter {
                    edges: vec![(Rel::About, id("eakte"))],
                    within: Some(id("r")),
                    text: Some("projekt".into()),
                    status: Some(ProjectStatus::Active),
                    population_min: Some(5_000),
                    population_max: Some(100_000),
                    changed_since: None,
                },
            ),
        ),
    ];
    for (label, query) in cases {
        let page = store.list(&query).await;
        if label == "municipalities within d2" {
            assert_eq!(page_ids(page.as_ref().expect("list")), ["m-c", "m-d", "m-e"]);
        }
        // The count of a list (`totalCount`) is taken on the projection: it must agree with
        // the store's own list, which here fits one page.
        let counted = store.projection().read(|graph| Ok(list::count(graph, &query, |_| true))).expect("count");
        assert_eq!(counted, page.as_ref().expect("list").nodes.len(), "{label}");
        t.record(label, &(page, counted));
    }
}

/// `changedSince`: nodes written at or after a time, whatever the digits of its fraction.
async fn changed_since(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let stamped = [
        ("anna", "2026-03-01T10:00:00.000001Z"),
        ("ben", "2026-03-01T10:00:00.5Z"),
        ("carla", "2026-03-01T09:59:59.999999Z"),
    ];
    for (lotse, at) in stamped {
        let mut node = serde_json::to_value(store.get(NodeKind::Lotse, &ids(&[lotse])).await.expect("get").remove(0))
            .expect("json");
        node["updated_at"] = serde_json::json!(at);
        store.apply(vec![lotsennetz::store::Change::Update(crate::fixtures::node(node))]).await.expect("stamped");
    }
    let since = |at: &str| chrono::DateTime::parse_from_rfc3339(at).expect("time").with_timezone(&chrono::Utc);
    for (at, expected) in [
        ("2026-03-01T10:00:00Z", vec!["anna", "ben"]),
        ("2026-03-01T10:00:00.000002Z", vec!["ben"]),
        ("2026-03-01T09:00:00Z", vec!["anna", "ben", "carla"]),
        ("2026-03-02T00:00:00Z", vec![]),
    ] {
        let filter = ListFilter { changed_since: Some(since(at)), ..Default::default() };
        let page = store.list(&query(NodeKind::Lotse, filter)).await.expect("list");
        assert_eq!(page_ids(&page), expected, "since {at}");
        t.record(format!("lotsen changed since {at}"), &page);
    }
}

/// Pages follow each other through `after` until `has_next_page` is false.
async fn paging(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    for kind in [NodeKind::Lotse, NodeKind::Project, NodeKind::Municipality] {
        let mut after = None;
        let mut seen = Vec::new();
        loop {
            let page = store
                .list(&ListQuery { kind: Some(kind), after: after.clone(), first: 3, ..Default::default() })
                .await
                .expect("list");
            t.record(format!("{kind} after {after:?}"), &page);
            seen.extend(page.nodes.iter().map(|n| n.id().clone()));
            if !page.has_next_page {
                break;
            }
            after = page.nodes.last().map(|n| list::position(&ListOrder::default(), n));
        }
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "{kind} pages are in id order");
    }
    let empty = store
        .list(&ListQuery {
            kind: Some(NodeKind::Lotse),
            after: Some(Position { value: SortValue::Missing, id: id("zzz") }),
            first: 5,
            ..Default::default()
        })
        .await;
    t.record("after the last id", &empty);
    let none = store.list(&ListQuery { kind: Some(NodeKind::Lotse), first: 0, ..Default::default() }).await;
    t.record("first 0", &none);
}

/// Renames Lotsen so that names tie and differ only in case and umlauts, and stamps two.
async fn rename_lotsen(store: &dyn GraphStore) {
    let names = [
        ("anna", "Maier", None),
        ("ben", "Müller", Some("2026-03-01T10:00:00Z")),
        ("carla", "maier", None),
        ("dora", "Mueller", Some("2026-03-02T10:00:00Z")),
        ("emil", "Maier", Some("2026-03-01T10:00:00Z")),
        ("anton", "Ägidius", None),
    ];
    for (lotse, name, at) in names {
        let mut node = serde_json::to_value(store.get(NodeKind::Lotse, &ids(&[lotse])).await.expect("get").remove(0))
            .expect("json");
        node["name"] = serde_json::json!(name);
        node["updated_at"] = serde_json::json!(at);
        store.apply(vec![lotsennetz::store::Change::Update(crate::fixtures::node(node))]).await.expect("renamed");
    }
}

/// Lists in other orders than by id, paged two at a time: each page continues after the last
/// node's key and id, ties are broken by id, and the pages together are the whole list.
async fn ordering(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    rename_lotsen(store).await;
    let order = |key, descending| ListOrder { key, descending };
    let cases = [
        ("lotsen by name", NodeKind::Lotse, ListFilter::default(), order(SortKey::Name, false)),
        ("lotsen by name, descending", NodeKind::Lotse, ListFilter::default(), order(SortKey::Name, true)),
        ("lotsen by last change, descending", NodeKind::Lotse, ListFilter::default(), order(SortKey::UpdatedAt, true)),
        ("lotsen by id, descending", NodeKind::Lotse, ListFilter::default(), order(SortKey::Id, true)),
        (
            "municipalities by population",
            NodeKind::Municipality,
            ListFilter::default(),
            order(SortKey::Population, false),
        ),
        (
            "municipalities in d2 by population, descending",
            NodeKind::Municipality,
            ListFilter { edges: vec![(Rel::InDistrict, id("d2"))], ..Default::default() },
            order(SortKey::Population, true),
        ),
        (
            "projects about eakte by title, descending",
            NodeKind::Project,
            ListFilter { edges: vec![(Rel::About, id("eakte"))], ..Default::default() },
            order(SortKey::Name, true),
        ),
    ];
    for (label, kind, filter, order) in cases {
        let whole = ListQuery { kind: Some(kind), filter: filter.clone(), order, first: 100, ..Default::default() };
        let whole: Vec<_> = store.list(&whole).await.expect("list").nodes.iter().map(|n| n.id().clone()).collect();
        t.record(format!("{label}: all"), &whole);
        let (mut after, mut paged) = (None, Vec::new());
        loop {
            let query = ListQuery { kind: Some(kind), filter: filter.clone(), order, after: after.clone(), first: 2 };
            let page = store.list(&query).await.expect("list");
            t.record(format!("{label} after {after:?}"), &page);
            paged.extend(page.nodes.iter().map(|n| n.id().clone()));
            after = page.nodes.last().map(|n| list::position(&order, n));
            if !page.has_next_page {
                break;
            }
        }
        assert_eq!(paged, whole, "{label}: the pages together are the whole list");
    }
    let by_name =
        ListQuery { kind: Some(NodeKind::Lotse), order: order(SortKey::Name, false), first: 100, ..Default::default() };
    let names: Vec<String> = store
        .list(&by_name)
        .await
        .expect("list")
        .nodes
        .iter()
        .map(|n| format!("{} {}", lotsennetz::graph::node_name(n), n.id()))
        .collect();
    assert_eq!(
        names,
        [
            "Ägidius anton",
            "Lotse frida frida",
            "Lotse hidden hidden",
            "Maier anna",
            "Maier emil",
            "maier carla",
            "Mueller dora",
            "Müller ben"
        ],
        "case and umlauts fold first, then the exact name, then the id decide"
    );
    let by_population = ListQuery {
        kind: Some(NodeKind::Municipality),
        order: order(SortKey::Population, true),
        first: 100,
        ..Default::default()
    };
    let places = store.list(&by_population).await.expect("list");
    assert_eq!(
        page_ids(&places),
        ["m-d", "m-b", "m-c", "m-a", "m-e", "m-f"],
        "descending, a missing population comes last"
    );
}

/// Sources per target, in id order, for every relationship.
async fn incoming(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let cases = [
        (NodeKind::Project, Rel::About, vec!["eakte", "wlan", "missing", "eakte"]),
        (NodeKind::Project, Rel::HasMember, vec!["emil", "anna", "dora"]),
        (NodeKind::Lotse, Rel::WorksFor, vec!["m-a", "m-c", "m-f"]),
        (NodeKind::Lotse, Rel::KnowsAbout, vec!["ozg", "opendata"]),
        (NodeKind::Project, Rel::OwnedBy, vec!["m-b"]),
        (NodeKind::District, Rel::InRegion, vec!["r", "r-other"]),
        (NodeKind::Region, Rel::InRegion, vec!["bw"]),
        (NodeKind::Municipality, Rel::InDistrict, vec!["d2"]),
        (NodeKind::Topic, Rel::Broader, vec!["digital", "breitband"]),
        (NodeKind::Expert, Rel::ExpertIn, vec!["breitband"]),
        (NodeKind::Expert, Rel::Serves, vec!["r", "d3"]),
        (NodeKind::Expert, Rel::MemberOf, vec!["o-kic"]),
        (NodeKind::ConnectionRequest, Rel::RequestFrom, vec!["anna", "carla"]),
        (NodeKind::ConnectionRequest, Rel::RequestTo, vec!["dora", "anna"]),
        (NodeKind::Lotse, Rel::About, vec!["eakte"]),
    ];
    for (kind, rel, targets) in cases {
        let answer = store.incoming(kind, rel, &ids(&targets)).await;
        t.record(format!("{kind} {rel:?} {targets:?}"), &answer);
    }
    let members = store.incoming(NodeKind::Project, Rel::HasMember, &ids(&["emil"])).await.expect("incoming");
    assert_eq!(members, vec![(id("emil"), ids(&["p-ben1", "p-emil"]))]);
}

crate::conformance!(changed_since, filters, paging, ordering, incoming);
