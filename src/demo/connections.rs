//! Connection requests between Lotsen, mostly to neighbours and to peers with shared topics.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng as _;
use rand::distributions::{Distribution, WeightedIndex};

use super::people::Staff;
use super::places::Geography;
use super::topics::TOPICS;
use super::{Rng, as_of, date, numbered, text};
use crate::domain::{ConnectionRequest, ConnectionStatus, Visibility};

/// Accepted connections the README's example Lotse has at least.
const DEMO_CONNECTIONS: usize = 3;
/// Candidates drawn per request; the one sharing most topics is asked.
const CANDIDATES: usize = 3;
const DAY: i64 = 86_400;

struct Draft {
    from: usize,
    to: usize,
    status: ConnectionStatus,
    created: i64,
    responded: Option<i64>,
    message: Option<String>,
}

/// Where a Lotse looks for peers.
#[derive(Clone, Copy)]
enum Scope {
    District,
    Region,
    Network,
}

/// Who can be asked, and which pairs already have a request.
struct Directory<'a> {
    staff: &'a Staff,
    geography: &'a Geography,
    by_region: Vec<Vec<usize>>,
    /// Pairs (lower index, higher index) that already have a request.
    pairs: BTreeSet<(usize, usize)>,
}

impl Directory<'_> {
    /// The best of a few peers in the scope that can be asked, by shared topics.
    fn peer(&self, rng: &mut Rng, lotse: usize, scope: Scope) -> Option<usize> {
        let place = &self.geography.places[self.staff.people[lotse].place];
        let pool: Option<&[usize]> = match scope {
            Scope::District => Some(&self.staff.by_district[place.district]),
            Scope::Region => Some(&self.by_region[self.geography.districts[place.district].region]),
            Scope::Network => None,
        };
        let people = &self.staff.people;
        let mine = &people[lotse].topics;
        (0..CANDIDATES)
            .map(|_| match pool {
                Some(pool) => pool[rng.gen_range(0..pool.len())],
                None => rng.gen_range(0..people.len()),
            })
            .filter(|&other| {
                other != lotse
                    && people[other].node.visibility == Visibility::Network
                    && !self.pairs.contains(&(lotse.min(other), lotse.max(other)))
            })
            .max_by_key(|&other| {
                let shared = people[other].topics.iter().filter(|t| mine.contains(t)).count();
                (shared, std::cmp::Reverse(other))
            })
    }
}

pub(super) fn generate(geography: &Geography, staff: &Staff, rng: &mut Rng) -> Vec<ConnectionRequest> {
    let people = &staff.people;
    if people.len() < 2 {
        return Vec::new();
    }
    let mut by_region = vec![Vec::new(); geography.regions.len()];
    for (lotse, person) in people.iter().enumerate() {
        by_region[geography.districts[geography.places[person.place].district].region].push(lotse);
    }
    let mut directory = Directory { staff, geography, by_region, pairs: BTreeSet::new() };
    let sent = WeightedIndex::new([10, 25, 30, 20, 15]).expect("fixed weights are positive");
    let mut drafts = Vec::new();
    for from in 0..people.len() {
        for _ in 0..sent.sample(rng) {
            let scope = match rng.gen_range(0..10) {
                0..5 => Scope::District,
                5..8 => Scope::Region,
                _ => Scope::Network,
            };
            let Some(to) = directory.peer(rng, from, scope) else { continue };
            let status = match rng.gen_range(0..100) {
                0..75 => ConnectionStatus::Accepted,
                75..89 => ConnectionStatus::Pending,
                _ => ConnectionStatus::Declined,
            };
            drafts.push(draft(rng, &mut directory, from, to, status));
        }
    }
    // The README's example Lotse needs a few contacts; others reach out to them.
    let mut demo_contacts =
        drafts.iter().filter(|d| d.status == ConnectionStatus::Accepted && (d.from == 0 || d.to == 0)).count();
    for scope in [Scope::District, Scope::Region, Scope::Network] {
        for _ in 0..20 {
            if demo_contacts >= DEMO_CONNECTIONS {
                break;
            }
            if let Some(from) = directory.peer(rng, 0, scope) {
                drafts.push(draft(rng, &mut directory, from, 0, ConnectionStatus::Accepted));
                demo_contacts += 1;
            }
        }
    }
    drafts.sort_by_key(|d| d.created);
    let count = drafts.len();
    drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| ConnectionRequest {
            id: numbered("conn", i + 1, count, 6),
            from: people[d.from].node.id.clone(),
            to: people[d.to].node.id.clone(),
            status: d.status,
            message: d.message.as_deref().map(text),
            created_at: instant(d.created),
            responded_at: d.responded.map(instant),
            updated_at: None,
        })
        .collect()
}

fn draft(rng: &mut Rng, directory: &mut Directory, from: usize, to: usize, status: ConnectionStatus) -> Draft {
    directory.pairs.insert((from.min(to), from.max(to)));
    let start = seconds(date(2022, 1, 1));
    let end = seconds(as_of());
    // Open requests are recent; answered ones are spread over the network's history.
    let created = if status == ConnectionStatus::Pending {
        end - rng.gen_range(DAY..90 * DAY)
    } else {
        rng.gen_range(start..end - 15 * DAY)
    };
    let responded = (status != ConnectionStatus::Pending).then(|| created + rng.gen_range(600..14 * DAY));
    let message = rng.gen_bool(0.6).then(|| message(rng, directory, from, to));
    Draft { from, to, status, created, responded, message }
}

fn message(rng: &mut Rng, directory: &Directory, from: usize, to: usize) -> String {
    let people = &directory.staff.people;
    let (sender, addressee) = (&people[from], &people[to]);
    let shared = sender.topics.iter().find(|t| addressee.topics.contains(t));
    let topic = TOPICS[*shared.unwrap_or(&sender.topics[0])].name;
    let place = &directory.geography.places[sender.place].node.name;
    let greeting = addressee.first_name;
    match rng.gen_range(0..3) {
        0 => format!(
            "Hallo {greeting}, wir beschäftigen uns in {place} gerade mit {topic}. Hätten Sie Zeit für einen kurzen Austausch?"
        ),
        1 => format!(
            "Hallo {greeting}, ich habe Ihr Profil im Lotsennetz gesehen und würde mich gern zum Thema {topic} vernetzen."
        ),
        _ => format!("Viele Grüße aus {place}! Ich freue mich auf den Austausch unter Digitallotsen."),
    }
}

fn seconds(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp()
}

fn instant(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("generated instants lie between 2022 and 2026")
}
