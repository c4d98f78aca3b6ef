//! Stage 1 of matchmaking in Neo4j (peers in `peers.rs`). The traversals run in the database
//! (`project_candidates`, `advice_candidates`, `expert_candidates`) and return ids, topic lists
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
pub(super) struct Rarity {
    projects: usize,
    topics: HashMap<String, (Option<String>, usize)>,
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl Rarity {
    pub(super) async fn load(tx: &mut Tx) -> DbResult<Self> {
        let rows: Vec<TopicStatsRow> = tx.rows(cypher(TOPIC_STATS, json!({}))?).await?;
        let row = rows.into_iter().next().ok_or_else(|| StoreError::Internal("topic statistics missing".into()))?;
        Ok(Self {
            projects: count(row.projects),
            topics: row.topics.into_iter().map(|t| (t.id, (t.name, count(t.about)))).collect(),
        })
    }

    pub(super) fn of(&self, topic: &str) -> f64 {
        rarity(self.projects, self.topics.get(topic).map_or(0, |(_, about)| *about))
    }

    /// Euclidean norm of a rarity-weighted topic vector.
    pub(super) fn norm(&self, topics: &[String]) -> f64 {
        topics.iter().map(|t| self.of(t).powi(2)).sum::<f64>().sqrt()
    }

    pub(super) fn label(&self, topic: &str) -> DbResult<Labelled> {
        let name = self.topics.get(topic).and_then(|(name, _)| name.clone());
        labelled(topic, name)
    }

    pub(super) fn shared(&self, mine: &BTreeSet<&str>, theirs: &BTreeSet<&str>) -> DbResult<Vec<SharedTopic>> {
        let mut shared = mine
            .intersection(theirs)
            .map(|t| Ok(SharedTopic { topic: self.label(t)?, rarity: self.of(t) }))
            .collect::<DbResult<Vec<_>>>()?;
        sort_shared(&mut shared);
        Ok(shared)
    }

    /// `sum of the 3 best` needs the dot product in the order of `mine`'s topics.
    pub(super) fn similarity(&self, mine: &[String], theirs: &[String]) -> f64 {
        let theirs_set: HashSet<&str> = theirs.iter().map(String::as_str).collect();
        let dot: f64 = mine.iter().filter(|t| theirs_set.contains(t.as_str())).map(|t| self.of(t).powi(2)).sum();
        dot / (self.norm(mine) * self.norm(theirs))
    }
}

/// An id with the name people read; the id stands in for a missing name.
pub(super) fn labelled(id: &str, name: Option<String>) -> DbResult<Labelled> {
    Ok(Labelled { id: parse_id(id.to_owned())?, name: name.unwrap_or_else(|| id.to_owned()) })
}

pub(super) fn population(raw: Option<i64>) -> Option<u32> {
    raw.and_then(|p| u32::try_from(p).ok())
}

pub(super) fn location(lat: Option<f64>, lon: Option<f64>) -> Option<Coordinates> {
    Coordinates::parse(lat?, lon?).ok()
}

pub(super) fn distance(a: Option<Coordinates>, b: Option<Coordinates>) -> Option<f64> {
    Some(a?.distance_km(&b?))
}

#[derive(Deserialize)]
pub(super) struct Positioned {
    id: String,
    idx: Option<i64>,
}

/// Topic ids in list order.
pub(super) fn ordered(mut topics: Vec<Positioned>) -> Vec<String> {
    topics.sort_by_key(|t| t.idx);
    topics.into_iter().map(|t| t.id).collect()
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

/// Projects of other municipalities sharing at least one topic, with their cosine similarity;
/// with a limit, only those scoring at least the `limit`-th best score (ties included), as the
/// embedded store returns them.
pub async fn projects(tx: &mut Tx, query: &ProjectQuery) -> DbResult<ProjectCandidates> {
    let project = &query.project;
    let rows: Vec<ProjectOrigin> = tx.rows(cypher(PROJECT_CANDIDATES, json!({ "project": project.as_str() }))?).await?;
    let origin = rows.into_iter().next().ok_or_else(|| StoreError::not_found(NodeKind::Project, project))?;
    let origin_topics = ordered(origin.topics);
    let rarity = Rarity::load(tx).await?;
    let home = location(origin.lat, origin.lon);
    let home_population = population(origin.population);
    let mut others = Vec::with_capacity(origin.candidates.len());
    for mut row in origin.candidates {
        let topics = ordered(std::mem::take(&mut row.topics));
        let status = status(&row.status)?;
        let similarity = rarity.similarity(&origin_topics, &topics);
        let distance_km = distance(home, location(row.lat, row.lon));
        let score =
            project_score(similarity, status, context((home_population, population(row.population)), distance_km));
        others.push(ScoredProject { row, topics, status, similarity, distance_km, score });
    }
    if let Some(limit) = query.limit {
        let mut top = TopScores::new(limit);
        others.iter().for_each(|other| top.push(other.score));
        let threshold = top.floor();
        others.retain(|other| other.score >= threshold);
    }
    others.sort_by(|a, b| a.row.id.cmp(&b.row.id));
    let origin_set: BTreeSet<&str> = origin_topics.iter().map(String::as_str).collect();
    let candidates = others
        .into_iter()
        .map(|other| {
            Ok(ProjectFeatures {
                project: labelled(&other.row.id, Some(other.row.title))?,
                municipality: labelled(&other.row.municipality, Some(other.row.municipality_name))?,
                status: other.status,
                population: population(other.row.population),
                distance_km: other.distance_km,
                similarity: other.similarity,
                shared_topics: rarity.shared(&origin_set, &other.topics.iter().map(String::as_str).collect())?,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    Ok(ProjectCandidates { population: home_population, candidates })
}

/// A candidate project with the features its score needs, before the rest are read.
struct ScoredProject {
    row: ProjectRow,
    topics: Vec<String>,
    status: ProjectStatus,
    similarity: f64,
    distance_km: Option<f64>,
    score: f64,
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
    let rarity = Rarity::load(tx).await?;
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
