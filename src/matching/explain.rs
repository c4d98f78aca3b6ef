//! Explanations: reason codes with their data, and German sentences for people.

use super::features::*;
use super::{Component, size_similarity};

/// Why a candidate was recommended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum ReasonCode {
    /// Projects with similar topics exist on both sides.
    SimilarProjects,
    /// Both work on or know the same topics.
    SharedTopics,
    /// Both work on or know topics that few projects are about.
    SharedRareTopics,
    /// The title and description of one of their projects resemble one of mine.
    SimilarProjectText,
    /// Both are connected to the same Lotsen.
    MutualContacts,
    /// Both work on projects with the same Lotsen.
    MutualCollaborators,
    /// The municipalities are close to each other.
    Nearby,
    /// The municipalities are of similar size.
    SimilarSize,
    /// The project is completed and can be reused.
    Reusable,
    /// Projects on the expert's topics without local competence.
    TopicGap,
    /// No Lotse works for the municipality yet.
    NoLocalLotse,
    /// The expert is competent in the needed topics.
    ExpertiseMatch,
    /// The expert serves the municipality's district or region.
    ServesRegion,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub code: ReasonCode,
    /// German sentence for this reason.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub reasons: Vec<Reason>,
    /// All reasons as one German paragraph.
    pub summary: String,
}

impl Explanation {
    fn new(reasons: Vec<Reason>) -> Self {
        let summary = reasons.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join(" ");
        Self { reasons, summary }
    }
}

fn reason(code: ReasonCode, text: String) -> Reason {
    Reason { code, text }
}

/// "A", "A und B", "A, B und C".
fn german_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} und {last}", rest.join(", ")),
    }
}

fn percent(x: f64) -> String {
    format!("{} %", (x * 100.0).round())
}

/// Thousands separated by dots, as written in German.
fn german_number(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

const NEARBY_KM: f64 = 50.0;
const SIMILAR_SIZE: f64 = 0.8;
const TOPICS_NAMED: usize = 3;

fn shared_topics_reason(topics: &[SharedTopic], intro: &str) -> Option<Reason> {
    if topics.is_empty() {
        return None;
    }
    let names = german_list(topics.iter().take(TOPICS_NAMED).map(|t| t.topic.name.as_str()));
    let more = topics.len().saturating_sub(TOPICS_NAMED);
    let tail = if more > 0 { format!(" (und {more} weitere)") } else { String::new() };
    Some(reason(ReasonCode::SharedTopics, format!("{intro}: {names}{tail}.")))
}

fn context_reasons(origin: Option<u32>, population: Option<u32>, distance_km: Option<f64>) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if let Some(d) = distance_km.filter(|d| *d <= NEARBY_KM) {
        reasons.push(reason(ReasonCode::Nearby, format!("Nur {} km entfernt.", d.round())));
    }
    if let (Some(sim), Some(p)) = (size_similarity(origin, population), population)
        && sim >= SIMILAR_SIZE
    {
        reasons
            .push(reason(ReasonCode::SimilarSize, format!("Ähnlich große Kommune ({} Einwohner).", german_number(p))));
    }
    reasons
}

fn people(labels: &[Labelled]) -> String {
    german_list(labels.iter().map(|l| l.name.as_str()))
}

/// A topic about at most one project in this many counts as rare.
const RARE_ONE_IN: f64 = 20.0;

/// The reasons of a peer, grouped by the score component they explain, the groups in the
/// order of their contributions (largest first).
pub(super) fn peer(f: &PeerFeatures, origin_population: Option<u32>, components: &[Component]) -> Explanation {
    let contribution = |name: &str| components.iter().find(|c| c.name == name).map_or(0.0, Component::contribution);
    let mut groups: Vec<(f64, Vec<Reason>)> = vec![
        (contribution("walk"), walk_reasons(f)),
        (contribution("text"), text_reasons(f)),
        (contribution("network"), network_reasons(f)),
    ];
    groups.retain(|(c, _)| *c > 0.0);
    groups.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut reasons: Vec<Reason> = groups.into_iter().flat_map(|(_, r)| r).collect();
    reasons.extend(context_reasons(origin_population, f.population, f.distance_km));
    Explanation::new(reasons)
}

/// What carried the walk: similar projects and shared topics, the rare ones when there are.
fn walk_reasons(f: &PeerFeatures) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if let Some(best) = f.project_pairs.first() {
        let more = f.project_pairs.len() - 1;
        let tail = match more {
            0 => String::new(),
            1 => " Ein weiteres Projektpaar ist ähnlich.".to_owned(),
            n => format!(" {n} weitere Projektpaare sind ähnlich."),
        };
        reasons.push(reason(
            ReasonCode::SimilarProjects,
            format!(
                "Das Projekt „{}“ in {} ähnelt Ihrem Projekt „{}“ ({} Übereinstimmung der Themen).{tail}",
                best.theirs.name,
                f.municipality.name,
                best.mine.name,
                percent(best.similarity)
            ),
        ));
    }
    let rare: Vec<SharedTopic> =
        f.shared_topics.iter().filter(|t| t.rarity >= (1.0 + RARE_ONE_IN).ln()).cloned().collect();
    if let Some(mut r) = shared_topics_reason(&rare, "Gemeinsame seltene Themen") {
        r.code = ReasonCode::SharedRareTopics;
        reasons.push(r);
    } else {
        reasons.extend(shared_topics_reason(&f.shared_topics, "Gemeinsame Themen"));
    }
    reasons
}

fn text_reasons(f: &PeerFeatures) -> Vec<Reason> {
    f.text_pair
        .iter()
        .map(|pair| {
            reason(
                ReasonCode::SimilarProjectText,
                format!(
                    "Titel und Beschreibung des Projekts „{}“ ähneln Ihrem Projekt „{}“ ({} Übereinstimmung der Wörter).",
                    pair.theirs.name,
                    pair.mine.name,
                    percent(pair.similarity)
                ),
            )
        })
        .collect()
}

fn network_reasons(f: &PeerFeatures) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if !f.mutual_collaborators.is_empty() {
        reasons.push(reason(
            ReasonCode::MutualCollaborators,
            format!(
                "Arbeitet in Projekten mit {}, mit denen auch Sie zusammenarbeiten.",
                people(&f.mutual_collaborators)
            ),
        ));
    }
    match f.mutual_contacts.len() {
        0 => {}
        1 => reasons.push(reason(
            ReasonCode::MutualContacts,
            format!("1 gemeinsamer Kontakt: {}.", people(&f.mutual_contacts)),
        )),
        n => reasons.push(reason(
            ReasonCode::MutualContacts,
            format!("{n} gemeinsame Kontakte: {}.", people(&f.mutual_contacts)),
        )),
    }
    reasons
}

pub(super) fn project(f: &ProjectFeatures, origin_population: Option<u32>) -> Explanation {
    let mut reasons = vec![reason(
        ReasonCode::SimilarProjects,
        format!(
            "„{}“ in {} stimmt thematisch zu {} überein.",
            f.project.name,
            f.municipality.name,
            percent(f.similarity)
        ),
    )];
    reasons.extend(shared_topics_reason(&f.shared_topics, "Gemeinsame Themen"));
    if f.status == crate::domain::ProjectStatus::Completed {
        reasons.push(reason(
            ReasonCode::Reusable,
            "Das Projekt ist abgeschlossen; seine Ergebnisse lassen sich nachnutzen.".into(),
        ));
    }
    reasons.extend(context_reasons(origin_population, f.population, f.distance_km));
    Explanation::new(reasons)
}

pub(super) fn advice(f: &AdviceFeatures) -> Explanation {
    let mut reasons: Vec<Reason> = f
        .gaps
        .iter()
        .map(|g| {
            let quoted: Vec<String> = g.projects.iter().map(|p| format!("„{}“", p.name)).collect();
            let projects = german_list(quoted.iter().map(String::as_str));
            let noun = if g.projects.len() == 1 { "läuft das Projekt" } else { "laufen die Projekte" };
            reason(
                ReasonCode::TopicGap,
                format!(
                    "Zum Thema {} {noun} {projects}, aber keine Lotsin und kein Lotse vor Ort kennt sich darin aus.",
                    g.topic.name
                ),
            )
        })
        .collect();
    if f.lotse_count == 0 {
        reasons.push(reason(
            ReasonCode::NoLocalLotse,
            format!("{} hat noch keine Digitallotsin und keinen Digitallotsen.", f.municipality.name),
        ));
    }
    Explanation::new(reasons)
}

pub(super) fn expert(f: &ExpertFeatures) -> Explanation {
    let names = german_list(f.shared_topics.iter().map(|t| t.topic.name.as_str()));
    let mut reasons = vec![reason(ReasonCode::ExpertiseMatch, format!("Expertise in {names}."))];
    if f.serves_target {
        reasons.push(reason(ReasonCode::ServesRegion, "Ist für diese Region zuständig.".into()));
    }
    Explanation::new(reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_german() {
        assert_eq!(german_list(["A"]), "A");
        assert_eq!(german_list(["A", "B"]), "A und B");
        assert_eq!(german_list(["A", "B", "C"]), "A, B und C");
    }

    #[test]
    fn numbers_have_thousands_dots() {
        assert_eq!(german_number(1_234_567), "1.234.567");
        assert_eq!(german_number(999), "999");
    }
}
