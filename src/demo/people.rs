//! Lotsen, spread over the municipalities by size, and the experts who advise them.

use std::collections::BTreeMap;

use rand::Rng as _;
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;

use super::names::{FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES, MAYOR_MAX_POPULATION, POSITIONS};
use super::places::{BW_LAND_CODE, Geography};
use super::topics::{ORGANIZATIONS, Taxonomy};
use super::{Rng, name, numbered, organization_id, slug};
use crate::domain::{Email, Expert, Id, Lotse, Phone, Visibility};

/// Share of municipalities with at least one Lotse.
const COVERAGE: f64 = 0.78;
/// Population of the municipality the first Lotse, the one the README shows, works for.
const DEMO_POPULATION: f64 = 30_000.0;

pub(super) struct Person {
    pub node: Lotse,
    pub place: usize,
    /// Indices into the taxonomy.
    pub topics: Vec<usize>,
    pub first_name: &'static str,
}

pub(super) struct Staff {
    pub people: Vec<Person>,
    /// Lotsen per municipality and per district, by index.
    pub by_place: Vec<Vec<usize>>,
    pub by_district: Vec<Vec<usize>>,
}

pub(super) fn lotsen(geography: &Geography, taxonomy: &Taxonomy, count: usize, rng: &mut Rng) -> Staff {
    let headcount = headcount(geography, count, rng);
    let positions = WeightedIndex::new(POSITIONS.iter().map(|p| p.weight)).expect("position weights are positive");
    let extra_topics = WeightedIndex::new([30, 35, 22, 13]).expect("fixed weights are positive");
    let demo = demo_place(geography, &headcount);
    let order = demo.into_iter().chain((0..headcount.len()).filter(|&p| Some(p) != demo));
    let mut people: Vec<Person> = Vec::with_capacity(count);
    let mut by_place = vec![Vec::new(); geography.places.len()];
    let mut by_district = vec![Vec::new(); geography.districts.len()];
    for place in order {
        let town = &geography.places[place];
        let area_code = &geography.districts[town.district].area_code;
        let mut mailboxes: BTreeMap<String, usize> = BTreeMap::new();
        let mut mayor_taken = false;
        for _ in 0..headcount[place] {
            let index = people.len();
            let female = rng.gen_bool(0.5);
            let first_name = first_name(rng, female);
            let last_name = *LAST_NAMES.choose(rng).expect("the list of last names is not empty");
            let mut position = positions.sample(rng);
            if position == 0 && (mayor_taken || town.population >= MAYOR_MAX_POPULATION) {
                position = 1;
            }
            mayor_taken |= position == 0;
            let title = if female { POSITIONS[position].female } else { POSITIONS[position].male };
            let mailbox = mailbox(&mut mailboxes, first_name, last_name);
            let email = Email::parse_field("email", &format!("{mailbox}@{}.de", town.slug))
                .expect("mailbox and domain are ASCII slugs");
            let phone = rng.gen_bool(0.85).then(|| phone(rng, area_code));
            let mut topics = vec![taxonomy.popular(rng)];
            let more = extra_topics.sample(rng);
            let family = taxonomy.parent[topics[0]];
            taxonomy.add_related(rng, &mut topics, more, |t| if taxonomy.parent[t] == family { 4 } else { 1 });
            let visibility = match rng.gen_range(0..100) {
                // The first Lotse is the README's example and must be findable.
                _ if index == 0 => Visibility::Network,
                0..90 => Visibility::Network,
                90..97 => Visibility::ContactsOnly,
                _ => Visibility::Hidden,
            };
            let node = Lotse {
                id: numbered("lotse", index + 1, count, 4),
                name: name(&format!("{first_name} {last_name}")),
                municipality: town.node.id.clone(),
                position: Some(name(title)),
                email: Some(email),
                phone,
                topics: topics.iter().map(|&t| taxonomy.ids[t].clone()).collect(),
                visibility,
                updated_at: None,
            };
            people.push(Person { node, place, topics, first_name });
            by_place[place].push(index);
            by_district[town.district].push(index);
        }
    }
    Staff { people, by_place, by_district }
}

/// Lotsen per municipality: most municipalities have one, larger ones are likelier to and
/// get more.
fn headcount(geography: &Geography, count: usize, rng: &mut Rng) -> Vec<usize> {
    let places = &geography.places;
    let mut headcount = vec![0; places.len()];
    if places.is_empty() || count == 0 {
        return headcount;
    }
    let covered = ((places.len() as f64 * COVERAGE).round() as usize).clamp(1, places.len()).min(count);
    // Weighted sampling without replacement (Efraimidis–Spirakis): the largest keys win.
    let mut keys: Vec<(f64, usize)> = places
        .iter()
        .enumerate()
        .map(|(i, p)| ((1.0 - rng.r#gen::<f64>()).ln() / f64::from(p.population).sqrt(), i))
        .collect();
    keys.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = keys[..covered].iter().map(|&(_, i)| i).collect();
    chosen.sort_unstable();
    for &i in &chosen {
        headcount[i] = 1;
    }
    let weights = chosen.iter().map(|&i| f64::from(places[i].population).powf(0.75));
    let more = WeightedIndex::new(weights).expect("populations are positive");
    for _ in covered..count {
        headcount[chosen[more.sample(rng)]] += 1;
    }
    headcount
}

/// The staffed municipality in Baden-Württemberg closest in size to a mid-sized town.
fn demo_place(geography: &Geography, headcount: &[usize]) -> Option<usize> {
    let key = |i: usize| {
        let place = &geography.places[i];
        let outside_bw = !place.node.ags.as_ref().is_some_and(|ags| ags.as_str().starts_with(BW_LAND_CODE));
        (outside_bw, (f64::from(place.population) / DEMO_POPULATION).ln().abs())
    };
    (0..headcount.len()).filter(|&i| headcount[i] > 0).min_by(|&a, &b| {
        let (a, b) = (key(a), key(b));
        a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
    })
}

fn first_name(rng: &mut Rng, female: bool) -> &'static str {
    let names = if female { FEMALE_FIRST_NAMES } else { MALE_FIRST_NAMES };
    names.choose(rng).expect("the lists of first names are not empty")
}

/// `vorname.nachname`, numbered when the name repeats within one mail domain.
fn mailbox(taken: &mut BTreeMap<String, usize>, first_name: &str, last_name: &str) -> String {
    let plain = format!("{}.{}", slug(first_name), slug(last_name));
    let seen = taken.entry(plain.clone()).or_insert(0);
    *seen += 1;
    if *seen == 1 { plain } else { format!("{plain}{seen}") }
}

/// A German landline number; shorter area codes come with longer subscriber numbers.
fn phone(rng: &mut Rng, area_code: &str) -> Phone {
    let digits = 10 - area_code.len() as u32;
    let number = rng.gen_range(10u64.pow(digits - 1)..10u64.pow(digits));
    Phone::parse_field("phone", &format!("+49 {area_code} {number}")).expect("digits and spaces make a phone number")
}

pub(super) fn experts(geography: &Geography, taxonomy: &Taxonomy, count: usize, rng: &mut Rng) -> Vec<Expert> {
    let parents = taxonomy.parents();
    let mut mailboxes: BTreeMap<String, usize> = BTreeMap::new();
    (0..count)
        .map(|i| {
            let female = rng.gen_bool(0.5);
            let first_name = first_name(rng, female);
            let last_name = *LAST_NAMES.choose(rng).expect("the list of last names is not empty");
            let doctor = if rng.gen_bool(0.3) { "Dr. " } else { "" };
            let (organization, domain) = *ORGANIZATIONS.choose(rng).expect("the list of organizations is not empty");
            let mailbox = mailbox(&mut mailboxes, first_name, last_name);
            let email =
                Email::parse_field("email", &format!("{mailbox}@{domain}")).expect("mailbox and domain are ASCII");
            let breadth = if rng.gen_bool(0.7) { 1 } else { 2 };
            let fields: Vec<usize> = parents.choose_multiple(rng, breadth).copied().collect();
            let mut topics = Vec::new();
            let wanted = rng.gen_range(2..=5);
            taxonomy.add_related(rng, &mut topics, wanted, |t| {
                if taxonomy.parent[t].is_some_and(|p| fields.contains(&p)) { 12 } else { 1 }
            });
            Expert {
                id: numbered("expert", i + 1, count, 3),
                name: name(&format!("{doctor}{first_name} {last_name}")),
                email: Some(email),
                organization: Some(organization_id(organization)),
                topics: topics.iter().map(|&t| taxonomy.ids[t].clone()).collect(),
                serves: serves(geography, rng),
                updated_at: None,
            }
        })
        .collect()
}

/// A Regierungsbezirk or Land, or one to three neighbouring planning regions; areas with
/// more municipalities have more experts.
fn serves(geography: &Geography, rng: &mut Rng) -> Vec<Id> {
    let regions = &geography.regions;
    let home = match geography.places.choose(rng) {
        Some(place) => geography.districts[place.district].region,
        None => {
            let planning: Vec<usize> = (0..regions.len()).filter(|&r| regions[r].parent.is_some()).collect();
            *planning.choose(rng).expect("Baden-Württemberg's Regionen always exist")
        }
    };
    let parent = regions[home].parent.expect("districts lie in planning regions, which have a parent");
    if rng.gen_bool(0.25) {
        return vec![regions[parent].node.id.clone()];
    }
    let mut neighbours: Vec<usize> =
        (0..regions.len()).filter(|&r| r != home && regions[r].parent == Some(parent)).collect();
    neighbours.shuffle(rng);
    let more = rng.gen_range(0..=2).min(neighbours.len());
    std::iter::once(home).chain(neighbours.into_iter().take(more)).map(|r| regions[r].node.id.clone()).collect()
}
