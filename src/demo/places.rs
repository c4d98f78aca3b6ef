//! Regions, districts and municipalities: Baden-Württemberg's real Kreise filled with
//! synthetic towns, and synthetic Länder beyond it.

use std::collections::BTreeSet;

use rand::Rng as _;
use rand::seq::SliceRandom;

use super::geography::{GERMANY_LAT, GERMANY_LON, KREISE, Kreis, LAENDER, Land, REGIERUNGSBEZIRKE, REGIONEN};
use super::names::{LANDSCAPE_PREFIXES, LANDSCAPES, PLACE_ENDINGS, PLACE_PREFIXES, PLACE_RIVERS, PLACE_STEMS};
use super::{Rng, coordinates, id, log_normal, name, slug};
use crate::domain::{Ags, District, DistrictKind, Municipality, MunicipalityKind, Region, RegionKind};

/// Baden-Württemberg's municipalities; the geography tables add up to it.
const BW_MUNICIPALITIES: usize = 1_101;
/// The first two digits of every Kreis code and AGS in Baden-Württemberg.
pub(super) const BW_LAND_CODE: &str = "08";
/// Average number of municipalities in a synthetic Landkreis.
const PER_DISTRICT: f64 = 27.0;
/// Average number of Landkreise in a synthetic Land and in one of its planning regions.
const DISTRICTS_PER_LAND: f64 = 24.0;
const DISTRICTS_PER_REGION: usize = 5;

pub(super) struct RegionEntry {
    pub node: Region,
    pub parent: Option<usize>,
}

pub(super) struct DistrictEntry {
    pub node: District,
    /// Index of the Region or planning region.
    pub region: usize,
    pub area_code: String,
}

pub(super) struct Place {
    pub node: Municipality,
    pub district: usize,
    pub population: u32,
    /// The municipality's mail domain without `.de`.
    pub slug: String,
}

#[derive(Default)]
pub(super) struct Geography {
    pub regions: Vec<RegionEntry>,
    pub districts: Vec<DistrictEntry>,
    pub places: Vec<Place>,
}

pub(super) fn generate(municipalities: usize, rng: &mut Rng) -> Geography {
    let mut geography = Geography::default();
    let mut names = NamePool::new(rng);
    baden_wuerttemberg(&mut geography, municipalities.min(BW_MUNICIPALITIES), &mut names, rng);
    if municipalities > BW_MUNICIPALITIES {
        beyond(&mut geography, municipalities - BW_MUNICIPALITIES, &mut names, rng);
    }
    geography
}

fn baden_wuerttemberg(geography: &mut Geography, wanted: usize, names: &mut NamePool, rng: &mut Rng) {
    for (slug, rb) in REGIERUNGSBEZIRKE {
        geography.regions.push(RegionEntry {
            node: Region {
                id: id(format!("rb-{slug}")),
                name: name(&format!("Regierungsbezirk {rb}")),
                kind: RegionKind::Regierungsbezirk,
                parent: None,
                updated_at: None,
            },
            parent: None,
        });
    }
    for (slug, region, rb) in REGIONEN {
        geography.regions.push(RegionEntry {
            node: Region {
                id: id(format!("region-{slug}")),
                name: name(&format!("Region {region}")),
                kind: RegionKind::Region,
                parent: Some(geography.regions[rb].node.id.clone()),
                updated_at: None,
            },
            parent: Some(rb),
        });
    }
    let taken = seats_first(wanted);
    for (kreis, taken) in KREISE.iter().zip(taken) {
        let district = geography.districts.len();
        geography.districts.push(DistrictEntry {
            node: District {
                id: id(format!("kreis-{}", kreis.code)),
                name: name(kreis.name),
                kind: if kreis.stadtkreis { DistrictKind::Stadtkreis } else { DistrictKind::Landkreis },
                region: geography.regions[REGIERUNGSBEZIRKE.len() + kreis.region].node.id.clone(),
                updated_at: None,
            },
            region: REGIERUNGSBEZIRKE.len() + kreis.region,
            area_code: kreis.area_code.to_owned(),
        });
        // Every municipality is drawn even when few are kept, so the kept ones do not
        // depend on how many are wanted.
        let drawn = kreis_places(kreis, district, names, rng);
        geography.places.extend(drawn.into_iter().take(taken));
    }
}

/// How many municipalities of each Kreis to keep: the seats first, then round by round.
fn seats_first(wanted: usize) -> Vec<usize> {
    let mut taken = vec![0; KREISE.len()];
    let mut left = wanted;
    for round in 0.. {
        if left == 0 {
            break;
        }
        for (count, kreis) in taken.iter_mut().zip(&KREISE) {
            if left > 0 && round < kreis.municipalities {
                *count += 1;
                left -= 1;
            }
        }
    }
    taken
}

fn kreis_places(kreis: &Kreis, district: usize, names: &mut NamePool, rng: &mut Rng) -> Vec<Place> {
    let centre = (kreis.lat, kreis.lon);
    if kreis.stadtkreis {
        let ags = format!("{}000", kreis.code);
        return vec![place(kreis.seat, kreis.seat_population, MunicipalityKind::Stadtkreis, &ags, centre, district)];
    }
    (0..kreis.municipalities)
        .map(|i| {
            let ags = format!("{}{:03}", kreis.code, i + 1);
            let location = jitter(rng, centre);
            if i == 0 {
                let kind = town_kind(kreis.seat_population);
                place(kreis.seat, kreis.seat_population, kind, &ags, location, district)
            } else {
                let town = names.draw(rng);
                let population = municipal_population(rng);
                let kind = municipal_kind(rng, population);
                place(&town, population, kind, &ags, location, district)
            }
        })
        .collect()
}

fn beyond(geography: &mut Geography, extra: usize, names: &mut NamePool, rng: &mut Rng) {
    let districts = ((extra as f64 / PER_DISTRICT).round() as usize).max(1);
    let laender = ((districts as f64 / DISTRICTS_PER_LAND).round() as usize).clamp(1, LAENDER.len());
    let per_land = apportion(districts, &LAENDER[..laender].iter().map(|l| l.weight).collect::<Vec<_>>());
    let sizes: Vec<u64> = (0..districts).map(|_| (log_normal(rng, 1_000.0, 0.5) as u64).max(1)).collect();
    let sizes = apportion(extra, &sizes);
    let mut landscapes: Vec<String> = LANDSCAPE_PREFIXES
        .iter()
        .flat_map(|prefix| LANDSCAPES.iter().map(move |landscape| format!("{prefix}{landscape}")))
        .collect();
    landscapes.shuffle(rng);
    let mut sizes = sizes.into_iter();
    for (land, districts) in LAENDER.iter().zip(per_land) {
        let land_index = geography.regions.len();
        geography.regions.push(RegionEntry {
            node: Region {
                id: id(format!("land-{}", land.slug)),
                name: name(land.name),
                kind: RegionKind::Land,
                parent: None,
                updated_at: None,
            },
            parent: None,
        });
        for (r, chunk) in (0..districts).collect::<Vec<_>>().chunks(DISTRICTS_PER_REGION).enumerate() {
            let region_name = match landscapes.pop() {
                Some(landscape) => format!("Region {landscape}"),
                None => format!("Region {} {}", land.name, r + 1),
            };
            let region = geography.regions.len();
            geography.regions.push(RegionEntry {
                node: Region {
                    id: id(format!("region-{}-{:02}", land.code, r + 1)),
                    name: name(&region_name),
                    kind: RegionKind::Region,
                    parent: Some(geography.regions[land_index].node.id.clone()),
                    updated_at: None,
                },
                parent: Some(land_index),
            });
            for &k in chunk {
                let size = sizes.next().expect("one size per district");
                landkreis(geography, land, k, region, size, names, rng);
            }
        }
    }
}

/// A synthetic Landkreis named after its seat, with `size` municipalities.
fn landkreis(
    geography: &mut Geography,
    land: &Land,
    number: usize,
    region: usize,
    size: usize,
    names: &mut NamePool,
    rng: &mut Rng,
) {
    let code = format!("{}{:03}", land.code, 101 + number);
    let (lat_min, lat_max) = (GERMANY_LAT.0 + 0.3, GERMANY_LAT.1 - 0.3);
    let (lon_min, lon_max) = (GERMANY_LON.0 + 0.3, GERMANY_LON.1 - 0.3);
    let centre = (
        (land.lat + rng.gen_range(-1.0..1.0)).clamp(lat_min, lat_max),
        (land.lon + rng.gen_range(-1.3..1.3)).clamp(lon_min, lon_max),
    );
    let district = geography.districts.len();
    let seat = names.draw(rng);
    let seat_population = log_normal(rng, 35_000.0, 0.5).clamp(20_000.0, 120_000.0) as u32;
    let area_code = loop {
        let code = rng.gen_range(2_000..10_000);
        if code / 1_000 != 7 {
            break code.to_string();
        }
    };
    geography.districts.push(DistrictEntry {
        node: District {
            id: id(format!("kreis-{code}")),
            name: name(&format!("Landkreis {seat}")),
            kind: DistrictKind::Landkreis,
            region: geography.regions[region].node.id.clone(),
            updated_at: None,
        },
        region,
        area_code,
    });
    for i in 0..size {
        let ags = format!("{code}{:03}", i + 1);
        let location = jitter(rng, centre);
        let town = if i == 0 {
            place(&seat, seat_population, town_kind(seat_population), &ags, location, district)
        } else {
            let town = names.draw(rng);
            let population = municipal_population(rng);
            place(&town, population, municipal_kind(rng, population), &ags, location, district)
        };
        geography.places.push(town);
    }
}

fn place(
    town: &str,
    population: u32,
    kind: MunicipalityKind,
    ags: &str,
    (lat, lon): (f64, f64),
    district: usize,
) -> Place {
    let ags = Ags::parse_field("ags", ags).expect("a Kreis code and a three-digit number make an AGS");
    Place {
        node: Municipality {
            id: id(format!("gem-{ags}")),
            name: name(town),
            district: id(format!("kreis-{}", &ags.as_str()[..5])),
            ags: Some(ags),
            kind,
            population: Some(population),
            location: Some(coordinates(lat, lon)),
            updated_at: None,
        },
        district,
        population,
        slug: slug(town),
    }
}

/// A point near a district's centre, still inside Germany.
fn jitter(rng: &mut Rng, (lat, lon): (f64, f64)) -> (f64, f64) {
    (
        (lat + rng.gen_range(-0.15..0.15)).clamp(GERMANY_LAT.0, GERMANY_LAT.1),
        (lon + rng.gen_range(-0.2..0.2)).clamp(GERMANY_LON.0, GERMANY_LON.1),
    )
}

fn municipal_population(rng: &mut Rng) -> u32 {
    log_normal(rng, 4_500.0, 0.85).clamp(300.0, 80_000.0) as u32
}

fn town_kind(population: u32) -> MunicipalityKind {
    if population > 20_000 { MunicipalityKind::GrosseKreisstadt } else { MunicipalityKind::Stadt }
}

/// Many, not all, larger municipalities and a few small ones hold town rights.
fn municipal_kind(rng: &mut Rng, population: u32) -> MunicipalityKind {
    let town_share = match population {
        20_001.. => return MunicipalityKind::GrosseKreisstadt,
        8_001.. => 0.6,
        3_000.. => 0.1,
        _ => 0.0,
    };
    if rng.gen_bool(town_share) { MunicipalityKind::Stadt } else { MunicipalityKind::Gemeinde }
}

/// Splits `total` into one share per weight, each at least 1, by largest remainders.
fn apportion(total: usize, weights: &[u64]) -> Vec<usize> {
    assert!(total >= weights.len(), "every share gets at least one");
    let rest = (total - weights.len()) as u64;
    let sum: u64 = weights.iter().sum();
    let mut shares: Vec<usize> = weights.iter().map(|w| 1 + (rest * w / sum) as usize).collect();
    let mut by_remainder: Vec<usize> = (0..weights.len()).collect();
    by_remainder.sort_by_key(|&i| (std::cmp::Reverse(rest * weights[i] % sum), i));
    let missing = total - shares.iter().sum::<usize>();
    for &i in &by_remainder[..missing] {
        shares[i] += 1;
    }
    shares
}

/// Unique synthetic place names: plain names are preferred, names with a prefix such as
/// "Ober-" come second, and names with a river are kept for very large networks.
struct NamePool {
    plain: Vec<String>,
    prefixed: Vec<String>,
    with_river: Option<Vec<String>>,
    bases: Vec<String>,
}

impl NamePool {
    fn new(rng: &mut Rng) -> Self {
        let mut seen: BTreeSet<String> = KREISE.iter().map(|k| k.seat.to_owned()).collect();
        let mut plain: Vec<String> = PLACE_STEMS
            .iter()
            .flat_map(|stem| PLACE_ENDINGS.iter().map(move |ending| format!("{stem}{ending}")))
            .filter(|town| seen.insert(town.clone()))
            .collect();
        let mut prefixed: Vec<String> = PLACE_PREFIXES
            .iter()
            .flat_map(|prefix| plain.iter().map(move |town| format!("{prefix}{}", town.to_lowercase())))
            .filter(|town| seen.insert(town.clone()))
            .collect();
        let bases = plain.iter().chain(&prefixed).cloned().collect();
        plain.shuffle(rng);
        prefixed.shuffle(rng);
        NamePool { plain, prefixed, with_river: None, bases }
    }

    fn draw(&mut self, rng: &mut Rng) -> String {
        let prefer_plain = rng.gen_bool(0.8);
        let (first, second) =
            if prefer_plain { (&mut self.plain, &mut self.prefixed) } else { (&mut self.prefixed, &mut self.plain) };
        if let Some(town) = first.pop().or_else(|| second.pop()) {
            return town;
        }
        let bases = &self.bases;
        let with_river = self.with_river.get_or_insert_with(|| {
            let mut towns: Vec<String> =
                bases.iter().flat_map(|town| PLACE_RIVERS.iter().map(move |river| format!("{town} {river}"))).collect();
            towns.shuffle(rng);
            towns
        });
        with_river.pop().expect("the place names suffice for Scale::MAX_MUNICIPALITIES")
    }
}
