//! Static geography: Baden-Württemberg's Regierungsbezirke, Regionen and Kreise with real
//! names, codes and approximate centres, and the synthetic Länder that extend it to Germany.

/// A Regierungsbezirk: id slug and name.
pub(super) const REGIERUNGSBEZIRKE: [(&str, &str); 4] =
    [("stuttgart", "Stuttgart"), ("karlsruhe", "Karlsruhe"), ("freiburg", "Freiburg"), ("tuebingen", "Tübingen")];

/// A Region (Regionalverband): id slug, name and index of its Regierungsbezirk.
pub(super) const REGIONEN: [(&str, &str, usize); 12] = [
    ("stuttgart", "Stuttgart", 0),
    ("heilbronn-franken", "Heilbronn-Franken", 0),
    ("ostwuerttemberg", "Ostwürttemberg", 0),
    ("mittlerer-oberrhein", "Mittlerer Oberrhein", 1),
    ("rhein-neckar", "Rhein-Neckar", 1),
    ("nordschwarzwald", "Nordschwarzwald", 1),
    ("suedlicher-oberrhein", "Südlicher Oberrhein", 2),
    ("schwarzwald-baar-heuberg", "Schwarzwald-Baar-Heuberg", 2),
    ("hochrhein-bodensee", "Hochrhein-Bodensee", 2),
    ("neckar-alb", "Neckar-Alb", 3),
    ("donau-iller", "Donau-Iller", 3),
    ("bodensee-oberschwaben", "Bodensee-Oberschwaben", 3),
];

/// A Land- or Stadtkreis of Baden-Württemberg.
pub(super) struct Kreis {
    pub code: &'static str,
    pub name: &'static str,
    pub stadtkreis: bool,
    /// Index into [`REGIONEN`].
    pub region: usize,
    pub lat: f64,
    pub lon: f64,
    /// Real number of municipalities; a Stadtkreis is exactly one.
    pub municipalities: usize,
    /// The seat town of a Landkreis, or the city of a Stadtkreis.
    pub seat: &'static str,
    pub seat_population: u32,
    /// Telephone area code without the leading zero.
    pub area_code: &'static str,
}

const fn lk(
    code: &'static str,
    name: &'static str,
    region: usize,
    (lat, lon): (f64, f64),
    municipalities: usize,
    (seat, seat_population): (&'static str, u32),
    area_code: &'static str,
) -> Kreis {
    Kreis { code, name, stadtkreis: false, region, lat, lon, municipalities, seat, seat_population, area_code }
}

const fn sk(
    code: &'static str,
    name: &'static str,
    region: usize,
    (lat, lon): (f64, f64),
    (city, population): (&'static str, u32),
    area_code: &'static str,
) -> Kreis {
    Kreis {
        code,
        name,
        stadtkreis: true,
        region,
        lat,
        lon,
        municipalities: 1,
        seat: city,
        seat_population: population,
        area_code,
    }
}

/// All 44 Kreise; their municipality counts add up to Baden-Württemberg's 1,101.
pub(super) const KREISE: [Kreis; 44] = [
    sk("08111", "Stadtkreis Stuttgart", 0, (48.776, 9.183), ("Stuttgart", 630_000), "711"),
    lk("08115", "Landkreis Böblingen", 0, (48.650, 8.950), 26, ("Böblingen", 51_000), "7031"),
    lk("08116", "Landkreis Esslingen", 0, (48.640, 9.400), 44, ("Esslingen am Neckar", 94_000), "711"),
    lk("08117", "Landkreis Göppingen", 0, (48.650, 9.700), 38, ("Göppingen", 58_000), "7161"),
    lk("08118", "Landkreis Ludwigsburg", 0, (48.930, 9.170), 39, ("Ludwigsburg", 94_000), "7141"),
    lk("08119", "Rems-Murr-Kreis", 0, (48.900, 9.500), 31, ("Waiblingen", 56_000), "7151"),
    sk("08121", "Stadtkreis Heilbronn", 1, (49.142, 9.219), ("Heilbronn", 126_000), "7131"),
    lk("08125", "Landkreis Heilbronn", 1, (49.170, 9.200), 46, ("Neckarsulm", 27_000), "7132"),
    lk("08126", "Hohenlohekreis", 1, (49.270, 9.600), 16, ("Künzelsau", 16_000), "7940"),
    lk("08127", "Landkreis Schwäbisch Hall", 1, (49.100, 9.850), 30, ("Schwäbisch Hall", 41_000), "791"),
    lk("08128", "Main-Tauber-Kreis", 1, (49.600, 9.700), 18, ("Tauberbischofsheim", 13_000), "9341"),
    lk("08135", "Landkreis Heidenheim", 2, (48.680, 10.150), 11, ("Heidenheim an der Brenz", 50_000), "7321"),
    lk("08136", "Ostalbkreis", 2, (48.850, 10.050), 42, ("Aalen", 68_000), "7361"),
    sk("08211", "Stadtkreis Baden-Baden", 3, (48.762, 8.240), ("Baden-Baden", 55_000), "7221"),
    sk("08212", "Stadtkreis Karlsruhe", 3, (49.009, 8.404), ("Karlsruhe", 308_000), "721"),
    lk("08215", "Landkreis Karlsruhe", 3, (49.080, 8.550), 32, ("Bruchsal", 45_000), "7251"),
    lk("08216", "Landkreis Rastatt", 3, (48.800, 8.250), 23, ("Rastatt", 50_000), "7222"),
    sk("08221", "Stadtkreis Heidelberg", 4, (49.399, 8.672), ("Heidelberg", 160_000), "6221"),
    sk("08222", "Stadtkreis Mannheim", 4, (49.488, 8.466), ("Mannheim", 315_000), "621"),
    lk("08225", "Neckar-Odenwald-Kreis", 4, (49.450, 9.300), 27, ("Mosbach", 23_000), "6261"),
    lk("08226", "Rhein-Neckar-Kreis", 4, (49.330, 8.780), 54, ("Sinsheim", 36_000), "7261"),
    sk("08231", "Stadtkreis Pforzheim", 5, (48.892, 8.694), ("Pforzheim", 125_000), "7231"),
    lk("08235", "Landkreis Calw", 5, (48.700, 8.700), 25, ("Calw", 24_000), "7051"),
    lk("08236", "Enzkreis", 5, (48.900, 8.780), 28, ("Mühlacker", 26_000), "7041"),
    lk("08237", "Landkreis Freudenstadt", 5, (48.450, 8.500), 16, ("Freudenstadt", 24_000), "7441"),
    sk("08311", "Stadtkreis Freiburg im Breisgau", 6, (47.999, 7.842), ("Freiburg im Breisgau", 231_000), "761"),
    lk("08315", "Landkreis Breisgau-Hochschwarzwald", 6, (47.900, 7.950), 50, ("Titisee-Neustadt", 12_000), "7651"),
    lk("08316", "Landkreis Emmendingen", 6, (48.150, 7.900), 24, ("Emmendingen", 28_000), "7641"),
    lk("08317", "Ortenaukreis", 6, (48.450, 8.000), 51, ("Offenburg", 61_000), "781"),
    lk("08325", "Landkreis Rottweil", 7, (48.200, 8.600), 21, ("Rottweil", 26_000), "741"),
    lk("08326", "Schwarzwald-Baar-Kreis", 7, (48.000, 8.450), 20, ("Villingen-Schwenningen", 86_000), "7721"),
    lk("08327", "Landkreis Tuttlingen", 7, (47.980, 8.800), 35, ("Tuttlingen", 36_000), "7461"),
    lk("08335", "Landkreis Konstanz", 8, (47.800, 8.900), 25, ("Konstanz", 86_000), "7531"),
    lk("08336", "Landkreis Lörrach", 8, (47.650, 7.750), 35, ("Lörrach", 50_000), "7621"),
    lk("08337", "Landkreis Waldshut", 8, (47.700, 8.200), 32, ("Waldshut-Tiengen", 24_000), "7751"),
    lk("08415", "Landkreis Reutlingen", 9, (48.400, 9.350), 26, ("Reutlingen", 117_000), "7121"),
    lk("08416", "Landkreis Tübingen", 9, (48.480, 8.950), 15, ("Tübingen", 92_000), "7071"),
    lk("08417", "Zollernalbkreis", 9, (48.250, 8.950), 25, ("Balingen", 35_000), "7433"),
    sk("08421", "Stadtkreis Ulm", 10, (48.398, 9.992), ("Ulm", 126_000), "731"),
    lk("08425", "Alb-Donau-Kreis", 10, (48.400, 9.750), 55, ("Ehingen (Donau)", 27_000), "7391"),
    lk("08426", "Landkreis Biberach", 10, (48.100, 9.800), 45, ("Biberach an der Riß", 34_000), "7351"),
    lk("08435", "Bodenseekreis", 11, (47.700, 9.450), 23, ("Friedrichshafen", 62_000), "7541"),
    lk("08436", "Landkreis Ravensburg", 11, (47.800, 9.650), 39, ("Ravensburg", 51_000), "751"),
    lk("08437", "Landkreis Sigmaringen", 11, (48.050, 9.250), 25, ("Sigmaringen", 17_000), "7571"),
];

/// A synthetic Land beyond Baden-Württemberg.
pub(super) struct Land {
    /// Two-digit Land code of its Kreis codes and AGS; never `08`.
    pub code: &'static str,
    pub slug: &'static str,
    pub name: &'static str,
    pub lat: f64,
    pub lon: f64,
    /// Relative number of districts, after the real Länder's sizes.
    pub weight: u64,
}

const fn land(code: &'static str, slug: &'static str, name: &'static str, (lat, lon): (f64, f64), weight: u64) -> Land {
    Land { code, slug, name, lat, lon, weight }
}

/// Fifteen synthetic Länder, placed roughly where the real ones lie.
pub(super) const LAENDER: [Land; 15] = [
    land("01", "kuestenmark", "Land Küstenmark", (54.30, 9.60), 11),
    land("02", "elbmarsch", "Land Elbmarsch", (53.60, 10.00), 4),
    land("03", "heide-weser", "Land Heide-Weser", (52.70, 9.20), 37),
    land("04", "wesermuende", "Land Wesermünde", (53.30, 8.50), 3),
    land("05", "niederrhein-ruhr", "Land Niederrhein-Ruhr", (51.50, 7.30), 31),
    land("06", "mittelhessen", "Land Mittelhessen", (50.60, 8.90), 21),
    land("07", "moselpfalz", "Land Moselpfalz", (49.90, 7.20), 24),
    land("09", "donau-isar", "Freistaat Donau-Isar", (48.50, 12.20), 36),
    land("10", "saar-hunsrueck", "Land Saar-Hunsrück", (49.50, 6.90), 6),
    land("11", "obermain", "Freistaat Obermain", (49.90, 11.20), 35),
    land("12", "havelseen", "Land Havelseen", (52.40, 13.10), 14),
    land("13", "ostseekueste", "Land Ostseeküste", (53.80, 12.50), 8),
    land("14", "elbsandstein", "Freistaat Elbsandstein", (51.00, 13.60), 13),
    land("15", "saale-unstrut", "Land Saale-Unstrut", (51.80, 11.70), 14),
    land("16", "thueringer-hoehen", "Land Thüringer Höhen", (50.80, 11.00), 22),
];

/// Germany's extent, which synthetic places never leave.
pub(super) const GERMANY_LAT: (f64, f64) = (47.3, 55.0);
pub(super) const GERMANY_LON: (f64, f64) = (5.9, 15.0);
