//! Deterministic synthetic networks of Kommunale Digitallotsen for the demo, tests and benchmarks.
//!
//! Baden-Württemberg's real geography is filled with synthetic municipalities, people,
//! projects and connections; larger scales add synthetic Länder. Every stage draws from its
//! own random stream, so a stage's output does not shift when another stage changes size.

mod connections;
mod geography;
mod names;
mod people;
mod places;
mod projects;
#[cfg(test)]
mod tests;
mod topics;

use chrono::{Days, NaiveDate};
use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::{Coordinates, Id, Name, Node, Organization, Text};

/// Size of a generated network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub municipalities: usize,
    pub lotsen: usize,
    pub projects: usize,
    pub experts: usize,
}

impl Scale {
    /// Baden-Württemberg with its 1,101 municipalities.
    pub const BW: Scale = Scale { municipalities: 1_101, lotsen: 1_600, projects: 4_000, experts: 60 };
    /// Germany with about as many municipalities as the real one.
    pub const DE: Scale = Scale { municipalities: 10_800, lotsen: 20_000, projects: 100_000, experts: 400 };
    /// Germany with ten times the Lotsen and projects, for load tests.
    pub const XL: Scale = Scale { municipalities: 10_800, lotsen: 200_000, projects: 1_000_000, experts: 1_000 };

    /// The largest number of municipalities the synthetic names and Kreis codes suffice for.
    pub const MAX_MUNICIPALITIES: usize = 100_000;

    /// The scale called `bw`, `de` or `xl`.
    pub fn parse(name: &str) -> Option<Scale> {
        match name.to_ascii_lowercase().as_str() {
            "bw" => Some(Scale::BW),
            "de" => Some(Scale::DE),
            "xl" => Some(Scale::XL),
            _ => None,
        }
    }
}

/// The network in dependency order: regions (parents first), districts, municipalities,
/// topics, organizations, lotsen, experts, projects, connection requests.
///
/// The same scale and seed always give the same network. Below 1,101 municipalities the
/// whole geography of Baden-Württemberg is kept and its Kreise are filled seat first.
///
/// # Panics
///
/// When the scale asks for more than [`Scale::MAX_MUNICIPALITIES`] municipalities, for
/// Lotsen without municipalities or for projects without Lotsen.
pub fn generate(scale: Scale, seed: u64) -> Vec<Node> {
    assert!(
        scale.municipalities <= Scale::MAX_MUNICIPALITIES,
        "at most {} municipalities can be generated",
        Scale::MAX_MUNICIPALITIES
    );
    assert!(scale.lotsen == 0 || scale.municipalities > 0, "Lotsen need municipalities to work for");
    assert!(scale.projects == 0 || scale.lotsen > 0, "projects need Lotsen to lead them");

    let taxonomy = topics::Taxonomy::new();
    let geography = places::generate(scale.municipalities, &mut stream(seed, 1));
    let staff = people::lotsen(&geography, &taxonomy, scale.lotsen, &mut stream(seed, 2));
    let experts = people::experts(&geography, &taxonomy, scale.experts, &mut stream(seed, 3));
    let projects = projects::generate(&geography, &taxonomy, &staff, scale.projects, &mut stream(seed, 4));
    let requests = connections::generate(&geography, &staff, &mut stream(seed, 5));

    let mut nodes = Vec::with_capacity(
        geography.regions.len()
            + geography.districts.len()
            + geography.places.len()
            + topics::TOPICS.len()
            + topics::ORGANIZATIONS.len()
            + staff.people.len()
            + experts.len()
            + projects.len()
            + requests.len(),
    );
    nodes.extend(geography.regions.into_iter().map(|r| Node::Region(r.node)));
    nodes.extend(geography.districts.into_iter().map(|d| Node::District(d.node)));
    nodes.extend(geography.places.into_iter().map(|p| Node::Municipality(p.node)));
    nodes.extend(taxonomy.nodes().into_iter().map(Node::Topic));
    nodes.extend(topics::ORGANIZATIONS.iter().map(|(org, _)| {
        Node::Organization(Organization { id: organization_id(org), name: name(org), updated_at: None })
    }));
    nodes.extend(staff.people.into_iter().map(|p| Node::Lotse(p.node)));
    nodes.extend(experts.into_iter().map(Node::Expert));
    nodes.extend(projects.into_iter().map(Node::Project));
    nodes.extend(requests.into_iter().map(Node::ConnectionRequest));
    nodes
}

type Rng = ChaCha8Rng;

/// One independent random stream per generation stage.
fn stream(seed: u64, stage: u64) -> Rng {
    let mut rng = Rng::seed_from_u64(seed);
    rng.set_stream(stage);
    rng
}

/// The day the network describes: only planned projects start later.
fn as_of() -> NaiveDate {
    date(2026, 3, 1)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("calendar dates in the generator are valid")
}

/// A uniformly drawn day in `from..=to`.
fn random_day(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = u64::try_from((to - from).num_days()).expect("date ranges in the generator are ascending");
    from + Days::new(rng.gen_range(0..=span))
}

fn id(raw: String) -> Id {
    Id::parse_field("id", &raw).expect("generated ids are short and use only ASCII letters, digits and '-'")
}

/// `prefix-000n`, zero-padded to the width of `count` but at least `min_width` digits.
fn numbered(prefix: &str, n: usize, count: usize, min_width: usize) -> Id {
    let width = count.to_string().len().max(min_width);
    id(format!("{prefix}-{n:0width$}"))
}

fn organization_id(name: &str) -> Id {
    id(format!("org-{}", slug(name)))
}

fn name(raw: &str) -> Name {
    Name::parse_field("name", raw).expect("generated names are short and never blank")
}

fn text(raw: &str) -> Text {
    Text::parse_field("description", raw).expect("generated texts are a few sentences long")
}

/// Rounded to four decimals (about 10 m), as a map would show them.
fn coordinates(lat: f64, lon: f64) -> Coordinates {
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    Coordinates::parse(round(lat), round(lon)).expect("generated places lie in Germany")
}

/// Lower-case ASCII with umlauts spelled out and every other character run turned into '-'.
fn slug(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 4);
    for c in raw.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ if out.ends_with('-') || out.is_empty() => {}
            _ => out.push('-'),
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A log-normally distributed value with the given median; `sigma` is the spread of its log.
fn log_normal(rng: &mut Rng, median: f64, sigma: f64) -> f64 {
    let u: f64 = 1.0 - rng.r#gen::<f64>();
    let v: f64 = rng.r#gen();
    let normal = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
    median * (sigma * normal).exp()
}
