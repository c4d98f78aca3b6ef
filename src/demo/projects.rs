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
use crate::domain::{Membership, Municipality, MunicipalityKind, Name, Project, ProjectRole, ProjectStatus};

/// The README's example Lotse leads the first projects: one running, one to learn from.
const DEMO_STATUSES: [ProjectStatus; 2] = [ProjectStatus::Active, ProjectStatus::Completed];
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
            let demo = DEMO_STATUSES.get(i).copied();
            let lead = if demo.is_some() { 0 } else { leads.sample(rng) };
            let place = staff.people[lead].place;
            let (members, roles, partner) = team(geography, staff, lead, colleagues.sample(rng), rng);

            let mut topics = Vec::new();
            let lead_topics = &staff.people[lead].topics;
            if demo.is_some() {
                // Distinct topics give the example's projects distinct titles.
                topics.push(lead_topics[i % lead_topics.len()]);
            } else if rng.gen_bool(0.6) {
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
            let status = demo.unwrap_or_else(|| draw_status(rng));
            let (start_date, end_date) = schedule(rng, status);
            let owner = &geography.places[place].node;
            let partner = partner.map(|p| &geography.places[staff.people[p].place].node.name);
            let description = describe(rng, owner, spec.goal, status, (start_date, end_date), partner);

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
                updated_at: None,
            }
        })
        .collect()
}

/// The lead, up to `colleagues` Lotsen of the same municipality and sometimes a Lotse of a
/// neighbouring one (returned separately too), with their roles.
fn team(
    geography: &Geography,
    staff: &Staff,
    lead: usize,
    colleagues: usize,
    rng: &mut Rng,
) -> (Vec<usize>, Vec<ProjectRole>, Option<usize>) {
    let place = staff.people[lead].place;
    let locals = &staff.by_place[place];
    let wanted = 1 + colleagues.min(locals.len() - 1);
    let mut members = vec![lead];
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
    (members, roles, partner)
}

/// A Lotse of another municipality in the same district, if one is found quickly.
fn neighbour(geography: &Geography, staff: &Staff, place: usize, rng: &mut Rng) -> Option<usize> {
    let district = &staff.by_district[geography.places[place].district];
    (0..8).map(|_| *district.choose(rng).expect("the lead works here")).find(|&l| staff.people[l].place != place)
}

fn draw_status(rng: &mut Rng) -> ProjectStatus {
    match rng.gen_range(0..100) {
        0..25 => ProjectStatus::Completed,
        25..75 => ProjectStatus::Active,
        75..90 => ProjectStatus::Planned,
        _ => ProjectStatus::Paused,
    }
}

/// Start and, for completed projects, end date.
fn schedule(rng: &mut Rng, status: ProjectStatus) -> (NaiveDate, Option<NaiveDate>) {
    let first = date(2021, 1, 1);
    let yesterday = as_of() - Days::new(1);
    match status {
        ProjectStatus::Completed => {
            let start = random_day(rng, first, date(2025, 6, 30));
            let end = (start + Days::new(rng.gen_range(90..=900))).min(yesterday);
            (start, Some(end))
        }
        ProjectStatus::Active => (random_day(rng, first, yesterday), None),
        ProjectStatus::Planned => (random_day(rng, as_of(), date(2026, 12, 31)), None),
        ProjectStatus::Paused => (random_day(rng, first, date(2025, 12, 31)), None),
    }
}

/// What the municipality wants, where the project stands and who else takes part.
fn describe(
    rng: &mut Rng,
    owner: &Municipality,
    goal: &str,
    status: ProjectStatus,
    (start, end): (NaiveDate, Option<NaiveDate>),
    partner: Option<&Name>,
) -> String {
    let art = if owner.kind == MunicipalityKind::Gemeinde { "Gemeinde" } else { "Stadt" };
    let mut description = if rng.gen_bool(0.5) {
        format!("Die {art} {} will {goal}.", owner.name)
    } else {
        format!("Mit diesem Projekt möchte die {art} {} {goal}.", owner.name)
    };
    description.push(' ');
    description.push_str(&progress(rng, status, start, end, art));
    if let Some(partner) = partner {
        description.push_str(&format!(" Beteiligt ist auch {partner}."));
    }
    description
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
