//! Word lists for synthetic people and places: first and last names, positions in the
//! town hall, the parts German place names are built from, and department phrases.

pub(super) const FEMALE_FIRST_NAMES: &[&str] = &[
    "Anna", "Andrea", "Annette", "Aylin", "Barbara", "Birgit", "Carolin", "Christina", "Claudia", "Daniela",
    "Doris", "Elena", "Elke", "Eva", "Franziska", "Gabriele", "Hannah", "Heike", "Ingrid", "Jana", "Jasmin",
    "Jessica", "Johanna", "Julia", "Jutta", "Katharina", "Kerstin", "Laura", "Lea", "Lena", "Lisa", "Maria",
    "Martina", "Melanie", "Miriam", "Monika", "Nadine", "Natalia", "Nicole", "Petra", "Regina", "Sabine",
    "Sandra", "Sarah", "Selin", "Silke", "Simone", "Sophie", "Stefanie", "Susanne", "Tanja", "Theresa", "Ute",
    "Vanessa", "Verena",
];

pub(super) const MALE_FIRST_NAMES: &[&str] = &[
    "Alexander", "Andreas", "Armin", "Benjamin", "Bernd", "Christian", "Daniel", "David", "Dieter", "Dominik",
    "Emre", "Fabian", "Felix", "Florian", "Frank", "Harald", "Holger", "Jan", "Jens", "Joachim", "Johannes",
    "Jonas", "Jürgen", "Klaus", "Luca", "Lukas", "Manuel", "Marco", "Markus", "Martin", "Matthias", "Mehmet",
    "Michael", "Moritz", "Niklas", "Oliver", "Patrick", "Peter", "Philipp", "Rainer", "Ralf", "Sebastian",
    "Simon", "Stefan", "Sven", "Thomas", "Timo", "Tobias", "Uwe", "Volker", "Wolfgang",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Albrecht", "Baumann", "Bauer", "Beck", "Becker", "Benz", "Berger", "Böhm", "Braun", "Bühler", "Dietrich",
    "Dürr", "Eisele", "Fischer", "Frank", "Franke", "Fuchs", "Gerber", "Gonser", "Hahn", "Hartmann", "Haug",
    "Häberle", "Hoffmann", "Hofmann", "Holzwarth", "Huber", "Jung", "Kaiser", "Kaya", "Keller", "Kienzle",
    "Klein", "Koch", "Kowalski", "Kraus", "Krause", "Krüger", "Kübler", "Kugler", "Kurz", "Kächele", "Lang",
    "Lange", "Löffler", "Lorenz", "Mack", "Maier", "Maurer", "Mayer", "Meyer", "Möller", "Müller", "Nägele",
    "Neumann", "Nowak", "Öztürk", "Papadopoulos", "Peters", "Pfeiffer", "Rapp", "Richter", "Riedel", "Rieger",
    "Rossi", "Roth", "Sauter", "Schäfer", "Schmid", "Schmitt", "Schneider", "Scholz", "Schröder", "Schulz",
    "Schumacher", "Schuster", "Schwab", "Schwarz", "Seitz", "Simon", "Späth", "Stark", "Straub", "Vetter",
    "Vogel", "Wagenblast", "Wagner", "Walter", "Weber", "Weiß", "Werner", "Winter", "Wolf", "Wörner",
    "Yilmaz", "Ziegler", "Zimmermann",
];

/// A position in the town hall: feminine and masculine title and how often it occurs.
pub(super) struct Position {
    pub female: &'static str,
    pub male: &'static str,
    pub weight: u32,
}

const fn position(female: &'static str, male: &'static str, weight: u32) -> Position {
    Position { female, male, weight }
}

/// The mayor is first: a municipality has only one, and only small ones send them as Lotse.
pub(super) const POSITIONS: &[Position] = &[
    position("Bürgermeisterin", "Bürgermeister", 6),
    position("Digitalisierungsbeauftragte", "Digitalisierungsbeauftragter", 22),
    position("Hauptamtsleiterin", "Hauptamtsleiter", 12),
    position("IT-Koordinatorin", "IT-Koordinator", 14),
    position("Sachbearbeiterin Organisation", "Sachbearbeiter Organisation", 10),
    position("Kämmerin", "Kämmerer", 5),
    position("Leiterin Bürgerbüro", "Leiter Bürgerbüro", 6),
    position("Referentin für Digitalisierung", "Referent für Digitalisierung", 9),
    position("Leiterin Informationstechnik", "Leiter Informationstechnik", 7),
    position("Projektleiterin Smart City", "Projektleiter Smart City", 3),
    position("Sachbearbeiterin Bauverwaltung", "Sachbearbeiter Bauverwaltung", 4),
    position("Informationssicherheitsbeauftragte", "Informationssicherheitsbeauftragter", 3),
];

/// Municipalities below this population may send their mayor as Lotse.
pub(super) const MAYOR_MAX_POPULATION: u32 = 8_000;

pub(super) const PLACE_STEMS: &[&str] = &[
    "Aich", "Ammer", "Angel", "Asch", "Asp", "Aub", "Bal", "Bär", "Beben", "Bempf", "Berken", "Bib", "Bietig",
    "Birk", "Bitz", "Blau", "Brach", "Breiten", "Brett", "Buch", "Burg", "Dacht", "Dettel", "Dieten", "Dorn",
    "Eber", "Eck", "Egg", "Eich", "Ell", "Empf", "Engel", "Erb", "Erlen", "Esch", "Ett", "Fahr", "Falken",
    "Fisch", "Forch", "Frick", "Fried", "Gais", "Geis", "Gern", "Glatt", "Gom", "Grafen", "Gruib", "Gutt",
    "Hafer", "Hagen", "Hart", "Hasel", "Hatz", "Heil", "Herbr", "Hirsch", "Hoch", "Holz", "Horn", "Hütt",
    "Igel", "Ill", "Jettel", "Kalt", "Kapp", "Kirch", "Kling", "Königs", "Kress", "Kupfer", "Lauf", "Leim",
    "Linden", "Loch", "Lorch", "Mark", "Mengen", "Merk", "Mittel", "Möss", "Mühl", "Nuss", "Offen", "Ostel",
    "Pfaffen", "Pfinz", "Rams", "Reich", "Renn", "Rieth", "Rohr", "Rosen", "Rot", "Salz", "Sand", "Schaf",
    "Schön", "Schwann", "Seel", "Sonnen", "Stein", "Stock", "Sulz", "Tann", "Tiefen", "Trochtel", "Uhl",
    "Vöhr", "Wald", "Wart", "Weil", "Weiss", "Wendel", "Wies", "Wolfs", "Zaber", "Zell",
];

pub(super) const PLACE_ENDINGS: &[&str] = &[
    "bach", "heim", "hausen", "ingen", "dorf", "weiler", "stetten", "hofen", "berg", "feld", "au", "tal",
    "wangen", "beuren", "bronn", "zell", "furt", "kirch",
];

pub(super) const PLACE_PREFIXES: &[&str] = &["Ober", "Unter", "Neu", "Alt", "Groß", "Klein", "Hohen", "Nieder"];

/// Suffixes that tell apart places of the same name once the plain names run out.
pub(super) const PLACE_RIVERS: &[&str] = &[
    "am Neckar", "an der Donau", "an der Jagst", "am Kocher", "an der Enz", "an der Murr", "an der Fils",
    "an der Rems", "an der Tauber", "an der Brenz", "an der Lauter", "an der Elz", "an der Kinzig",
    "an der Nagold", "an der Iller", "an der Glems",
];

/// Landscape names of synthetic planning regions: a direction and a landscape.
pub(super) const LANDSCAPE_PREFIXES: &[&str] = &["Nord", "Süd", "Ost", "West", "Ober", "Unter", "Mittel", "Hoch"];
pub(super) const LANDSCAPES: &[&str] = &[
    "heide", "wald", "land", "gau", "mark", "tal", "berg", "see", "feld", "moor", "marsch", "hügelland",
    "bergland", "auen",
];

/// Where in the town hall a project happens, as a dative phrase for titles.
pub(super) const DEPARTMENTS: &[&str] = &[
    "im Bauamt",
    "im Bürgerbüro",
    "im Ordnungsamt",
    "im Standesamt",
    "im Hauptamt",
    "in der Kämmerei",
    "im Personalamt",
    "in der gesamten Verwaltung",
];

pub(super) const PARTNERS: &[&str] = &[
    "dem Landratsamt",
    "Komm.ONE",
    "den Nachbargemeinden",
    "einem externen Dienstleister",
    "der Digitalakademie@bw",
    "dem Gemeinderat",
    "dem kommunalen Rechenzentrum",
];

pub(super) const PAUSE_REASONS: &[&str] = &[
    "die Fördermittel noch nicht bewilligt sind",
    "die Stelle der Projektleitung neu besetzt wird",
    "zunächst die technischen Grundlagen geschaffen werden müssen",
    "der Anbieter der Software gewechselt wird",
    "der Haushalt noch nicht genehmigt ist",
];

pub(super) const MONTHS: [&str; 12] = [
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
    "Dezember",
];
