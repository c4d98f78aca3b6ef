//! Checks that generated networks are deterministic, consistent and shaped like the real one.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::domain::{
    ConnectionStatus, DistrictKind, Id, MunicipalityKind, NodeKind, ProjectRole, ProjectStatus, RegionKind, Visibility,
};

const SMALL: Scale = Scale { municipalities: 30, lotsen: 20, projects: 25, experts: 3 };
const BEYOND_BW: Scale = Scale { municipalities: 2_000, lotsen: 2_500, projects: 3_000, experts: 20 };

fn count(nodes: &[Node], wanted: impl Fn(&Node) -> bool) -> usize {
    nodes.iter().filter(|n| wanted(n)).count()
}

/// Every id a node refers to, with the kinds it may have.
fn references(node: &Node) -> Vec<(&Id, &'static [NodeKind])> {
    use NodeKind as K;
    match node {
        Node::Region(r) => r.parent.iter().map(|p| (p, &[K::Region][..])).collect(),
        Node::District(d) => vec![(&d.region, &[K::Region][..])],
        Node::Municipality(m) => vec![(&m.district, &[K::District][..])],
        Node::Topic(t) => t.parent.iter().map(|p| (p, &[K::Topic][..])).collect(),
        Node::Organization(_) | Node::AuditEntry(_) => Vec::new(),
        Node::Lotse(l) => std::iter::once((&l.municipality, &[K::Municipality][..]))
            .chain(l.topics.iter().map(|t| (t, &[K::Topic][..])))
            .collect(),
        Node::Expert(e) => e
            .organization
            .iter()
            .map(|o| (o, &[K::Organization][..]))
            .chain(e.topics.iter().map(|t| (t, &[K::Topic][..])))
            .chain(e.serves.iter().map(|s| (s, &[K::Region, K::District][..])))
            .collect(),
        Node::Project(p) => std::iter::once((&p.municipality, &[K::Municipality][..]))
            .chain(p.topics.iter().map(|t| (t, &[K::Topic][..])))
            .chain(p.members.iter().map(|m| (&m.lotse, &[K::Lotse][..])))
            .collect(),
        Node::ConnectionRequest(c) => vec![(&c.from, &[K::Lotse][..]), (&c.to, &[K::Lotse][..])],
        Node::ProjectInvitation(i) => {
            vec![(&i.project, &[K::Project][..]), (&i.lotse, &[K::Lotse][..]), (&i.invited_by, &[K::Lotse][..])]
        }
        Node::Dismissal(d) => vec![(&d.lotse, &[K::Lotse][..]), (&d.dismissed, &[K::Lotse][..])],
    }
}

/// The invariants every network must keep, whatever its scale.
fn assert_consistent(nodes: &[Node]) {
    let mut kinds: BTreeMap<&Id, NodeKind> = BTreeMap::new();
    for node in nodes {
        for (target, allowed) in references(node) {
            let kind = kinds.get(target).unwrap_or_else(|| panic!("{} refers to {target} before it exists", node.id()));
            assert!(allowed.contains(kind), "{} refers to {target}, a {kind}", node.id());
        }
        assert!(kinds.insert(node.id(), node.kind()).is_none(), "id {} is used twice", node.id());
    }

    let mut ags = BTreeSet::new();
    let mut open_pairs = BTreeSet::new();
    for node in nodes {
        match node {
            Node::Municipality(m) => {
                let code = m.ags.as_ref().expect("every municipality has an AGS").as_str();
                assert!(code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()), "AGS {code}");
                assert!(ags.insert(code), "AGS {code} is used twice");
            }
            Node::Project(p) => {
                assert!(!p.topics.is_empty() && p.topics.len() <= 3, "{} has {} topics", p.id, p.topics.len());
                assert_eq!(p.members[0].role, ProjectRole::Lead, "{} is led first", p.id);
                assert_eq!(p.members.iter().filter(|m| m.role == ProjectRole::Lead).count(), 1);
                let members: BTreeSet<&Id> = p.members.iter().map(|m| &m.lotse).collect();
                assert_eq!(members.len(), p.members.len(), "{} lists a member twice", p.id);
                match (p.status, p.start_date, p.end_date) {
                    (ProjectStatus::Completed, Some(start), Some(end)) => assert!(start < end, "{}", p.id),
                    (ProjectStatus::Completed, ..) => panic!("{} is completed without dates", p.id),
                    (_, Some(_), None) => {}
                    _ => panic!("{} has unexpected dates", p.id),
                }
            }
            Node::ConnectionRequest(c) => {
                assert_ne!(c.from, c.to, "{} connects a Lotse with themselves", c.id);
                let pair = if c.from < c.to { (&c.from, &c.to) } else { (&c.to, &c.from) };
                if matches!(c.status, ConnectionStatus::Pending | ConnectionStatus::Accepted) {
                    assert!(open_pairs.insert(pair), "{} duplicates an open request", c.id);
                }
                assert_eq!(c.responded_at.is_some(), c.status != ConnectionStatus::Pending, "{}", c.id);
            }
            _ => {}
        }
    }
}

#[test]
fn same_scale_and_seed_give_the_same_network() {
    let first = serde_json::to_string(&generate(SMALL, 7)).unwrap();
    assert_eq!(first, serde_json::to_string(&generate(SMALL, 7)).unwrap());
    assert_ne!(first, serde_json::to_string(&generate(SMALL, 8)).unwrap());
    assert_eq!(generate(Scale::BW, 42), generate(Scale::BW, 42));
}

#[test]
fn bw_has_the_real_administrative_structure_and_the_requested_sizes() {
    let nodes = generate(Scale::BW, 42);
    let region = |kind| count(&nodes, |n| matches!(n, Node::Region(r) if r.kind == kind));
    let district = |kind| count(&nodes, |n| matches!(n, Node::District(d) if d.kind == kind));
    assert_eq!(region(RegionKind::Regierungsbezirk), 4);
    assert_eq!(region(RegionKind::Region), 12);
    assert_eq!(region(RegionKind::Land), 0);
    assert_eq!(district(DistrictKind::Landkreis), 35);
    assert_eq!(district(DistrictKind::Stadtkreis), 9);
    let of_kind = |kind| count(&nodes, |n| n.kind() == kind);
    assert_eq!(of_kind(NodeKind::Municipality), 1_101);
    assert_eq!(of_kind(NodeKind::Lotse), 1_600);
    assert_eq!(of_kind(NodeKind::Project), 4_000);
    assert_eq!(of_kind(NodeKind::Expert), 60);
    assert!((38..=50).contains(&of_kind(NodeKind::Topic)));
    assert_consistent(&nodes);
}

#[test]
fn real_places_keep_their_names_codes_and_regions() {
    let nodes = generate(Scale::BW, 1);
    let find = |id: &str| nodes.iter().find(|n| n.id().as_str() == id).unwrap_or_else(|| panic!("{id} is missing"));
    let Node::District(boeblingen) = find("kreis-08115") else { panic!("kreis-08115 is not a district") };
    assert_eq!((boeblingen.name.as_str(), boeblingen.region.as_str()), ("Landkreis Böblingen", "region-stuttgart"));
    let Node::Region(stuttgart) = find("region-stuttgart") else { panic!("region-stuttgart is not a region") };
    assert_eq!(stuttgart.parent.as_ref().map(Id::as_str), Some("rb-stuttgart"));
    let Node::Municipality(city) = find("gem-08111000") else { panic!("gem-08111000 is not a municipality") };
    assert_eq!(
        (city.name.as_str(), city.kind, city.population),
        ("Stuttgart", MunicipalityKind::Stadtkreis, Some(630_000))
    );
    let Node::Municipality(seat) = find("gem-08115001") else { panic!("gem-08115001 is not a municipality") };
    assert_eq!(seat.name.as_str(), "Böblingen");
    assert!(matches!(find("topic-e-akte"), Node::Topic(_)));
    assert!(matches!(find("topic-oeffentliches-wlan"), Node::Topic(_)));
    assert!(matches!(find("org-komm-one"), Node::Organization(_)));
}

#[test]
fn most_municipalities_have_a_lotse_and_some_projects_lack_local_competence() {
    let nodes = generate(Scale::BW, 3);
    let mut competences: BTreeMap<&Id, BTreeSet<&Id>> = BTreeMap::new();
    for node in &nodes {
        if let Node::Lotse(l) = node {
            competences.entry(&l.municipality).or_default().extend(&l.topics);
        }
    }
    let share = competences.len() as f64 / 1_101.0;
    assert!((0.75..=0.80).contains(&share), "{share} of municipalities have a Lotse");
    let uncovered = nodes
        .iter()
        .filter_map(|n| match n {
            Node::Project(p) => Some(p),
            _ => None,
        })
        .filter(|p| p.topics.iter().any(|t| !competences[&p.municipality].contains(t)))
        .map(|p| &p.municipality)
        .collect::<BTreeSet<_>>();
    assert!(uncovered.len() > 100, "only {} municipalities lack competence for a project", uncovered.len());
}

#[test]
fn the_first_lotse_is_visible_busy_and_connected() {
    let nodes = generate(Scale::BW, 42);
    let demo = Id::parse_field("id", "lotse-0001").unwrap();
    let Some(Node::Lotse(lotse)) = nodes.iter().find(|n| n.id() == &demo) else { panic!("lotse-0001 is missing") };
    assert_eq!(lotse.visibility, Visibility::Network);
    let projects = count(&nodes, |n| matches!(n, Node::Project(p) if p.members.iter().any(|m| m.lotse == demo)));
    assert!(projects >= 2, "lotse-0001 works on {projects} projects");
    let contacts = count(&nodes, |n| {
        matches!(n, Node::ConnectionRequest(c)
            if c.status == ConnectionStatus::Accepted && (c.from == demo || c.to == demo))
    });
    assert!(contacts >= 3, "lotse-0001 has {contacts} contacts");
}

#[test]
fn a_small_scale_keeps_the_geography_and_fills_seats_first() {
    let nodes = generate(SMALL, 5);
    assert_consistent(&nodes);
    assert_eq!(count(&nodes, |n| n.kind() == NodeKind::Municipality), 30);
    assert_eq!(count(&nodes, |n| n.kind() == NodeKind::District), 44);
    assert_eq!(count(&nodes, |n| n.kind() == NodeKind::Lotse), 20);
    assert_eq!(count(&nodes, |n| n.kind() == NodeKind::Project), 25);
    assert_eq!(count(&nodes, |n| n.kind() == NodeKind::Expert), 3);
    assert!(nodes.iter().any(|n| n.id().as_str() == "gem-08111000"));
    assert!(nodes.iter().any(|n| n.id().as_str() == "gem-08115001"));
    assert!(!nodes.iter().any(|n| n.id().as_str() == "gem-08115002"));
    assert!(!generate(Scale { municipalities: 0, lotsen: 0, projects: 0, experts: 2 }, 5).is_empty());
}

#[test]
fn beyond_bw_synthetic_laender_lie_in_germany() {
    let nodes = generate(BEYOND_BW, 11);
    assert_consistent(&nodes);
    assert_eq!(count(&nodes, |n| n.kind() == NodeKind::Municipality), 2_000);
    assert!(count(&nodes, |n| matches!(n, Node::Region(r) if r.kind == RegionKind::Land)) >= 1);
    for node in &nodes {
        if let Node::Municipality(m) = node {
            let location = m.location.expect("every municipality has a location");
            assert!((47.3..=55.0).contains(&location.lat()) && (5.9..=15.0).contains(&location.lon()), "{}", m.id);
        }
    }
    let synthetic = count(&nodes, |n| matches!(n, Node::District(d) if !d.id.as_str().starts_with("kreis-08")));
    assert!(synthetic >= 30, "{synthetic} synthetic districts");
}

#[test]
fn every_node_survives_a_round_trip_through_the_parsers() {
    let nodes = generate(BEYOND_BW, 13);
    let json = serde_json::to_string(&nodes).unwrap();
    let parsed: Vec<Node> = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, nodes);
}

#[test]
fn scales_are_named() {
    assert_eq!(Scale::parse("bw"), Some(Scale::BW));
    assert_eq!(Scale::parse("de"), Some(Scale::DE));
    assert_eq!(Scale::parse("xl"), Some(Scale::XL));
    assert_eq!(Scale::parse("eu"), None);
}

#[test]
fn slugs_spell_out_umlauts() {
    assert_eq!(slug("Öffentliches WLAN"), "oeffentliches-wlan");
    assert_eq!(slug("Cloud & Rechenzentrum"), "cloud-rechenzentrum");
    assert_eq!(slug("Biberach an der Riß"), "biberach-an-der-riss");
    assert_eq!(slug("Ehingen (Donau)"), "ehingen-donau");
}
