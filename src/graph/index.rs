//! The part of the graph matchmaking walks, as dense numbers and arrays, kept in step with
//! every insert and remove of the graph.
//!
//! Projects with the same list of topics share a *signature*; cosine similarity depends on
//! the topics alone, so a question computes it once per signature, not per project. The
//! list keeps the project's order of topics, since sums in that order give the same bits
//! as the Neo4j store.

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::domain::{ConnectionRequest, ConnectionStatus, Id, Node, PreparedCoordinates, ProjectStatus, Visibility};
use crate::matching::log_population;

/// Dense numbers for the ids of one kind, handed out on first sight and never reused.
#[derive(Default)]
pub struct Numbers {
    by_id: FxHashMap<Id, u32>,
    ids: Vec<Id>,
}

impl Numbers {
    fn number(&mut self, id: &Id) -> u32 {
        if let Some(&n) = self.by_id.get(id) {
            return n;
        }
        let n = u32::try_from(self.ids.len()).expect("fewer than 2^32 nodes of a kind");
        self.by_id.insert(id.clone(), n);
        self.ids.push(id.clone());
        n
    }

    pub fn get(&self, id: &Id) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    pub fn id(&self, n: u32) -> &Id {
        &self.ids[n as usize]
    }

    pub fn count(&self) -> usize {
        self.ids.len()
    }

    /// The place of every number's id in id order: numbers compare as their ids do.
    pub fn id_order(&self) -> Vec<u32> {
        let mut numbers: Vec<u32> = (0..self.ids.len() as u32).collect();
        numbers.sort_unstable_by(|&a, &b| self.id(a).cmp(self.id(b)));
        let mut order = vec![0; numbers.len()];
        for (at, &n) in numbers.iter().enumerate() {
            order[n as usize] = at as u32;
        }
        order
    }
}

pub struct ProjectEntry {
    pub signature: u32,
    pub municipality: u32,
    pub members: Box<[u32]>,
    pub status: ProjectStatus,
}

/// What a question reads of a Lotse, together: the competences of a live Lotse and the
/// profile, the topics of their projects and competences in id order (kept inline when there
/// are few). Municipality and visibility are in the Lotse's [`LotseBrief`].
#[derive(Default)]
struct LotseSlot {
    competences: Option<Box<[u32]>>,
    profile: SmallVec<[u32; 6]>,
}

/// What the walk of a recommendation reads of every Lotse it meets, packed into 12 bytes so
/// that the records of all Lotsen lie close together.
#[derive(Clone, Copy, Default)]
pub struct LotseBrief {
    pub municipality: u32,
    /// The Lotse exists (a number may be handed out before, for a project's member).
    pub live: bool,
    pub visible: bool,
}

/// A municipality's size and position, prepared for the place context of recommendations.
pub struct Place {
    pub population: Option<u32>,
    /// [`log_population`] of `population`.
    pub log_population: Option<f64>,
    pub location: Option<PreparedCoordinates>,
}

/// Distinct topic lists of projects.
#[derive(Default)]
pub struct Signatures {
    by_topics: FxHashMap<Box<[u32]>, u32>,
    /// The topic lists one after the other (signatures are never removed), so walks over
    /// many signatures read memory in order.
    topic_arena: Vec<u32>,
    /// Start of each signature's topics in `topic_arena`, and one past the last.
    starts: Vec<u32>,
    projects: Vec<Vec<u32>>,
    /// Members of each signature's projects, once per project they are a member of.
    members: Vec<Vec<u32>>,
    with_topic: Vec<Vec<u32>>,
}

impl Signatures {
    fn number(&mut self, topics: Box<[u32]>) -> u32 {
        if let Some(&n) = self.by_topics.get(&topics) {
            return n;
        }
        let n = self.projects.len() as u32;
        for &t in &topics {
            slot(&mut self.with_topic, t).push(n);
        }
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.topic_arena.extend_from_slice(&topics);
        self.starts.push(self.topic_arena.len() as u32);
        self.by_topics.insert(topics, n);
        self.projects.push(Vec::new());
        self.members.push(Vec::new());
        n
    }

    pub fn count(&self) -> usize {
        self.projects.len()
    }

    /// The topic numbers of a signature, in the projects' order.
    pub fn topics(&self, signature: u32) -> &[u32] {
        let s = signature as usize;
        &self.topic_arena[self.starts[s] as usize..self.starts[s + 1] as usize]
    }

    /// The live projects with exactly these topics, in no particular order.
    pub fn projects(&self, signature: u32) -> &[u32] {
        &self.projects[signature as usize]
    }

    /// The members of the live projects with these topics, once per project, in no particular
    /// order.
    pub fn members(&self, signature: u32) -> &[u32] {
        &self.members[signature as usize]
    }

    /// Signatures containing a topic.
    pub fn with_topic(&self, topic: u32) -> &[u32] {
        self.with_topic.get(topic as usize).map_or(&[], Vec::as_slice)
    }
}

/// The words of project titles and descriptions: each project's terms with their counts,
/// and each term's projects.
#[derive(Default)]
pub struct Texts {
    by_term: FxHashMap<Box<str>, u32>,
    terms: Vec<Box<str>>,
    /// Each project's distinct terms with how often they occur, by term number.
    of_project: Vec<Box<[(u32, u32)]>>,
    /// The live projects each term occurs in, with how often, in no particular order.
    postings: Vec<Vec<(u32, u32)>>,
}

impl Texts {
    fn insert(&mut self, project: u32, text: &str) {
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        for term in super::text::terms(text) {
            let t = match self.by_term.get(term.as_str()) {
                Some(&t) => t,
                None => {
                    let t = self.terms.len() as u32;
                    self.terms.push(term.clone().into_boxed_str());
                    self.by_term.insert(term.into_boxed_str(), t);
                    t
                }
            };
            *counts.entry(t).or_default() += 1;
        }
        let mut terms: Vec<(u32, u32)> = counts.into_iter().collect();
        terms.sort_unstable();
        for &(t, count) in &terms {
            slot(&mut self.postings, t).push((project, count));
        }
        *slot(&mut self.of_project, project) = terms.into();
    }

    fn remove(&mut self, project: u32) {
        let terms = std::mem::take(slot(&mut self.of_project, project));
        for &(t, _) in terms.iter() {
            remove_first(&mut self.postings[t as usize], |&(p, _)| p == project);
        }
    }

    pub fn count(&self) -> usize {
        self.terms.len()
    }

    /// The stemmed word of a term number.
    pub fn term(&self, term: u32) -> &str {
        &self.terms[term as usize]
    }

    /// A project's terms with their counts, by term number.
    pub fn of_project(&self, project: u32) -> &[(u32, u32)] {
        self.of_project.get(project as usize).map_or(&[], |t| t)
    }

    /// The live projects a term occurs in, with how often it occurs there.
    pub fn postings(&self, term: u32) -> &[(u32, u32)] {
        self.postings.get(term as usize).map_or(&[], Vec::as_slice)
    }
}

#[derive(Default)]
pub struct MatchIndex {
    pub topics: Numbers,
    pub projects: Numbers,
    pub lotsen: Numbers,
    pub municipalities: Numbers,
    pub signatures: Signatures,
    project: Vec<Option<ProjectEntry>>,
    lotse: Vec<LotseSlot>,
    briefs: Vec<LotseBrief>,
    /// Live projects each Lotse is a member of; kept while the Lotse node is replaced.
    lotse_projects: Vec<Vec<u32>>,
    place: Vec<Option<Place>>,
    pub texts: Texts,
    /// Each Lotse's accepted contacts.
    contacts: Vec<Vec<u32>>,
    /// The live Lotsen who name each topic as a competence.
    competent: Vec<Vec<u32>>,
}

/// The element `n` of `v`, growing `v` with defaults as needed.
fn slot<T: Default>(v: &mut Vec<T>, n: u32) -> &mut T {
    let n = n as usize;
    if v.len() <= n {
        v.resize_with(n + 1, T::default);
    }
    &mut v[n]
}

fn remove_value(v: &mut Vec<u32>, value: u32) {
    remove_first(v, |&x| x == value);
}

/// Removes the first element that matches, not keeping the order.
fn remove_first<T>(v: &mut Vec<T>, matches: impl Fn(&T) -> bool) {
    if let Some(at) = v.iter().position(matches) {
        v.swap_remove(at);
    }
}

impl MatchIndex {
    pub fn insert(&mut self, node: &Node) {
        match node {
            Node::Project(p) => {
                let n = self.projects.number(&p.id);
                let mut topics: Vec<u32> = Vec::with_capacity(p.topics.len());
                for t in &p.topics {
                    let t = self.topics.number(t);
                    if !topics.contains(&t) {
                        topics.push(t);
                    }
                }
                let signature = self.signatures.number(topics.into_boxed_slice());
                self.signatures.projects[signature as usize].push(n);
                let mut members: Vec<u32> = p.members.iter().map(|m| self.lotsen.number(&m.lotse)).collect();
                members.sort_unstable();
                members.dedup();
                for &l in &members {
                    slot(&mut self.lotse_projects, l).push(n);
                }
                self.signatures.members[signature as usize].extend(&members);
                let municipality = self.municipalities.number(&p.municipality);
                let entry = ProjectEntry { signature, municipality, members: members.clone().into(), status: p.status };
                let description = p.description.as_ref().map_or("", |d| d.as_str());
                self.texts.insert(n, &format!("{} {description}", p.title.as_str()));
                *slot(&mut self.project, n) = Some(entry);
                members.into_iter().for_each(|l| self.add_to_profile(l, signature));
            }
            Node::Lotse(l) => {
                let n = self.lotsen.number(&l.id);
                let mut topics: Vec<u32> = l.topics.iter().map(|t| self.topics.number(t)).collect();
                topics.sort_unstable();
                topics.dedup();
                let brief = slot(&mut self.briefs, n);
                brief.municipality = self.municipalities.number(&l.municipality);
                brief.visible = l.visibility == Visibility::Network;
                brief.live = true;
                for &t in &topics {
                    slot(&mut self.competent, t).push(n);
                }
                slot(&mut self.lotse, n).competences = Some(topics.into());
                self.refresh_profile(n);
            }
            Node::Municipality(m) => {
                let n = self.municipalities.number(&m.id);
                *slot(&mut self.place, n) = Some(Place {
                    population: m.population,
                    log_population: log_population(m.population),
                    location: m.location.map(|l| l.prepared()),
                });
            }
            Node::Topic(t) => {
                self.topics.number(&t.id);
            }
            Node::ConnectionRequest(r) => {
                if let Some((a, b)) = self.accepted(r) {
                    slot(&mut self.contacts, a).push(b);
                    slot(&mut self.contacts, b).push(a);
                }
            }
            _ => {}
        }
    }

    /// The two ends of an accepted connection.
    fn accepted(&mut self, request: &ConnectionRequest) -> Option<(u32, u32)> {
        (request.status == ConnectionStatus::Accepted)
            .then(|| (self.lotsen.number(&request.from), self.lotsen.number(&request.to)))
    }

    pub fn remove(&mut self, node: &Node) {
        match node {
            Node::Project(p) => {
                let Some(n) = self.projects.get(&p.id) else { return };
                let Some(entry) = self.project[n as usize].take() else { return };
                remove_value(&mut self.signatures.projects[entry.signature as usize], n);
                self.texts.remove(n);
                for &l in entry.members.iter() {
                    remove_value(&mut self.signatures.members[entry.signature as usize], l);
                    remove_value(&mut self.lotse_projects[l as usize], n);
                    self.refresh_profile(l);
                }
            }
            Node::Lotse(l) => {
                if let Some(n) = self.lotsen.get(&l.id) {
                    for t in self.lotse[n as usize].competences.take().unwrap_or_default() {
                        remove_value(&mut self.competent[t as usize], n);
                    }
                    self.briefs[n as usize].live = false;
                    self.refresh_profile(n);
                }
            }
            Node::Municipality(m) => {
                if let Some(n) = self.municipalities.get(&m.id) {
                    self.place[n as usize] = None;
                }
            }
            Node::ConnectionRequest(r) => {
                if let Some((a, b)) = self.accepted(r) {
                    remove_value(&mut self.contacts[a as usize], b);
                    remove_value(&mut self.contacts[b as usize], a);
                }
            }
            _ => {}
        }
    }

    fn refresh_profile(&mut self, lotse: u32) {
        let projects = self.projects_of(lotse).iter().filter_map(|&p| self.project(p));
        let mut topics: Vec<u32> = projects.flat_map(|p| self.signatures.topics(p.signature)).copied().collect();
        topics.extend(self.lotse.get(lotse as usize).and_then(|l| l.competences.as_deref()).unwrap_or_default());
        topics.sort_unstable();
        topics.dedup();
        topics.sort_by(|a, b| self.topics.id(*a).cmp(self.topics.id(*b)));
        slot(&mut self.lotse, lotse).profile = topics.into();
    }

    /// Adds the topics of a new project's signature to a member's profile, keeping id order;
    /// the same as `refresh_profile`, without going through all their projects again.
    fn add_to_profile(&mut self, lotse: u32, signature: u32) {
        let (topics, slots) = (&self.topics, &mut self.lotse);
        let profile = &mut slot(slots, lotse).profile;
        for &t in self.signatures.topics(signature) {
            if let Err(at) = profile.binary_search_by(|p| topics.id(*p).cmp(topics.id(t))) {
                profile.insert(at, t);
            }
        }
    }

    /// The topics of a Lotse's projects and competences, in id order.
    pub fn profile(&self, lotse: u32) -> &[u32] {
        self.lotse.get(lotse as usize).map_or(&[], |l| &l.profile)
    }

    pub fn project(&self, n: u32) -> Option<&ProjectEntry> {
        self.project.get(n as usize)?.as_ref()
    }

    /// The brief record of a Lotse; a default (not live) one for an unknown number.
    pub fn brief(&self, lotse: u32) -> LotseBrief {
        self.briefs.get(lotse as usize).copied().unwrap_or_default()
    }

    pub fn projects_of(&self, lotse: u32) -> &[u32] {
        self.lotse_projects.get(lotse as usize).map_or(&[], Vec::as_slice)
    }

    /// A Lotse's accepted contacts, in no particular order.
    pub fn contacts(&self, lotse: u32) -> &[u32] {
        self.contacts.get(lotse as usize).map_or(&[], Vec::as_slice)
    }

    /// The topics a live Lotse names as competences.
    pub fn competences(&self, lotse: u32) -> &[u32] {
        self.lotse.get(lotse as usize).and_then(|l| l.competences.as_deref()).unwrap_or_default()
    }

    /// The live Lotsen naming a topic as a competence, in no particular order.
    pub fn competent(&self, topic: u32) -> &[u32] {
        self.competent.get(topic as usize).map_or(&[], Vec::as_slice)
    }

    pub fn place(&self, municipality: u32) -> Option<&Place> {
        self.place.get(municipality as usize)?.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Membership, Project, ProjectRole};

    fn id(s: &str) -> Id {
        Id::parse_field("id", s).unwrap()
    }

    fn project(name: &str, topics: &[&str], members: &[&str]) -> Node {
        Node::Project(Project {
            id: id(name),
            title: crate::domain::Name::parse_field("title", name).unwrap(),
            description: None,
            municipality: id("m"),
            topics: topics.iter().map(|t| id(t)).collect(),
            members: members.iter().map(|l| Membership { lotse: id(l), role: ProjectRole::Member }).collect(),
            status: ProjectStatus::Active,
            start_date: None,
            end_date: None,
            updated_at: None,
        })
    }

    #[test]
    fn projects_with_the_same_topics_share_a_signature_until_removed() {
        let mut index = MatchIndex::default();
        let a = project("a", &["x", "y"], &["l1"]);
        let b = project("b", &["x", "y", "x"], &["l1", "l2"]);
        let c = project("c", &["y", "x"], &["l2"]);
        index.insert(&a);
        index.insert(&b);
        let (na, nb) = (index.projects.get(&id("a")).unwrap(), index.projects.get(&id("b")).unwrap());
        let (x, y) = (index.topics.get(&id("x")).unwrap(), index.topics.get(&id("y")).unwrap());
        let signature = index.project(na).unwrap().signature;
        assert_eq!(index.project(nb).unwrap().signature, signature);
        assert_eq!(index.signatures.topics(signature), &[x, y]);
        assert_eq!(index.signatures.projects(signature).len(), 2);
        let mut members = index.signatures.members(signature).to_vec();
        members.sort_unstable();
        let (l1, l2) = (index.lotsen.get(&id("l1")).unwrap(), index.lotsen.get(&id("l2")).unwrap());
        assert_eq!(members, [l1, l1, l2]);
        index.insert(&c);
        assert_ne!(index.project(index.projects.get(&id("c")).unwrap()).unwrap().signature, signature);
        index.remove(&c);
        assert_eq!(index.projects_of(l1).len(), 2);
        assert_eq!(index.profile(l1), &[x, y]);

        index.remove(&b);
        assert_eq!(index.signatures.projects(signature), &[na]);
        assert_eq!(index.signatures.members(signature), &[l1]);
        assert!(index.project(nb).is_none());
        assert!(index.projects_of(l2).is_empty());
        assert!(index.profile(l2).is_empty());
    }

    #[test]
    fn profiles_grown_project_by_project_equal_profiles_worked_out_anew() {
        let mut index = MatchIndex::default();
        index.insert(&project("p1", &["t5", "t2"], &["l1", "l2"]));
        index.insert(&project("p2", &["t9", "t1", "t2"], &["l1"]));
        index.insert(&project("p3", &["t3"], &["l2", "l1"]));
        index.insert(&project("p4", &["t0", "t5"], &["l3"]));
        for lotse in 0..index.lotsen.count() as u32 {
            let grown = index.profile(lotse).to_vec();
            index.refresh_profile(lotse);
            assert_eq!(grown, index.profile(lotse));
        }
        let l1 = index.lotsen.get(&id("l1")).unwrap();
        let names: Vec<&str> = index.profile(l1).iter().map(|&t| index.topics.id(t).as_str()).collect();
        assert_eq!(names, ["t1", "t2", "t3", "t5", "t9"]);
    }
}
