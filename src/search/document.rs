//! What search finds a node by: the fields of each kind it covers. Contact data (e-mail,
//! phone) is never indexed, so nobody finds a person by what they may not read.

use crate::domain::{Expert, Id, Lotse, Node, NodeKind, Topic};
use crate::graph::Graph;
use crate::store::Rel;

use super::index::Field;

/// Names count twice as much as the other texts.
const NAME_BOOST: u32 = 2;

fn field(name: &'static str, text: &str, boost: u32) -> Field {
    Field { name, text: text.to_owned(), boost }
}

/// The names of topics, joined for reading.
fn topic_names(graph: &Graph, topics: &[Id]) -> String {
    topics.iter().filter_map(|t| graph.get::<Topic>(t)).map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// The fields of a node, the name first; `None` for kinds search does not cover.
pub fn fields(graph: &Graph, node: &Node) -> Option<Vec<Field>> {
    Some(match node {
        Node::Project(p) => {
            let mut fields = vec![field("title", p.title.as_str(), NAME_BOOST)];
            fields.extend(p.description.as_ref().map(|d| field("description", d.as_str(), 1)));
            fields
        }
        Node::Lotse(l) => {
            let mut fields = vec![field("name", l.name.as_str(), NAME_BOOST)];
            fields.extend(l.position.as_ref().map(|p| field("position", p.as_str(), 1)));
            fields.push(field("topics", &topic_names(graph, &l.topics), 1));
            fields
        }
        Node::Expert(e) => {
            vec![field("name", e.name.as_str(), NAME_BOOST), field("topics", &topic_names(graph, &e.topics), 1)]
        }
        Node::Topic(t) => vec![field("name", t.name.as_str(), NAME_BOOST)],
        Node::Municipality(m) => vec![field("name", m.name.as_str(), NAME_BOOST)],
        _ => return None,
    })
}

/// Nodes whose fields show the name of `id` (the Lotsen and experts of a topic), to be
/// indexed again when it changes.
pub fn readers(graph: &Graph, kind: NodeKind, id: &Id) -> Vec<(NodeKind, Id)> {
    if kind != NodeKind::Topic {
        return Vec::new();
    }
    let lotsen = graph.sources::<Lotse>(Rel::KnowsAbout, id).map(|l| (NodeKind::Lotse, l.id.clone()));
    let experts = graph.sources::<Expert>(Rel::ExpertIn, id).map(|e| (NodeKind::Expert, e.id.clone()));
    lotsen.chain(experts).collect()
}
