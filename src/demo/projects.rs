//! Projects: led by a Lotse of the owning municipality, about topics the team knows or
//! that are simply popular, so some municipalities lack competence for their own projects.

use chrono::{Datelike, Days, NaiveDate};
use rand::Rng as _;
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;

use super::names::{DEPARTMENTS, MONTHS, PARTNERS, PAUSE_REASONS};
use super::people::Staff;
use super::places::Geography;
use super::topics::{TOPICS, Taxonomy};
use super::{Rng, as_of, date, log_normal, name, numbered, random_day, text};
use crate::domain::{Membership, MunicipalityKind, Project, ProjectRole, ProjectStatus};

/// How many of the README's example Lotse's projects are guaranteed.
const DEMO_PROJECTS: usize = 2;
const INTER_MUNICIPAL_SHARE: f64 = 0.15;

pub(super) fn generate(
    geography: &Geography,
    taxonomy: &Taxonomy,
    staff: &Staff,
    count: usize,
    rng: &mut Rng,
) -> Vec<Project> {
    if count == 0 {
        return Vec::new();
    }
    // Some Lotsen run many projects, most only a few.
    let activity: Vec<f64> = staff.people.iter().map(|_| log_normal(rng, 1.0, 0.9)).collect();
    let leads = WeightedIndex::new(&activity).expect("activities are positive");
    let colleagues = WeightedIndex::new([55, 35, 10]).expect("fixed weights are positive");
    let topic_counts = WeightedIndex::new([45, 40, 15]).expect("fixed weights are positive");
    (0..count)
        .map(|i| {
            let lead = if i < DEMO_PROJECTS { 0 } else { leads.sample(rng) };
            let place = staff.people[lead].place;
            let mut members = vec![lead];
            let locals = &staff.by_place[place];
            let wanted = 1 + colleagues.sample(rng).min(locals.len() - 1);
            while members.len() < wanted {
                let colleague = *locals.choose(rng).expect("the lead works here");
                if !members.contains(&colleague) {
                    members.push(colleague);
                }
            }
            let mut roles = vec![ProjectRole::Member; members.len()];
            roles[0] = ProjectRole::Lead;
            let partner = rng.gen_bool(INTER_MUNICIPAL_SHARE).then(|| neighbour(geography, staff, place, rng)).flatten();
            if let Some(partner) = partner {
                members.push(partner);
                roles.push(if rng.gen_bool(0.6) { ProjectRole::Member } else { ProjectRole::Advisor });
            }

            let mut topics = Vec::new();
            let lead_topics = &staff.people[lead].topics;
            if rng.gen_bool(0.6) {
                topics.push(*lead_topics.choose(rng).expect("every Lotse knows a topic"));
            } else {
                topics.push(taxonomy.popular(rng));
            }
            let family = taxonomy.parent[topics[0]];
            let more = topic_counts.sample(rng);
            taxonomy.add_related(rng, &mut topics, more, |t| {
                let kin = if taxonomy.parent[t] == family { 3 } else { 1 };
                let known = if members.iter().any(|&m| staff.people[m].topics.contains(&t)) { 3 } else { 1 };
                kin * known
            });

            let spec = &TOPICS[topics[0]];
            let title = spec.titles.choose(rng).expect("every leaf topic has titles");
            let title = title.replace("{im}", DEPARTMENTS.choose(rng).expect("departments are listed"));
            let (status, start_date, end_date) = schedule(rng);
            let owner = &geography.places[place].node;
            let art = if owner.kind == MunicipalityKind::Gemeinde { "Gemeinde" } else { "Stadt" };
            let mut description = if rng.gen_bool(0.5) {
                format!("Die {art} {} will {}.", owner.name, spec.goal)
            } else {
                format!("Mit diesem Projekt möchte die {art} {} {}.", owner.name, spec.goal)
            };
            description.push(' ');
            description.push_str(&progress(rng, status, start_date, end_date, art));
            if let Some(partner) = partner {
                let neighbour = &geography.places[staff.people[partner].place].node.name;
                description.push_str(&format!(" Beteiligt ist auch {neighbour}."));
            }

            Project {
                id: numbered("project", i + 1, count, 5),
                title: name(&title),
                description: Some(text(&description)),
                municipality: owner.id.clone(),
                topics: topics.iter().map(|&t| taxonomy.ids[t].clone()).collect(),
                members: members
                    .iter()
                    .zip(roles)
                    .map(|(&m, role)| Membership { lotse: staff.people[m].node.id.clone(), role })
                    .collect(),
                status,
                start_date: Some(start_date),
                end_date,
            }
        })
        .collect()
}

/// A Lotse of another municipality in the same district, if one is found quickly.
fn neighbour(geography: &Geography, staff: &Staff, place: usize, rng: &mut Rng) -> Option<usize> {
    let district = &staff.by_district[geography.places[place].district];
    (0..8).map(|_| *district.choose(rng).expect("the lead works here")).find(|&l| staff.people[l].place != place)
}

/// Status with its start and, for completed projects, end date.
fn schedule(rng: &mut Rng) -> (ProjectStatus, NaiveDate, Option<NaiveDate>) {
    let first = date(2021, 1, 1);
    let yesterday = as_of() - Days::new(1);
    match rng.gen_range(0..100) {
        0..25 => {
            let start = random_day(rng, first, date(2025, 6, 30));
            let end = (start + Days::new(rng.gen_range(90..=900))).min(yesterday);
            (ProjectStatus::Completed, start, Some(end))
        }
        25..75 => (ProjectStatus::Active, random_day(rng, first, yesterday), None),
        75..90 => (ProjectStatus::Planned, random_day(rng, as_of(), date(2026, 12, 31)), None),
        _ => (ProjectStatus::Paused, random_day(rng, first, date(2025, 12, 31)), None),
    }
}

/// A sentence on where the project stands.
fn progress(rng: &mut Rng, status: ProjectStatus, start: NaiveDate, end: Option<NaiveDate>, art: &str) -> String {
    let month_year = |day: NaiveDate| format!("{} {}", MONTHS[day.month0() as usize], day.year());
    match status {
        ProjectStatus::Planned => format!("Der Start ist für {} geplant.", month_year(start)),
        ProjectStatus::Active if rng.gen_bool(0.5) => {
            let partner = PARTNERS.choose(rng).expect("partners are listed");
            format!("Das Projekt läuft seit {} gemeinsam mit {partner}.", month_year(start))
        }
        ProjectStatus::Active => format!("Das Projekt läuft seit {}.", month_year(start)),
        ProjectStatus::Completed => format!(
            "Das Projekt wurde im {} abgeschlossen; ihre Erfahrungen gibt die {art} gern an andere Kommunen weiter.",
            month_year(end.unwrap_or(start))
        ),
        ProjectStatus::Paused => {
            format!("Das Projekt ruht derzeit, weil {}.", PAUSE_REASONS.choose(rng).expect("reasons are listed"))
        }
    }
}
