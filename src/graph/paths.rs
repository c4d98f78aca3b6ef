//! Introduction paths: the shortest chains of people from one Lotse to another, through
//! accepted contacts and project co-members, at most [`MAX_HOPS`] steps, each with its reason
//! in German, strongest first.
//!
//! Only Lotsen the viewer may see and who are not hidden stand in a chain; a target the
//! viewer may not see is not found. The search meets in the middle: the neighbours of both
//! ends once, and the neighbours of the neighbours on the smaller side only.

use std::collections::BTreeMap;

use crate::domain::{Id, Lotse, Node, NodeKind, Visibility};
use crate::store::{StoreError, StoreResult};

use super::Graph;

pub const MAX_HOPS: usize = 3;
/// Strength of a step between accepted contacts.
const CONTACT: f64 = 1.0;
/// Strength of a step between the two members of a project of two; a bigger project's
/// members know each other less well: this over the square root of the others in it.
const CO_MEMBER: f64 = 0.8;

/// How two Lotsen know each other.
#[derive(Debug, Clone, PartialEq)]
pub enum Via {
    Contact,
    Project { id: Id, title: String },
}

/// How a Lotse knows a neighbour, and how well.
#[derive(Debug, Clone, PartialEq)]
struct Link {
    via: Via,
    strength: f64,
}

/// One link of a chain: from, to, and how they know each other.
type Hop<'a> = (&'a Id, &'a Id, &'a Link);

/// One step of a path, from one Lotse to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub from: Id,
    pub to: Id,
    pub via: Via,
    pub strength: f64,
    /// The reason as a German clause.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IntroductionPath {
    pub steps: Vec<Step>,
    /// The product of the steps' strengths.
    pub strength: f64,
    /// The reasons as one German sentence.
    pub summary: String,
}

/// The best way each neighbour of a Lotse is known: the strongest, a contact before a
/// project, a project with a lower id before another.
fn neighbours(graph: &Graph, lotse: &Id) -> BTreeMap<Id, Link> {
    let mut found: BTreeMap<Id, Link> = BTreeMap::new();
    for contact in graph.contacts(lotse) {
        found.insert(contact.clone(), Link { via: Via::Contact, strength: CONTACT });
    }
    let mut projects: Vec<_> = graph.projects_of(lotse).collect();
    projects.sort_by(|a, b| a.id.cmp(&b.id));
    for project in projects {
        let others = project.members.iter().filter(|m| &m.lotse != lotse).count();
        let strength = CO_MEMBER / (others as f64).sqrt();
        for member in project.members.iter().filter(|m| &m.lotse != lotse) {
            let better = found.get(&member.lotse).is_none_or(|known| strength > known.strength);
            if better {
                let via = Via::Project { id: project.id.clone(), title: project.title.as_str().to_owned() };
                found.insert(member.lotse.clone(), Link { via, strength });
            }
        }
    }
    found
}

/// The shortest paths from `from` to `to`, strongest first (then by the ids along them), at
/// most `first`; empty when there is none within [`MAX_HOPS`].
pub fn introduction_paths(
    graph: &Graph,
    from: &Id,
    to: &Id,
    first: usize,
    sees: &dyn Fn(&Node) -> bool,
) -> StoreResult<Vec<IntroductionPath>> {
    let target = graph
        .node(NodeKind::Lotse, to)
        .filter(|n| sees(n))
        .ok_or_else(|| StoreError::not_found(NodeKind::Lotse, to))?;
    let passable = |id: &Id| {
        id != from
            && id != to
            && graph
                .node(NodeKind::Lotse, id)
                .is_some_and(|n| sees(n) && matches!(n, Node::Lotse(l) if l.visibility != Visibility::Hidden))
    };
    let mine = neighbours(graph, from);
    let mut chains: Vec<Vec<Hop>> = Vec::new();
    if let Some(step) = mine.get(to) {
        chains.push(vec![(from, to, step)]);
    }
    let theirs: BTreeMap<Id, Link> =
        neighbours(graph, target.id()).into_iter().filter(|(id, _)| passable(id)).collect();
    let mine: BTreeMap<&Id, &Link> = mine.iter().filter(|(id, _)| passable(id)).collect();
    if chains.is_empty() {
        for (middle, first_step) in &mine {
            if let Some(last) = theirs.get(*middle) {
                chains.push(vec![(from, *middle, *first_step), (*middle, to, last)]);
            }
        }
    }
    let middles: Vec<(Id, Id, Link)> =
        if chains.is_empty() { bridges(graph, &mine, &theirs, &passable) } else { Vec::new() };
    for (a, b, step) in &middles {
        chains.push(vec![(from, a, mine[a]), (a, b, step), (b, to, &theirs[b])]);
    }
    let mut paths: Vec<IntroductionPath> = chains.into_iter().map(|chain| path(graph, &chain)).collect();
    paths.sort_by(|x, y| {
        y.strength.total_cmp(&x.strength).then_with(|| {
            let ids = |p: &IntroductionPath| p.steps.iter().map(|s| s.to.clone()).collect::<Vec<_>>();
            ids(x).cmp(&ids(y))
        })
    });
    paths.truncate(first);
    Ok(paths)
}

/// The steps `a → b` between a neighbour `a` of the start and a neighbour `b` of the target,
/// walking the neighbours of the smaller side.
fn bridges(
    graph: &Graph,
    mine: &BTreeMap<&Id, &Link>,
    theirs: &BTreeMap<Id, Link>,
    passable: &dyn Fn(&Id) -> bool,
) -> Vec<(Id, Id, Link)> {
    let mut found = Vec::new();
    if mine.len() <= theirs.len() {
        for a in mine.keys() {
            for (b, step) in neighbours(graph, a) {
                if &b != *a && theirs.contains_key(&b) && passable(&b) {
                    found.push(((*a).clone(), b, step));
                }
            }
        }
    } else {
        for b in theirs.keys() {
            for (a, step) in neighbours(graph, b) {
                if &a != b && mine.contains_key(&a) && passable(&a) {
                    found.push((a, b.clone(), step));
                }
            }
        }
    }
    found
}

fn name<'g>(graph: &'g Graph, id: &Id) -> &'g str {
    graph.get::<Lotse>(id).map_or("", |l| l.name.as_str())
}

fn path(graph: &Graph, chain: &[Hop]) -> IntroductionPath {
    let steps: Vec<Step> = chain
        .iter()
        .enumerate()
        .map(|(at, (from, to, Link { via, strength }))| {
            let (a, b) = (name(graph, from), name(graph, to));
            let text = match (at, via) {
                (0, Via::Contact) => format!("Sie kennen {b} als Kontakt"),
                (0, Via::Project { title, .. }) => format!("Sie kennen {b} aus dem Projekt „{title}“"),
                (_, Via::Contact) => format!("{a} ist mit {b} vernetzt"),
                (_, Via::Project { title, .. }) => format!("{a} arbeitet mit {b} im Projekt „{title}“"),
            };
            Step { from: (*from).clone(), to: (*to).clone(), via: via.clone(), strength: *strength, text }
        })
        .collect();
    let strength = steps.iter().map(|s| s.strength).product();
    let summary = format!("{}.", steps.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join("; "));
    IntroductionPath { steps, strength, summary }
}
