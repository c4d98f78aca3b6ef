//! The topic taxonomy of municipal digitalisation with each topic's popularity, project
//! title templates and goal phrase, and the organizations experts belong to.

use rand::Rng as _;
use rand::distributions::{Distribution, WeightedIndex};

use super::{Rng, id, name, slug};
use crate::domain::{Id, Topic};

/// The topics with their ids and a popularity-weighted draw over the leaves.
pub(super) struct Taxonomy {
    pub ids: Vec<Id>,
    pub parent: Vec<Option<usize>>,
    leaves: Vec<usize>,
    popularity: WeightedIndex<u32>,
}

impl Taxonomy {
    pub fn new() -> Self {
        let ids: Vec<Id> = TOPICS.iter().map(|t| id(format!("topic-{}", slug(t.name)))).collect();
        let parent = TOPICS
            .iter()
            .map(|t| t.parent.map(|p| TOPICS.iter().position(|q| q.name == p).expect("every parent topic is listed")))
            .collect();
        let leaves: Vec<usize> = (0..TOPICS.len()).filter(|&t| TOPICS[t].weight > 0).collect();
        let popularity =
            WeightedIndex::new(leaves.iter().map(|&t| TOPICS[t].weight)).expect("leaf topics have positive weights");
        Taxonomy { ids, parent, leaves, popularity }
    }

    pub fn nodes(&self) -> Vec<Topic> {
        TOPICS
            .iter()
            .zip(&self.ids)
            .zip(&self.parent)
            .map(|((t, id), parent)| Topic {
                id: id.clone(),
                name: name(t.name),
                parent: parent.map(|p| self.ids[p].clone()),
                updated_at: None,
            })
            .collect()
    }

    /// The topics that group others.
    pub fn parents(&self) -> Vec<usize> {
        (0..TOPICS.len()).filter(|&t| self.parent[t].is_none()).collect()
    }

    /// A leaf topic, drawn by popularity.
    pub fn popular(&self, rng: &mut Rng) -> usize {
        self.leaves[self.popularity.sample(rng)]
    }

    /// Adds up to `more` leaf topics not yet in `chosen`, drawn without replacement by
    /// popularity times `boost`.
    pub fn add_related(&self, rng: &mut Rng, chosen: &mut Vec<usize>, more: usize, boost: impl Fn(usize) -> u32) {
        if more == 0 {
            return;
        }
        let mut weights: Vec<u32> =
            self.leaves.iter().map(|&t| if chosen.contains(&t) { 0 } else { TOPICS[t].weight * boost(t) }).collect();
        for _ in 0..more {
            let total: u32 = weights.iter().sum();
            if total == 0 {
                return;
            }
            let mut ticket = rng.gen_range(0..total);
            let drawn = weights
                .iter()
                .position(|&w| {
                    let hit = ticket < w;
                    ticket = ticket.saturating_sub(w);
                    hit
                })
                .expect("the ticket is below the total weight");
            weights[drawn] = 0;
            chosen.push(self.leaves[drawn]);
        }
    }
}

/// A topic: parents have no parent, weight, titles or goal.
pub(super) struct TopicSpec {
    pub name: &'static str,
    pub parent: Option<&'static str>,
    /// How often Lotsen know and projects touch the topic, relative to the others.
    pub weight: u32,
    /// Project titles; `{im}` stands for a department such as "im Bauamt".
    pub titles: &'static [&'static str],
    /// What a project on the topic wants to achieve: completes "Die Gemeinde X will …".
    pub goal: &'static str,
}

const fn parent(name: &'static str) -> TopicSpec {
    TopicSpec { name, parent: None, weight: 0, titles: &[], goal: "" }
}

const fn leaf(
    name: &'static str,
    parent: &'static str,
    weight: u32,
    titles: &'static [&'static str],
    goal: &'static str,
) -> TopicSpec {
    TopicSpec { name, parent: Some(parent), weight, titles, goal }
}

const VERWALTUNG: &str = "Verwaltungsdigitalisierung";
const INFRASTRUKTUR: &str = "Infrastruktur";
const BILDUNG: &str = "Bildung";
const SMART: &str = "Smart City & Region";
const OFFEN: &str = "Offene Verwaltung";
const ORGANISATION: &str = "Organisation & Kompetenzen";

/// Parents first, so every topic's parent precedes it.
pub(super) const TOPICS: &[TopicSpec] = &[
    parent(VERWALTUNG),
    parent(INFRASTRUKTUR),
    parent(BILDUNG),
    parent(SMART),
    parent(OFFEN),
    parent(ORGANISATION),
    leaf(
        "E-Akte",
        VERWALTUNG,
        30,
        &[
            "Einführung der E-Akte {im}",
            "Digitalisierung des Altaktenbestands",
            "E-Akte und digitaler Posteingang {im}",
        ],
        "ihre Akten künftig vollständig elektronisch führen",
    ),
    leaf(
        "OZG-Onlinedienste",
        VERWALTUNG,
        28,
        &[
            "Umsetzung der OZG-Leistungen {im}",
            "Online-Gewerbeanmeldung",
            "Digitale Anmeldung zur Hundesteuer",
            "Online-Antrag für Anwohnerparkausweise",
        ],
        "weitere Verwaltungsleistungen nach dem Onlinezugangsgesetz digital anbieten",
    ),
    leaf(
        "service-bw",
        VERWALTUNG,
        18,
        &[
            "Online-Antrag für Wohngeld über service-bw",
            "Anbindung der Fachverfahren an service-bw",
            "Servicekonto für Bürgerinnen und Bürger über service-bw",
        ],
        "ihre Online-Dienste über das Landesportal service-bw bereitstellen",
    ),
    leaf(
        "E-Rechnung",
        VERWALTUNG,
        12,
        &[
            "Einführung der E-Rechnung in der Kämmerei",
            "Digitaler Rechnungsworkflow mit XRechnung",
            "Automatisierte Rechnungsprüfung",
        ],
        "Rechnungen durchgängig elektronisch empfangen und bearbeiten",
    ),
    leaf(
        "Digitaler Bauantrag",
        VERWALTUNG,
        10,
        &[
            "Digitaler Bauantrag mit dem Virtuellen Bauamt",
            "Elektronische Beteiligung der Fachbehörden im Baugenehmigungsverfahren",
            "Digitale Bauakte für die Baurechtsbehörde",
        ],
        "Bauanträge ohne Medienbruch digital entgegennehmen und bearbeiten",
    ),
    leaf(
        "E-Vergabe",
        VERWALTUNG,
        6,
        &["Einführung einer E-Vergabe-Plattform", "Elektronische Angebotsabgabe für Bauleistungen"],
        "Ausschreibungen vollständig elektronisch abwickeln",
    ),
    leaf(
        "Online-Terminvergabe",
        VERWALTUNG,
        9,
        &["Online-Terminvergabe {im}", "Terminbuchung und Aufrufsystem für das Bürgerbüro"],
        "Wartezeiten im Rathaus durch Online-Termine verkürzen",
    ),
    leaf(
        "Digitale Personalakte",
        VERWALTUNG,
        5,
        &["Einführung der digitalen Personalakte", "Digitales Bewerbermanagement"],
        "ihre Personalverwaltung papierlos organisieren",
    ),
    leaf(
        "Ratsinformationssystem",
        VERWALTUNG,
        6,
        &[
            "Papierlose Gremienarbeit mit dem Ratsinformationssystem",
            "Tablets für den Gemeinderat",
            "Livestream der Gemeinderatssitzungen",
        ],
        "die Arbeit des Gemeinderats papierlos gestalten",
    ),
    leaf(
        "KI in der Verwaltung",
        VERWALTUNG,
        11,
        &[
            "KI-gestützte Bearbeitung des Posteingangs",
            "Erprobung generativer KI {im}",
            "KI-Assistent für Sitzungsvorlagen",
        ],
        "Routineaufgaben der Verwaltung mit künstlicher Intelligenz unterstützen",
    ),
    leaf(
        "Chatbots",
        VERWALTUNG,
        5,
        &["Chatbot für Bürgeranfragen auf der Website", "Chatbot für Fragen zur Abfallentsorgung"],
        "häufige Fragen der Bürgerinnen und Bürger rund um die Uhr beantworten",
    ),
    leaf(
        "Prozessmanagement",
        VERWALTUNG,
        8,
        &[
            "Prozesslandkarte der Verwaltung",
            "Optimierung der Abläufe {im}",
            "Prozessmodellierung als Grundlage der Digitalisierung",
        ],
        "ihre Verwaltungsprozesse erfassen, vereinfachen und digitalisieren",
    ),
    leaf(
        "E-Payment",
        VERWALTUNG,
        4,
        &["Online-Bezahlung von Gebühren mit ePayBL", "Kartenzahlung {im}"],
        "Gebühren online und bargeldlos bezahlbar machen",
    ),
    leaf(
        "Breitband",
        INFRASTRUKTUR,
        14,
        &[
            "Glasfaserausbau in den Ortsteilen",
            "Breitbandversorgung der Gewerbegebiete",
            "Anschluss der Schulen an das Glasfasernetz",
        ],
        "alle Haushalte und Betriebe an schnelles Internet anbinden",
    ),
    leaf(
        "Öffentliches WLAN",
        INFRASTRUKTUR,
        7,
        &["Freies WLAN im Ortskern", "WLAN in öffentlichen Gebäuden", "WLAN-Hotspots an Bushaltestellen"],
        "kostenloses WLAN an zentralen Orten anbieten",
    ),
    leaf(
        "IT-Sicherheit",
        INFRASTRUKTUR,
        13,
        &[
            "Informationssicherheitskonzept nach BSI-Grundschutz",
            "Schulungen zur IT-Sicherheit für alle Beschäftigten",
            "Notfallplan für Cyberangriffe",
        ],
        "ihre IT besser gegen Cyberangriffe schützen",
    ),
    leaf(
        "Cloud & Rechenzentrum",
        INFRASTRUKTUR,
        5,
        &["Migration der Fachverfahren ins Rechenzentrum", "Cloud-Strategie der Verwaltung"],
        "ihren IT-Betrieb sicher und wirtschaftlich aufstellen",
    ),
    leaf(
        "Mobilfunk",
        INFRASTRUKTUR,
        3,
        &["Schließung von Mobilfunklücken", "Standortsuche für Mobilfunkmasten"],
        "Funklöcher im Gemeindegebiet schließen",
    ),
    leaf(
        "Digitale Schule",
        BILDUNG,
        9,
        &["Tablets für die Grundschule", "Digitale Tafeln in allen Klassenzimmern", "IT-Support für die Schulen"],
        "ihre Schulen zeitgemäß digital ausstatten",
    ),
    leaf(
        "Medienentwicklungsplan",
        BILDUNG,
        6,
        &["Medienentwicklungsplan für die Schulen", "Fortschreibung des Medienentwicklungsplans"],
        "die digitale Ausstattung ihrer Schulen planvoll weiterentwickeln",
    ),
    leaf(
        "Digitale Bibliothek",
        BILDUNG,
        3,
        &["Onleihe und digitale Angebote der Bücherei", "Makerspace in der Bücherei"],
        "das Angebot ihrer Bücherei um digitale Medien erweitern",
    ),
    leaf(
        "Smart City",
        SMART,
        7,
        &["Smart-City-Strategie", "Urbane Datenplattform", "Smart-City-Modellprojekt im Ortskern"],
        "Daten und vernetzte Technik für mehr Lebensqualität nutzen",
    ),
    leaf(
        "Sensorik & LoRaWAN",
        SMART,
        6,
        &[
            "LoRaWAN-Sensoren für Pegelstände",
            "Aufbau eines LoRaWAN-Netzes",
            "Sensoren für die Bodenfeuchte im Stadtgrün",
        ],
        "mit einem eigenen Sensornetz Umwelt- und Infrastrukturdaten erfassen",
    ),
    leaf(
        "Smarte Straßenbeleuchtung",
        SMART,
        4,
        &["Intelligente Straßenbeleuchtung mit LED", "Bedarfsgesteuerte Beleuchtung der Radwege"],
        "bei der Straßenbeleuchtung Energie sparen",
    ),
    leaf(
        "Digitaler Zwilling",
        SMART,
        3,
        &["Digitaler Zwilling des Ortskerns", "3D-Stadtmodell für die Stadtplanung"],
        "Planungen an einem digitalen Abbild des Ortes erproben",
    ),
    leaf(
        "Geodaten & GIS",
        SMART,
        6,
        &["Geoportal mit Bebauungsplänen", "Digitales Baumkataster", "Digitales Leitungskataster"],
        "ihre Geodaten für Verwaltung und Öffentlichkeit zugänglich machen",
    ),
    leaf(
        "Mobilität & Parken",
        SMART,
        5,
        &["Digitales Parkleitsystem", "Sensoren für freie Parkplätze", "App für Bürgerbus und Rufbus"],
        "den Parksuchverkehr verringern und Mobilitätsangebote vernetzen",
    ),
    leaf(
        "Energiemonitoring",
        SMART,
        4,
        &["Energiemonitoring der kommunalen Liegenschaften", "Smarte Zähler in Schulen und Hallen"],
        "den Energieverbrauch ihrer Gebäude transparent machen und senken",
    ),
    leaf(
        "Open Data",
        OFFEN,
        5,
        &["Open-Data-Portal", "Haushaltsdaten als Open Data"],
        "ihre Daten offen und maschinenlesbar bereitstellen",
    ),
    leaf(
        "Bürgerbeteiligung",
        OFFEN,
        7,
        &[
            "Online-Bürgerbeteiligung zur Ortskernsanierung",
            "Digitale Jugendbeteiligung",
            "Beteiligungsplattform für Bebauungspläne",
        ],
        "Bürgerinnen und Bürger digital an Planungen beteiligen",
    ),
    leaf(
        "Bürger-App",
        OFFEN,
        6,
        &["Bürger-App mit Mängelmelder", "Gemeinde-App mit Abfallkalender", "Digitaler Dorfplatz"],
        "Informationen und Dienste in einer App bündeln",
    ),
    leaf(
        "Barrierefreiheit",
        OFFEN,
        4,
        &["Barrierefreie Website nach BITV 2.0", "Leichte Sprache auf der Website"],
        "ihre digitalen Angebote für alle zugänglich machen",
    ),
    leaf(
        "Social Media",
        OFFEN,
        5,
        &["Social-Media-Auftritt der Verwaltung", "Social-Media-Leitfaden für die Beschäftigten"],
        "Bürgerinnen und Bürger dort informieren, wo sie unterwegs sind",
    ),
    leaf(
        "Website-Relaunch",
        OFFEN,
        6,
        &["Relaunch der Website", "Neues Content-Management-System für die Website"],
        "ihren Internetauftritt modern und nutzerfreundlich gestalten",
    ),
    leaf(
        "Digitalstrategie",
        ORGANISATION,
        12,
        &["Entwicklung einer Digitalstrategie", "Digitalisierungsfahrplan bis 2030"],
        "ihre Digitalisierung mit einer klaren Strategie steuern",
    ),
    leaf(
        "Change Management",
        ORGANISATION,
        5,
        &["Begleitung des digitalen Wandels in der Verwaltung", "Digitalisierungsteam und Multiplikatoren"],
        "die Beschäftigten aktiv durch den digitalen Wandel begleiten",
    ),
    leaf(
        "Mobiles Arbeiten",
        ORGANISATION,
        6,
        &[
            "Mobiles Arbeiten für die Verwaltung",
            "Dienstvereinbarung zum mobilen Arbeiten",
            "Notebooks und Videokonferenzen für alle Arbeitsplätze",
        ],
        "ortsunabhängiges Arbeiten für ihre Beschäftigten ermöglichen",
    ),
    leaf(
        "Digitale Kompetenzen",
        ORGANISATION,
        7,
        &[
            "Qualifizierungsprogramm Digitale Kompetenzen",
            "Schulungen zu digitalen Werkzeugen {im}",
            "Digitalsprechstunde für Seniorinnen und Senioren",
        ],
        "die digitalen Kompetenzen ihrer Beschäftigten stärken",
    ),
    leaf(
        "Interkommunale Zusammenarbeit",
        ORGANISATION,
        6,
        &[
            "Interkommunale Zusammenarbeit bei der Digitalisierung",
            "Gemeinsamer IT-Verbund mit den Nachbargemeinden",
            "Gemeinsame Stelle für Informationssicherheit",
        ],
        "Digitalisierungsaufgaben gemeinsam mit Nachbarkommunen stemmen",
    ),
    leaf(
        "Wissensmanagement",
        ORGANISATION,
        2,
        &["Wissensmanagement und Intranet", "Einführung eines Intranets"],
        "das Wissen ihrer Beschäftigten sichern und teilen",
    ),
];

/// Organizations of experts: name and mail domain.
pub(super) const ORGANIZATIONS: &[(&str, &str)] = &[
    ("Fraunhofer IAO", "iao.fraunhofer.de"),
    ("Universität Stuttgart IAT", "iat.uni-stuttgart.de"),
    ("Komm.ONE", "komm.one"),
    ("Führungsakademie Baden-Württemberg", "fuehrungsakademie.bwl.de"),
    ("Digitalakademie@bw", "digitalakademie-bw.de"),
    ("Hochschule für öffentliche Verwaltung Kehl", "hs-kehl.de"),
];
