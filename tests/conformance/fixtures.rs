//! Hand-built graphs whose right answers are known, as nodes in dependency order.

use lotsennetz::domain::{Id, Node};
use lotsennetz::store::{Change, GraphStore};
use serde_json::{Value, json};

/// A node from its import form (`{"type": "lotse", "id": …}`).
pub fn node(value: Value) -> Node {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("fixture {value} does not parse: {e}"))
}

pub fn id(raw: &str) -> Id {
    Id::try_from(raw.to_owned()).expect("valid id")
}

pub fn ids(raw: &[&str]) -> Vec<Id> {
    raw.iter().map(|r| id(r)).collect()
}

/// Creates nodes in one batch; panics when the store refuses.
pub async fn create(store: &dyn GraphStore, nodes: Vec<Node>) {
    store.apply(nodes.into_iter().map(Change::Create).collect()).await.expect("fixture written");
}

/// Two regions, districts `d1` (`m-a`, `m-b`) and `d2` (`m-c`, `m-d`, `m-e`) in `r`.
pub fn geography() -> Vec<Node> {
    let mut nodes = vec![
        node(json!({"type": "region", "id": "bw", "name": "Baden-Württemberg", "kind": "LAND"})),
        node(json!({"type": "region", "id": "r", "name": "Region Test", "kind": "REGION", "parent": "bw"})),
        node(json!({"type": "region", "id": "r-other", "name": "Region Anderswo", "kind": "REGION"})),
        node(json!({"type": "district", "id": "d1", "name": "Landkreis Eins", "kind": "LANDKREIS", "region": "r"})),
        node(json!({"type": "district", "id": "d2", "name": "Landkreis Zwei", "kind": "LANDKREIS", "region": "r"})),
        node(
            json!({"type": "district", "id": "d3", "name": "Stadtkreis Drei", "kind": "STADTKREIS", "region": "r-other"}),
        ),
    ];
    let municipalities = [
        ("m-a", "d1", "08000001", Some(10_000), Some((48.70, 9.10))),
        ("m-b", "d1", "08000002", Some(12_000), Some((48.80, 9.20))),
        ("m-c", "d2", "08000003", Some(11_000), Some((48.50, 9.50))),
        ("m-d", "d2", "08000004", Some(500_000), Some((49.00, 8.40))),
        ("m-e", "d2", "08000005", Some(9_000), Some((48.60, 9.60))),
        ("m-f", "d3", "08000006", None, None),
    ];
    for (id, district, ags, population, location) in municipalities {
        let mut m = json!({"type": "municipality", "id": id, "name": format!("Gemeinde {id}"), "district": district,
                           "ags": ags, "kind": "GEMEINDE"});
        if let Some(p) = population {
            m["population"] = json!(p);
        }
        if let Some((lat, lon)) = location {
            m["lat"] = json!(lat);
            m["lon"] = json!(lon);
        }
        nodes.push(node(m));
    }
    nodes
}

/// The geography plus topics, Lotsen, projects, contacts and experts:
///
/// - `anna` (m-a) works on `p-anna1` {eakte, ozg} and `p-anna2` {opendata}; knows ozg.
/// - `ben` (m-b) has `p-ben1` {eakte, ozg} (completed, with `emil` as member) and `p-ben2` {opendata}.
/// - `carla` (m-c) has `p-carla1` {eakte, breitband}; knows breitband; is connected to dora.
/// - `dora` (m-d) has `p-dora1` {eakte, ozg} but is already connected to anna.
/// - `hidden` (m-c, HIDDEN) has `p-hidden` {eakte, ozg}.
/// - `anton` works in anna's own municipality on `p-anton` {eakte}, with `frida` (m-f).
/// - `emil` (m-e) has `p-emil` {breitband, wlan}.
/// - Expert `x-near` (org `o-kic`) serves `r` in breitband and ozg; `x-far` serves only `d3`.
pub fn small_network() -> Vec<Node> {
    let mut nodes = geography();
    for (id, name, parent) in [
        ("digital", "Digitalisierung", None),
        ("eakte", "E-Akte", Some("digital")),
        ("ozg", "OZG-Onlinedienste", Some("digital")),
        ("opendata", "Open Data", None),
        ("breitband", "Breitband", None),
        ("wlan", "WLAN", Some("breitband")),
    ] {
        let mut t = json!({"type": "topic", "id": id, "name": name});
        if let Some(p) = parent {
            t["parent"] = json!(p);
        }
        nodes.push(node(t));
    }
    nodes.push(node(json!({"type": "organization", "id": "o-kic", "name": "KIC@bw"})));
    for (id, municipality, topics, visibility) in [
        ("anna", "m-a", vec!["ozg"], "NETWORK"),
        ("ben", "m-b", vec![], "NETWORK"),
        ("carla", "m-c", vec!["breitband"], "NETWORK"),
        ("dora", "m-d", vec![], "NETWORK"),
        ("hidden", "m-c", vec![], "HIDDEN"),
        ("anton", "m-a", vec![], "NETWORK"),
        ("emil", "m-e", vec!["wlan", "eakte"], "NETWORK"),
        ("frida", "m-f", vec!["opendata"], "CONTACTS_ONLY"),
    ] {
        nodes
            .push(node(json!({"type": "lotse", "id": id, "name": format!("Lotse {id}"), "municipality": municipality,
                                "topics": topics, "visibility": visibility, "email": format!("{id}@example.org")})));
    }
    for (id, municipality, topics, members, status) in [
        ("p-anna1", "m-a", vec!["eakte", "ozg"], vec!["anna"], "ACTIVE"),
        ("p-anna2", "m-a", vec!["opendata"], vec!["anna"], "ACTIVE"),
        ("p-ben1", "m-b", vec!["eakte", "ozg"], vec!["ben", "emil"], "COMPLETED"),
        ("p-ben2", "m-b", vec!["opendata"], vec!["ben"], "PAUSED"),
        ("p-carla1", "m-c", vec!["eakte", "breitband"], vec!["carla"], "ACTIVE"),
        ("p-dora1", "m-d", vec!["ozg", "eakte"], vec!["dora"], "PLANNED"),
        ("p-hidden", "m-c", vec!["eakte", "ozg"], vec!["hidden"], "ACTIVE"),
        ("p-anton", "m-a", vec!["eakte"], vec!["anton", "frida"], "ACTIVE"),
        ("p-emil", "m-e", vec!["breitband", "wlan"], vec!["emil"], "ACTIVE"),
    ] {
        let members: Vec<Value> = members
            .iter()
            .enumerate()
            .map(|(i, l)| json!({"lotse": l, "role": if i == 0 { "LEAD" } else { "MEMBER" }}))
            .collect();
        nodes.push(node(
            json!({"type": "project", "id": id, "title": format!("Projekt {id}"), "municipality": municipality,
                                "topics": topics, "members": members, "status": status,
                                "start_date": "2024-03-01"}),
        ));
    }
    for (id, from, to, status) in [
        ("c-anna-dora", "anna", "dora", "ACCEPTED"),
        ("c-carla-dora", "carla", "dora", "ACCEPTED"),
        ("c-ben-carla", "ben", "carla", "PENDING"),
        ("c-emil-anna", "emil", "anna", "DECLINED"),
    ] {
        nodes.push(node(json!({"type": "connection_request", "id": id, "from": from, "to": to, "status": status,
                                "created_at": "2025-01-15T09:30:00Z"})));
    }
    nodes.push(node(json!({"type": "expert", "id": "x-near", "name": "Expertin Nah", "organization": "o-kic",
                            "topics": ["breitband", "ozg"], "serves": ["r"]})));
    nodes.push(node(json!({"type": "expert", "id": "x-far", "name": "Experte Fern", "topics": ["breitband", "eakte"],
                            "serves": ["d3", "r-other"]})));
    nodes.push(node(json!({"type": "expert", "id": "x-none", "name": "Experte Ohne", "topics": ["wlan"]})));
    nodes
}
