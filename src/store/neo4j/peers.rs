//! `recommendPeers` in Neo4j. One query finds every Lotse reached from the asking one, one row
//! per project, contact or collaborator reached through; the project pairs and mutual links of
//! each are worked out from those rows. Profiles (place, visibility, topics) are then fetched
//! only for candidates whose score ceiling can still reach the best `limit`, highest first.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Deserialize;
use serde_json::json;

use super::candidates::{Positioned, Rarity, distance, labelled, location, ordered, population};
use super::connect::{DbResult, Tx, cypher};
use crate::domain::{Id, NodeKind};
use crate::matching::*;
use crate::store::StoreError;

const PEER_ORIGIN: &str = include_str!("../../../cypher/peer_origin.cypher");
const PEER_REACH: &str = include_str!("../../../cypher/peer_reach.cypher");
const PEER_PROFILES: &str = include_str!("../../../cypher/peer_profiles.cypher");

/// Profiles fetched in the first round when a limit is given (at least, and at least four
/// times the limit): usually enough to settle the best, so one round trip does.
const FIRST_PROFILES: usize = 64;

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
    via: String,
    through: String,
    /// The contact's or collaborator's name; project titles come with the profiles.
    name: Option<String>,
    /// A project's topic ids in list order.
    topics: Vec<String>,
    peers: Vec<String>,
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
    projects: Vec<ProjectTitle>,
}

#[derive(Deserialize)]
struct ProjectTitle {
    id: String,
    title: String,
}

#[derive(Default)]
struct PeerAcc {
    /// (similarity, my project, their project)
    pairs: Vec<(f64, String, String)>,
    contacts: BTreeSet<String>,
    collaborators: BTreeSet<String>,
}

impl PeerAcc {
    /// Keeps the most similar pairs, most similar first, ties by the ids of both projects.
    fn keep_best_pairs(&mut self) {
        self.pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| (&a.1, &a.2).cmp(&(&b.1, &b.2))));
        self.pairs.truncate(PROJECT_PAIRS_KEPT);
    }

    fn similarities(&self) -> Vec<f64> {
        self.pairs.iter().map(|p| p.0).collect()
    }

    fn links(&self) -> usize {
        self.contacts.len() + self.collaborators.len()
    }
}

/// Peers reached through similar projects, shared contacts or shared collaborators.
///
/// Pairs and links are exact before any profile is read, so `peer_score` with the highest
/// topic overlap and context (both 1) bounds each candidate's score from above. With a limit,
/// profiles are fetched in rounds from the highest bound down until no bound left reaches the
/// best scores found; only candidates scoring at least the last of the best are returned.
pub async fn peers(tx: &mut Tx, query: &PeerQuery) -> DbResult<PeerCandidates> {
    let me = query.lotse.as_str();
    let origins: Vec<PeerOrigin> = tx.rows(cypher(PEER_ORIGIN, json!({ "lotse": me }))?).await?;
    let origin = origins.into_iter().next().ok_or_else(|| StoreError::not_found(NodeKind::Lotse, &query.lotse))?;
    let rarity = Rarity::load(tx).await?;
    let reach: Vec<ReachRow> = tx.rows(cypher(PEER_REACH, json!({ "lotse": me }))?).await?;

    let my_projects: BTreeMap<String, (String, Vec<String>)> =
        origin.projects.into_iter().map(|p| (p.id, (p.title, ordered(p.topics)))).collect();
    let my_contacts: BTreeSet<&str> = origin.contacts.iter().map(String::as_str).collect();
    let mut people: HashMap<String, String> = HashMap::new();
    let mut found: BTreeMap<String, PeerAcc> = BTreeMap::new();
    for row in reach {
        match row.via.as_str() {
            "project" => {
                let theirs = row.topics;
                let their_set: HashSet<&str> = theirs.iter().map(String::as_str).collect();
                for peer in &row.peers {
                    found.entry(peer.clone()).or_default();
                }
                for (mine, (_, my_topics)) in &my_projects {
                    if !my_topics.iter().any(|t| their_set.contains(t.as_str())) {
                        continue;
                    }
                    let similarity = rarity.similarity(my_topics, &theirs);
                    for peer in &row.peers {
                        let pair = (similarity, mine.clone(), row.through.clone());
                        found.entry(peer.clone()).or_default().pairs.push(pair);
                    }
                }
            }
            via @ ("contact" | "collaborator") => {
                for peer in row.peers {
                    let acc = found.entry(peer).or_default();
                    let links = if via == "contact" { &mut acc.contacts } else { &mut acc.collaborators };
                    links.insert(row.through.clone());
                }
                people.insert(row.through.clone(), row.name.unwrap_or_else(|| row.through.clone()));
            }
            via => return Err(StoreError::Internal(format!("unknown way to reach a peer: {via}")).into()),
        }
    }

    let mut waiting: Vec<(f64, String)> = Vec::new();
    let mut reached: HashMap<String, PeerAcc> = HashMap::new();
    for (id, mut acc) in found {
        if id == me || my_contacts.contains(id.as_str()) {
            continue;
        }
        acc.keep_best_pairs();
        waiting.push((peer_score(&acc.similarities(), 1.0, acc.links(), 1.0), id.clone()));
        reached.insert(id, acc);
    }
    waiting.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));

    let my_profile: BTreeSet<&str> = my_projects
        .values()
        .flat_map(|(_, topics)| topics.iter())
        .chain(origin.competences.iter())
        .map(String::as_str)
        .collect();
    let my_profile_weight: f64 = my_profile.iter().map(|t| rarity.of(t)).sum();
    let home = location(origin.lat, origin.lon);
    let home_population = population(origin.population);
    let person = |id: &String| labelled(id, people.get(id).cloned());

    let mut top = TopScores::new(query.limit.unwrap_or(usize::MAX));
    let mut scored: Vec<(f64, PeerFeatures)> = Vec::new();
    let mut round = query.limit.map_or(waiting.len(), |k| k.saturating_mul(4).max(FIRST_PROFILES));
    let mut next = 0;
    while next < waiting.len() && top.reachable(waiting[next].0) {
        let end = next.saturating_add(round).min(waiting.len());
        let ids: Vec<&str> = waiting[next..end].iter().map(|(_, id)| id.as_str()).collect();
        next = end;
        round = round.saturating_mul(2);
        let params = json!({
            "ids": ids,
            "home": origin.home,
            "within": query.filter.within.as_ref().map(Id::as_str),
            "population_min": query.filter.population_min,
            "population_max": query.filter.population_max,
        });
        let profiles: Vec<PeerProfile> = tx.rows(cypher(PEER_PROFILES, params)?).await?;
        for profile in profiles {
            let Some(acc) = reached.remove(&profile.id) else { continue };
            let distance_km = distance(home, location(profile.lat, profile.lon));
            if let Some(max) = query.filter.max_distance_km
                && distance_km.is_none_or(|d| d > max)
            {
                continue;
            }
            let their_profile: BTreeSet<&str> = profile.topics.iter().map(String::as_str).collect();
            let shared_topics = rarity.shared(&my_profile, &their_profile)?;
            let shared_weight: f64 = shared_topics.iter().map(|t| t.rarity).sum();
            let their_weight: f64 = their_profile.iter().map(|t| rarity.of(t)).sum();
            let topic_overlap = topic_overlap(shared_weight, my_profile_weight, their_weight);
            let place_population = population(profile.population);
            let place = context((home_population, place_population), distance_km);
            let score = peer_score(&acc.similarities(), topic_overlap, acc.links(), place);
            top.push(score);
            let titles: HashMap<&str, &str> =
                profile.projects.iter().map(|p| (p.id.as_str(), p.title.as_str())).collect();
            let project_label = |id: &str| -> DbResult<Labelled> {
                let title = my_projects.get(id).map(|(title, _)| title.as_str()).or_else(|| titles.get(id).copied());
                labelled(id, title.map(str::to_owned))
            };
            let features = PeerFeatures {
                lotse: labelled(&profile.id, Some(profile.name))?,
                municipality: labelled(&profile.municipality, Some(profile.municipality_name))?,
                population: place_population,
                distance_km,
                topic_overlap,
                shared_topics,
                project_pairs: acc
                    .pairs
                    .iter()
                    .map(|(similarity, mine, theirs)| {
                        Ok(ProjectPair {
                            mine: project_label(mine)?,
                            theirs: project_label(theirs)?,
                            similarity: *similarity,
                        })
                    })
                    .collect::<DbResult<_>>()?,
                mutual_contacts: acc.contacts.iter().map(person).collect::<DbResult<_>>()?,
                mutual_collaborators: acc.collaborators.iter().map(person).collect::<DbResult<_>>()?,
            };
            scored.push((score, features));
        }
    }
    let threshold = top.floor();
    let mut candidates: Vec<PeerFeatures> =
        scored.into_iter().filter(|(score, _)| *score >= threshold).map(|(_, features)| features).collect();
    candidates.sort_by(|a, b| a.lotse.id.cmp(&b.lotse.id));
    Ok(PeerCandidates { population: home_population, candidates })
}
