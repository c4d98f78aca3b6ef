//! Stage 1 of matchmaking in Neo4j. The traversals run in the database (`cypher/peer_*.cypher`,
//! `project_candidates`, `advice_candidates`, `expert_candidates`) and return ids, topic lists
//! and counts; the features are computed from them here with the same formulas, in the same
//! order, as the embedded store, so both give the same numbers to the last bit.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Deserialize;
use serde_json::json;

use super::connect::{DbResult, Tx, cypher};
use super::reads::parse_id;
use crate::domain::{Coordinates, Id, NodeKind, ProjectStatus};
use crate::matching::*;
use crate::store::StoreError;

const TOPIC_STATS: &str = include_str!("../../../cypher/topic_stats.cypher");
const PEER_ORIGIN: &str = include_str!("../../../cypher/peer_origin.cypher");
const PEER_REACH: &str = include_str!("../../../cypher/peer_reach.cypher");
const PEER_PROFILES: &str = include_str!("../../../cypher/peer_profiles.cypher");
const PROJECT_CANDIDATES: &str = include_str!("../../../cypher/project_candidates.cypher");
const ADVICE_CANDIDATES: &str = include_str!("../../../cypher/advice_candidates.cypher");
const EXPERT_CANDIDATES: &str = include_str!("../../../cypher/expert_candidates.cypher");

#[derive(Deserialize)]
struct TopicStatsRow {
    projects: i64,
    topics: Vec<TopicStat>,
}

#[derive(Deserialize)]
struct TopicStat {
    id: String,
    name: Option<String>,
    about: i64,
}

/// Topic rarities from the counts the database returned for one request.
struct Rarity {
    projects: usize,
    topics: HashMap<String, (Option<String>, usize)>,
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl Rarity {
    async fn load<'a>(tx: &mut Tx, topics: impl IntoIterator<Item = &'a str>) -> DbResult<Self> {
        let topics: BTreeSet<&str> = topics.into_iter().collect();
        let rows: Vec<TopicStatsRow> = tx.rows(cypher(TOPIC_STATS, json!({ "topics": topics }))?).await?;
        let row = rows.into_iter().next().ok_or_else(|| StoreError::Internal("topic statistics missing".into()))?;
        Ok(Self {
            projects: count(row.projects),
            topics: row.topics.into_iter().map(|t| (t.id, (t.name, count(t.about)))).collect(),
        })
    }

    fn of(&self, topic: &str) -> f64 {
        rarity(self.projects, self.topics.get(topic).map_or(0, |(_, about)| *about))
    }

    /// Euclidean norm of a rarity-weighted topic vector.
    fn norm(&self, topics: &[String]) -> f64 {
        topics.iter().map(|t| self.of(t).powi(2)).sum::<f64>().sqrt()
    }

    fn label(&self, topic: &str) -> DbResult<Labelled> {
        let name = self.topics.get(topic).and_then(|(name, _)| name.clone());
        labelled(topic, name)
    }

    fn shared(&self, mine: &BTreeSet<&str>, theirs: &BTreeSet<&str>) -> DbResult<Vec<SharedTopic>> {
        let mut shared = mine
            .intersection(theirs)
            .map(|t| Ok(SharedTopic { topic: self.label(t)?, rarity: self.of(t) }))
            .collect::<DbResult<Vec<_>>>()?;
        sort_shared(&mut shared);
        Ok(shared)
    }

    /// `sum of the 3 best` needs the dot product in the order of `mine`'s topics.
    fn similarity(&self, mine: &[String], theirs: &[String]) -> f64 {
        let theirs_set: HashSet<&str> = theirs.iter().map(String::as_str).collect();
        let dot: f64 = mine.iter().filter(|t| theirs_set.contains(t.as_str())).map(|t| self.of(t).powi(2)).sum();
        dot / (self.norm(mine) * self.norm(theirs))
    }
}

/// An id with the name people read; the id stands in for a missing name.
fn labelled(id: &str, name: Option<String>) -> DbResult<Labelled> {
    Ok(Labelled { id: parse_id(id.to_owned())?, name: name.unwrap_or_else(|| id.to_owned()) })
}

fn population(raw: Option<i64>) -> Option<u32> {
    raw.and_then(|p| u32::try_from(p).ok())
}

fn location(lat: Option<f64>, lon: Option<f64>) -> Option<Coordinates> {
    Coordinates::parse(lat?, lon?).ok()
}

fn distance(a: Option<Coordinates>, b: Option<Coordinates>) -> Option<f64> {
    Some(a?.distance_km(&b?))
}

#[derive(Deserialize)]
struct Positioned {
    id: String,
    idx: Option<i64>,
}

/// Topic ids in list order.
fn ordered(mut topics: Vec<Positioned>) -> Vec<String> {
    topics.sort_by_key(|t| t.idx);
    topics.into_iter().map(|t| t.id).collect()
}

#[derive(Deserialize)]
struct PeerOrigin {
    home: Option<String>,
    population: Option<i64>,
    lat: Option<f64>,
    lon: Option<f64>,
    competences: Vec<String>,
    projects: Vec<OriginProject>,
    contacts: Vec<String>,
}

#[derive(Deserialize)]
struct OriginProject {
    id: String,
    title: String,
    topics: Vec<Positioned>,
}

#[derive(Deserialize)]
struct ReachRow {
    peer: String,
    via: String,
    through: String,
    name: Option<String>,
    theirs: Option<String>,
    topics: Vec<Positioned>,
}

#[derive(Deserialize)]
struct PeerProfile {
    id: String,
    name: String,
    municipality: String,
    municipality_name: String,
    population: Option<i64>,
    lat: Option<f64>,
    lon: Option<f64>,
    topics: Vec<String>,
}

#[derive(Default)]
struct PeerAcc {
    /// (similarity, my project, their project)
    pairs: Vec<(f64, String, String)>,
    contacts: BTreeSet<String>,
    collaborators: BTreeSet<String>,
}

/// Peers reached through similar projects, shared contacts or shared collaborators.
pub async fn peers(tx: &mut Tx, query: &PeerQuery) -> DbResult<PeerCandidates> {
    let me = query.lotse.as_str();
    let origins: Vec<PeerOrigin> = tx.rows(cypher(PEER_ORIGIN, json!({ "lotse": me }))?).await?;
    let origin = origins.into_iter().next().ok_or_else(|| StoreError::not_found(NodeKind::Lotse, &query.lotse))?;
    let reach: Vec<ReachRow> = tx.rows(cypher(PEER_REACH, json!({ "lotse": me }))?).await?;

    let mut my_projects: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for project in origin.projects {
        my_projects.insert(project.id, (project.title, ordered(project.topics)));
    }
    let my_contacts: BTreeSet<&str> = origin.contacts.iter().map(String::as_str).collect();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut their_topics: HashMap<String, Vec<String>> = HashMap::new();
    let mut found: BTreeMap<String, PeerAcc> = BTreeMap::new();
    let mut unrated_pairs = Vec::new();
    for row in reach {
        let acc = found.entry(row.peer.clone()).or_default();
        match (row.via.as_str(), row.theirs) {
            ("project", Some(theirs)) => {
                names.insert(theirs.clone(), row.name.unwrap_or_else(|| theirs.clone()));
                their_topics.entry(theirs.clone()).or_insert_with(|| ordered(row.topics));
                unrated_pairs.push((row.peer, row.through, theirs));
            }
            ("contact", _) => {
                acc.contacts.insert(row.through.clone());
                names.insert(row.through.clone(), row.name.unwrap_or_else(|| row.through.clone()));
            }
            ("collaborator", _) => {
                acc.collaborators.insert(row.through.clone());
                names.insert(row.through.clone(), row.name.unwrap_or_else(|| row.through.clone()));
            }
            (via, _) => return Err(StoreError::Internal(format!("unknown way to reach a peer: {via}")).into()),
        }
    }

    let candidate_ids: Vec<&str> =
        found.keys().map(String::as_str).filter(|id| *id != me && !my_contacts.contains(id)).collect();
    let params = json!({
        "ids": candidate_ids,
        "home": origin.home,
        "within": query.filter.within.as_ref().map(Id::as_str),
        "population_min": query.filter.population_min,
        "population_max": query.filter.population_max,
    });
    let profiles: Vec<PeerProfile> = tx.rows(cypher(PEER_PROFILES, params)?).await?;

    let my_profile: BTreeSet<&str> = my_projects
        .values()
        .flat_map(|(_, topics)| topics.iter())
        .chain(origin.competences.iter())
        .map(String::as_str)
        .collect();
    let topics_needed = my_profile
        .iter()
        .copied()
        .chain(their_topics.values().flatten().map(String::as_str))
        .chain(profiles.iter().flat_map(|p| p.topics.iter().map(String::as_str)));
    let rarity = Rarity::load(tx, topics_needed).await?;

    for (peer, mine, theirs) in unrated_pairs {
        let (Some((_, my_topics)), Some(topics)) = (my_projects.get(&mine), their_topics.get(&theirs)) else {
            continue;
        };
        let similarity = rarity.similarity(my_topics, topics);
        found.entry(peer).or_default().pairs.push((similarity, mine, theirs));
    }

    let home = location(origin.lat, origin.lon);
    let my_profile_weight: f64 = my_profile.iter().map(|t| rarity.of(t)).sum();
    let mut candidates = Vec::with_capacity(profiles.len());
    for profile in profiles {
        let Some(acc) = found.remove(&profile.id) else { continue };
        let distance_km = distance(home, location(profile.lat, profile.lon));
        if let Some(max) = query.filter.max_distance_km {
            if distance_km.is_none_or(|d| d > max) {
                continue;
            }
        }
        let their_profile: BTreeSet<&str> = profile.topics.iter().map(String::as_str).collect();
        let shared_topics = rarity.shared(&my_profile, &their_profile)?;
        let shared_weight: f64 = shared_topics.iter().map(|t| t.rarity).sum();
        let their_weight: f64 = their_profile.iter().map(|t| rarity.of(t)).sum();
        let union_weight = my_profile_weight + their_weight - shared_weight;
        let mut pairs = acc.pairs;
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| (&a.1, &a.2).cmp(&(&b.1, &b.2))));
        pairs.truncate(PROJECT_PAIRS_KEPT);
        let project_label = |id: &str| -> DbResult<Labelled> {
            let title = my_projects.get(id).map(|(title, _)| title.clone()).or_else(|| names.get(id).cloned());
            labelled(id, title)
        };
        let person = |id: &String| labelled(id, names.get(id).cloned());
        candidates.push(PeerFeatures {
            lotse: labelled(&profile.id, Some(profile.name))?,
            municipality: labelled(&profile.municipality, Some(profile.municipality_name))?,
            population: population(profile.population),
            distance_km,
            topic_overlap: if union_weight > 0.0 { shared_weight / union_weight } else { 0.0 },
            shared_topics,
            project_pairs: pairs
                .into_iter()
                .map(|(similarity, mine, theirs)| {
                    Ok(ProjectPair { mine: project_label(&mine)?, theirs: project_label(&theirs)?, similarity })
                })
                .collect::<DbResult<_>>()?,
            mutual_contacts: acc.contacts.iter().map(person).collect::<DbResult<_>>()?,
            mutual_collaborators: acc.collaborators.iter().map(person).collect::<DbResult<_>>()?,
        });
    }
    candidates.sort_by(|a, b| a.lotse.id.cmp(&b.lotse.id));
    Ok(PeerCandidates { population: population(origin.population), candidates })
}

#[derive(Deserialize)]
struct ProjectOrigin {
    population: Option<i64>,
    lat: Option<f64>,
    lon: Option<f64>,
    topics: Vec<Positioned>,
    candidates: Vec<ProjectRow>,
}

#[derive(Deserialize)]
struct ProjectRow {
    id: String,
    title: String,
    status: String,
    municipality: String,
    municipality_name: String,
    population: Option<i64>,
    lat: Option<f64>,
    lon: Option<f64>,
    topics: Vec<Positioned>,
}

fn status(raw: &str) -> DbResult<ProjectStatus> {
    serde_json::from_value(json!(raw))
        .map_err(|e| StoreError::Internal(format!("stored project status '{raw}' is unknown: {e}")).into())
}

/// Projects of other municipalities sharing at least one topic, with their cosine similarity.
pub async fn projects(tx: &mut Tx, project: &Id) -> DbResult<ProjectCandidates> {
    let rows: Vec<ProjectOrigin> = tx.rows(cypher(PROJECT_CANDIDATES, json!({ "project": project.as_str() }))?).await?;
    let origin = rows.into_iter().next().ok_or_else(|| StoreError::not_found(NodeKind::Project, project))?;
    let origin_topics = ordered(origin.topics);
    let mut others: Vec<(ProjectRow, Vec<String>)> = origin
        .candidates
        .into_iter()
        .map(|mut row| {
            let topics = ordered(std::mem::take(&mut row.topics));
            (row, topics)
        })
        .collect();
    others.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let all_topics = origin_topics.iter().chain(others.iter().flat_map(|(_, t)| t.iter())).map(String::as_str);
    let rarity = Rarity::load(tx, all_topics).await?;
    let home = location(origin.lat, origin.lon);
    let origin_set: BTreeSet<&str> = origin_topics.iter().map(String::as_str).collect();
    let mut candidates = Vec::with_capacity(others.len());
    for (other, topics) in &others {
        candidates.push(ProjectFeatures {
            project: labelled(&other.id, Some(other.title.clone()))?,
            municipality: labelled(&other.municipality, Some(other.municipality_name.clone()))?,
            status: status(&other.status)?,
            population: population(other.population),
            distance_km: distance(home, location(other.lat, other.lon)),
            similarity: rarity.similarity(&origin_topics, topics),
            shared_topics: rarity.shared(&origin_set, &topics.iter().map(String::as_str).collect())?,
        });
    }
    Ok(ProjectCandidates { population: population(origin.population), candidates })
}

#[derive(Deserialize)]
struct AdviceRow {
    candidates: Vec<AdviceMunicipality>,
}

#[derive(Deserialize)]
struct AdviceMunicipality {
    id: String,
    name: String,
    population: Option<i64>,
    lotsen: i64,
    competences: Vec<String>,
    needs: Vec<Need>,
}

#[derive(Deserialize)]
struct Need {
    topic: String,
    topic_name: Option<String>,
    project: String,
    title: String,
    idx: Option<i64>,
}

/// Municipalities in the expert's area, with the expert's topics their projects touch.
pub async fn advice(tx: &mut Tx, expert: &Id) -> DbResult<AdviceCandidates> {
    let rows: Vec<AdviceRow> = tx.rows(cypher(ADVICE_CANDIDATES, json!({ "expert": expert.as_str() }))?).await?;
    let row = rows.into_iter().next().ok_or_else(|| StoreError::not_found(NodeKind::Expert, expert))?;
    let mut municipalities = row.candidates;
    municipalities.sort_by(|a, b| a.id.cmp(&b.id));
    let mut candidates = Vec::with_capacity(municipalities.len());
    for municipality in municipalities {
        let mut needs = municipality.needs;
        needs.sort_by(|a, b| (&a.project, a.idx).cmp(&(&b.project, b.idx)));
        let mut topic_names: HashMap<&str, Option<String>> = HashMap::new();
        let mut projects_by_topic: BTreeMap<&str, Vec<Labelled>> = BTreeMap::new();
        for need in &needs {
            topic_names.insert(&need.topic, need.topic_name.clone());
            projects_by_topic.entry(&need.topic).or_default().push(labelled(&need.project, Some(need.title.clone()))?);
        }
        if projects_by_topic.is_empty() {
            continue;
        }
        let competent: HashSet<&str> = municipality.competences.iter().map(String::as_str).collect();
        let topic = |id: &str| labelled(id, topic_names.get(id).cloned().flatten());
        let (covered, gaps): (Vec<_>, Vec<_>) = projects_by_topic.into_iter().partition(|(t, _)| competent.contains(t));
        candidates.push(AdviceFeatures {
            municipality: labelled(&municipality.id, Some(municipality.name))?,
            population: population(municipality.population),
            lotse_count: count(municipality.lotsen),
            gaps: gaps
                .into_iter()
                .map(|(id, projects)| Ok(TopicGap { topic: topic(id)?, projects }))
                .collect::<DbResult<_>>()?,
            covered: covered.into_iter().map(|(id, _)| topic(id)).collect::<DbResult<_>>()?,
        });
    }
    Ok(AdviceCandidates { candidates })
}

#[derive(Deserialize)]
struct ExpertRow {
    needed: Vec<String>,
    experts: Vec<ExpertEntry>,
}

#[derive(Deserialize)]
struct ExpertEntry {
    id: String,
    name: String,
    organization: Option<String>,
    organization_name: Option<String>,
    topics: Vec<String>,
    serves_target: bool,
}

/// Experts in any topic the target needs, and whether they serve the target's area.
pub async fn experts(tx: &mut Tx, target: &ExpertTarget) -> DbResult<ExpertCandidates> {
    let (kind, id, name) = match target {
        ExpertTarget::Project(id) => (NodeKind::Project, id, "project"),
        ExpertTarget::Municipality(id) => (NodeKind::Municipality, id, "municipality"),
    };
    let rows: Vec<ExpertRow> =
        tx.rows(cypher(EXPERT_CANDIDATES, json!({ "target": id.as_str(), "kind": name }))?).await?;
    let row = rows.into_iter().next().ok_or_else(|| StoreError::not_found(kind, id))?;
    let needed: BTreeSet<&str> = row.needed.iter().map(String::as_str).collect();
    let rarity = Rarity::load(tx, needed.iter().copied()).await?;
    let needed_rarity = needed.iter().map(|t| rarity.of(t)).sum();
    let mut experts = row.experts;
    experts.sort_by(|a, b| a.id.cmp(&b.id));
    let candidates = experts
        .into_iter()
        .map(|expert| {
            let organization = match expert.organization {
                Some(id) => Some(labelled(&id, expert.organization_name)?),
                None => None,
            };
            Ok(ExpertFeatures {
                expert: labelled(&expert.id, Some(expert.name))?,
                organization,
                shared_topics: rarity.shared(&needed, &expert.topics.iter().map(String::as_str).collect())?,
                serves_target: expert.serves_target,
            })
        })
        .collect::<DbResult<_>>()?;
    Ok(ExpertCandidates { needed_rarity, candidates })
}
