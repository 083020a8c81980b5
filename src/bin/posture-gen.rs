//! `posture-gen`: the deterministic generator of posture's sample data and benchmark
//! corpora. It writes workbooks with posture's own template writer, so the sample data
//! always matches the framework and the workbook layout.
//!
//! `sample` writes the fictional national registry (`agencies.csv`) and two cycles of
//! submissions, with believable differences between agencies, trends, non-submitters and
//! a handful of realistic mistakes; and, under `csirt/`, the CSIRT network's registry
//! (`teams.csv`) and two cycles of self-assessments against `csirt-maturity`. `corpus` writes any number of synthetic workbooks for
//! benchmarks. Randomness comes from splitmix64 seeded by hashing names (agency, cycle,
//! question), never from the clock, so every run gives the same bytes, in any order and
//! on any number of threads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use rayon::prelude::*;

use posture::cycle::Cycle;
use posture::file_name::stem;
use posture::framework::{self, Framework};
use posture::registry::Agency;
use posture::score::{score_batch, AgencyScore};
use posture::workbook::template::verification::{returned_verification_bytes, VerifierInput};
use posture::workbook::template::{
    template_profile, write_atomic, FilledRow, Layout, LevelCell, Template,
};
use posture::workbook::Profile;

#[derive(Parser, Debug)]
#[command(
    name = "posture-gen",
    version,
    about = "Generate posture's sample data and benchmark corpora (deterministic)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write the sample registries and two cycles of submissions (what data/ holds).
    #[command(after_help = "Example:\n  posture-gen sample --out data")]
    Sample {
        /// Output folder; gets agencies.csv, submissions/<cycle>/*.xlsx and csirt/.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write many synthetic, valid submissions for benchmarks.
    #[command(after_help = "Example:\n  posture-gen corpus --count 10000 --out /tmp/corpus")]
    Corpus {
        /// Number of workbooks.
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        /// Output folder; gets agencies.csv and the workbooks.
        #[arg(long)]
        out: PathBuf,
        /// A built-in framework id or a framework file.
        #[arg(long, default_value = "kh-ncmf")]
        framework: String,
        /// Assessment cycle written into every workbook.
        #[arg(long, default_value = "2026")]
        cycle: String,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Sample { out } => sample(&out),
        Command::Corpus {
            count,
            out,
            framework,
            cycle,
        } => corpus(count, &out, &framework, &cycle),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Randomness

/// splitmix64: tiny, well-mixed and fully determined by its seed.
struct Rng(u64);

impl Rng {
    /// A generator seeded from names, so each (agency, cycle, question) has its own
    /// stream regardless of the order in which things are generated.
    fn from_names(names: &[&str]) -> Rng {
        // FNV-1a over the names, with a separator so ("ab","c") differs from ("a","bc").
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for name in names {
            for b in name.bytes().chain([0xff]) {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        Rng(h)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Roughly normal (sum of three uniforms), mean 0, standard deviation `sd`.
    fn noise(&mut self, sd: f64) -> f64 {
        (self.unit() + self.unit() + self.unit() - 1.5) * 2.0 * sd
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------------------
// The fictional national registry

/// (agency_id, name_en, name_km, sector). Ministries and provinces carry their real
/// names; every operator is fictional.
const AGENCIES: &[(&str, &str, &str, &str)] = &[
    (
        "MAFF",
        "Ministry of Agriculture, Forestry and Fisheries",
        "ក្រសួងកសិកម្ម រុក្ខាប្រមាញ់ និងនេសាទ",
        "ministry",
    ),
    ("MOC", "Ministry of Commerce", "ក្រសួងពាណិជ្ជកម្ម", "ministry"),
    (
        "MEF",
        "Ministry of Economy and Finance",
        "ក្រសួងសេដ្ឋកិច្ច និងហិរញ្ញវត្ថុ",
        "ministry",
    ),
    (
        "MOEYS",
        "Ministry of Education, Youth and Sport",
        "ក្រសួងអប់រំ យុវជន និងកីឡា",
        "ministry",
    ),
    (
        "MFAIC",
        "Ministry of Foreign Affairs and International Cooperation",
        "ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ",
        "ministry",
    ),
    ("MOH", "Ministry of Health", "ក្រសួងសុខាភិបាល", "ministry"),
    (
        "MISTI",
        "Ministry of Industry, Science, Technology and Innovation",
        "ក្រសួងឧស្សាហកម្ម វិទ្យាសាស្ត្រ បច្ចេកវិទ្យា និងនវានុវត្តន៍",
        "ministry",
    ),
    ("MOI", "Ministry of Interior", "ក្រសួងមហាផ្ទៃ", "ministry"),
    ("MOJ", "Ministry of Justice", "ក្រសួងយុត្តិធម៌", "ministry"),
    (
        "MLVT",
        "Ministry of Labour and Vocational Training",
        "ក្រសួងការងារ និងបណ្ដុះបណ្ដាលវិជ្ជាជីវៈ",
        "ministry",
    ),
    (
        "MME",
        "Ministry of Mines and Energy",
        "ក្រសួងរ៉ែ និងថាមពល",
        "ministry",
    ),
    (
        "MND",
        "Ministry of National Defence",
        "ក្រសួងការពារជាតិ",
        "ministry",
    ),
    (
        "MPTC",
        "Ministry of Post and Telecommunications",
        "ក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍",
        "ministry",
    ),
    (
        "MPWT",
        "Ministry of Public Works and Transport",
        "ក្រសួងសាធារណការ និងដឹកជញ្ជូន",
        "ministry",
    ),
    ("MOT", "Ministry of Tourism", "ក្រសួងទេសចរណ៍", "ministry"),
    (
        "PRV-BMC",
        "Banteay Meanchey Provincial Administration",
        "រដ្ឋបាលខេត្តបន្ទាយមានជ័យ",
        "province",
    ),
    (
        "PRV-BTB",
        "Battambang Provincial Administration",
        "រដ្ឋបាលខេត្តបាត់ដំបង",
        "province",
    ),
    (
        "PRV-KCM",
        "Kampong Cham Provincial Administration",
        "រដ្ឋបាលខេត្តកំពង់ចាម",
        "province",
    ),
    (
        "PRV-KPT",
        "Kampot Provincial Administration",
        "រដ្ឋបាលខេត្តកំពត",
        "province",
    ),
    (
        "PRV-KDL",
        "Kandal Provincial Administration",
        "រដ្ឋបាលខេត្តកណ្ដាល",
        "province",
    ),
    (
        "PRV-KKG",
        "Koh Kong Provincial Administration",
        "រដ្ឋបាលខេត្តកោះកុង",
        "province",
    ),
    (
        "PRV-PNP",
        "Phnom Penh Capital Administration",
        "រដ្ឋបាលរាជធានីភ្នំពេញ",
        "province",
    ),
    (
        "PRV-SHV",
        "Preah Sihanouk Provincial Administration",
        "រដ្ឋបាលខេត្តព្រះសីហនុ",
        "province",
    ),
    (
        "PRV-RTK",
        "Ratanakiri Provincial Administration",
        "រដ្ឋបាលខេត្តរតនគិរី",
        "province",
    ),
    (
        "PRV-SRP",
        "Siem Reap Provincial Administration",
        "រដ្ឋបាលខេត្តសៀមរាប",
        "province",
    ),
    (
        "EN-ASE",
        "Angkor Solar Energy",
        "ក្រុមហ៊ុនថាមពលព្រះអាទិត្យអង្គរ",
        "energy",
    ),
    (
        "EN-MPD",
        "Mekong Power Distribution",
        "ក្រុមហ៊ុនចែកចាយអគ្គិសនីមេគង្គ",
        "energy",
    ),
    (
        "EN-SGT",
        "Southern Grid Transmission",
        "ក្រុមហ៊ុនបញ្ជូនអគ្គិសនីភាគខាងត្បូង",
        "energy",
    ),
    (
        "EN-TSH",
        "Tonle Sap Hydro Generation",
        "ក្រុមហ៊ុនផលិតវារីអគ្គិសនីទន្លេសាប",
        "energy",
    ),
    ("TEL-APS", "Apsara Mobile", "ក្រុមហ៊ុនទូរស័ព្ទចល័តអប្សរា", "telecom"),
    (
        "TEL-KDC",
        "Khmer Data Centre Services",
        "ក្រុមហ៊ុនសេវាមជ្ឈមណ្ឌលទិន្នន័យខ្មែរ",
        "telecom",
    ),
    (
        "TEL-MFN",
        "Mekong Fibre Networks",
        "ក្រុមហ៊ុនបណ្ដាញខ្សែកាបអុបទិកមេគង្គ",
        "telecom",
    ),
    (
        "TEL-NIX",
        "Naga Internet Exchange",
        "ក្រុមហ៊ុនផ្លាស់ប្ដូរអ៊ីនធឺណិតនាគ",
        "telecom",
    ),
    ("FIN-APY", "Angkor Payments", "ក្រុមហ៊ុនទូទាត់អង្គរ", "finance"),
    (
        "FIN-BCB",
        "Bayon Commercial Bank",
        "ធនាគារពាណិជ្ជបាយ័ន",
        "finance",
    ),
    ("FIN-LIN", "Lotus Insurance", "ក្រុមហ៊ុនធានារ៉ាប់រងឈូក", "finance"),
    (
        "FIN-MRM",
        "Mekong Rural Microfinance",
        "គ្រឹះស្ថានមីក្រូហិរញ្ញវត្ថុជនបទមេគង្គ",
        "finance",
    ),
    (
        "WAT-KSW",
        "Kampong Speu Clean Water",
        "ក្រុមហ៊ុនទឹកស្អាតកំពង់ស្ពឺ",
        "water",
    ),
    (
        "WAT-MRW",
        "Mekong Riverside Water Utility",
        "ក្រុមហ៊ុនផ្គត់ផ្គង់ទឹកមាត់ទន្លេមេគង្គ",
        "water",
    ),
    (
        "WAT-TBW",
        "Tonle Bassac Water Supply",
        "ក្រុមហ៊ុនផ្គត់ផ្គង់ទឹកទន្លេបាសាក់",
        "water",
    ),
];

fn agencies() -> Vec<Agency> {
    registry_of(AGENCIES)
}

/// Registry rows from (id, name_en, name_km, sector).
fn registry_of(rows: &[(&str, &str, &str, &str)]) -> Vec<Agency> {
    rows.iter()
        .map(|(id, en, km, sector)| Agency {
            agency_id: id.to_string(),
            name_en: en.to_string(),
            name_km: Some(km.to_string()),
            sector: sector.to_string(),
        })
        .collect()
}

fn registry_csv(agencies: &[Agency]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["agency_id", "name_en", "name_km", "sector"])?;
    for a in agencies {
        w.write_record([
            a.agency_id.as_str(),
            a.name_en.as_str(),
            a.name_km.as_deref().unwrap_or(""),
            a.sector.as_str(),
        ])?;
    }
    w.into_inner().context("failed to write registry CSV")
}

// ---------------------------------------------------------------------------------------
// How mature each agency is

/// Sector baseline and per-domain offsets (domain id -> offset), on the 0..max scale of a
/// 0-5 framework. Banks are strong on technology, provinces weak on people and skills,
/// telecoms strong technically but light on governance, and so on.
fn sector_profile(sector: &str) -> (f64, &'static [(&'static str, f64)]) {
    match sector {
        "ministry" => (
            2.1,
            &[("PEO", -0.1), ("TEC", -0.1), ("COL", 0.2), ("GOA", 0.4)],
        ),
        "province" => (
            1.3,
            &[("PEO", -0.6), ("TEC", -0.2), ("COL", 0.2), ("GOA", 0.2)],
        ),
        "energy" => (
            2.5,
            &[("PEO", -0.2), ("TEC", 0.3), ("COL", -0.1), ("GOA", 0.1)],
        ),
        "telecom" => (
            2.9,
            &[("PEO", 0.0), ("TEC", 0.6), ("COL", 0.3), ("GOA", -0.3)],
        ),
        "finance" => (
            3.0,
            &[("PEO", 0.0), ("TEC", 0.9), ("COL", -0.3), ("GOA", 0.2)],
        ),
        "water" => (
            1.8,
            &[("PEO", -0.2), ("TEC", -0.3), ("COL", 0.0), ("GOA", 0.1)],
        ),
        // The CSIRT network (csirt-maturity, domains O, H, T, P): the national CERT
        // furthest along, strong on organisation and tools; sector teams behind it. The
        // sector teams of finance, telecom and energy use those sectors' rows above.
        "national" => (3.4, &[("O", 0.4), ("H", 0.0), ("T", 0.3), ("P", -0.2)]),
        "government" => (2.0, &[("O", 0.3), ("H", -0.3), ("T", -0.2), ("P", 0.0)]),
        "academic" => (1.7, &[("O", -0.3), ("H", 0.4), ("T", 0.1), ("P", -0.3)]),
        "health" => (1.3, &[("O", 0.0), ("H", -0.4), ("T", -0.3), ("P", -0.1)]),
        _ => (2.0, &[]),
    }
}

/// Per-question chance of N/A by sector: questions that only apply where an agency runs
/// control systems, develops software, supports elections, and so on.
fn na_chance(sector: &str, question: &str) -> f64 {
    match (question, sector) {
        ("TEC.AM-04", "ministry" | "province" | "finance") => 0.85,
        ("TEC.AM-04", _) => 0.0,
        ("TEC.VM-04", "province" | "water") => 0.6,
        ("TEC.VM-04", _) => 0.1,
        ("TEC.LM-05", "ministry") => 0.6,
        ("TEC.LM-05", "province" | "telecom") => 0.1,
        ("TEC.LM-05", _) => 0.9,
        ("TEC.AV-03", "province" | "water") => 0.3,
        ("TEC.EW-04", "water" | "energy") => 0.2,
        ("COL.SC-04", _) => 0.15,
        _ => 0.0,
    }
}

/// Agencies that lead their sector: a lift on top of the drawn baseline, so that a few
/// reach their sector's target (3 for ministries, 4 for operators) by 2026. Applied after
/// the random draws, so every other agency's character is unchanged.
const LEADERS: &[(&str, f64)] = &[
    ("MPTC", 0.9),
    ("MEF", 0.85),
    ("MAFF", 0.35),
    ("TEL-APS", 0.3),
    ("FIN-APY", 0.3),
];

fn leader_lift(agency_id: &str) -> f64 {
    LEADERS
        .iter()
        .find(|(id, _)| *id == agency_id)
        .map_or(0.0, |(_, lift)| *lift)
}

/// One agency's character: overall offset, per-domain offsets and its trend per cycle.
struct Character {
    base: f64,
    domains: BTreeMap<String, f64>,
    trend: f64,
    /// Share of questions left unanswered.
    blanks: f64,
    /// How the focal point types levels.
    style: Style,
    /// How often an answer at level 3 or above comes with evidence.
    evidence: f64,
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Dropdown,
    Numbers,
    KhmerDigits,
}

fn character(framework: &Framework, agency: &Agency) -> Character {
    let mut rng = Rng::from_names(&["character", &agency.agency_id]);
    let (sector_base, offsets) = sector_profile(&agency.sector);
    let base = sector_base + rng.noise(0.35) + leader_lift(&agency.agency_id);
    let domains = framework
        .domains
        .iter()
        .map(|d| {
            let sector = offsets
                .iter()
                .find(|(id, _)| *id == d.id)
                .map(|(_, o)| *o)
                .unwrap_or(0.0);
            (d.id.clone(), sector + rng.noise(0.3))
        })
        .collect();
    let roll = rng.unit();
    let trend = if roll < 0.45 {
        rng.range(0.25, 0.8)
    } else if roll < 0.8 {
        rng.range(-0.15, 0.15)
    } else {
        rng.range(-0.7, -0.25)
    };
    let blanks = if rng.chance(0.3) {
        rng.range(0.02, 0.12)
    } else {
        0.0
    };
    let style = match rng.unit() {
        r if r < 0.7 => Style::Dropdown,
        r if r < 0.92 => Style::Numbers,
        _ => Style::KhmerDigits,
    };
    // Drawn last, so that the draws above (and every level) stay as they were.
    let evidence = match rng.unit() {
        r if r < 0.6 => rng.range(0.93, 1.0),
        r if r < 0.9 => rng.range(0.75, 0.92),
        _ => rng.range(0.35, 0.55),
    };
    Character {
        base,
        domains,
        trend,
        blanks,
        style,
        evidence,
    }
}

const EVIDENCE_EN: &[&str] = &[
    "Information Security Policy v2, approved by the Minister, 2024-06-12",
    "Annual risk register, reviewed by management in Q4",
    "Training attendance records 2025 (HR department)",
    "CamCERT incident ticket references kept in the IT service desk",
    "Internal audit report IA-2025-07",
    "Asset inventory spreadsheet, updated monthly",
    "Backup restore test log, last test in November",
    "Signed supplier contracts with security clauses",
    "Board minutes recording the cyber risk review",
    "Vulnerability scan reports from the managed security provider",
];

const EVIDENCE_KM: &[&str] = &[
    "គោលនយោបាយសន្តិសុខព័ត៌មាន ដែលបានអនុម័តដោយថ្នាក់ដឹកនាំ",
    "កំណត់ហេតុវគ្គបណ្ដុះបណ្ដាលការយល់ដឹងអំពីសន្តិសុខសាយប័រ ឆ្នាំ២០២៥",
    "របាយការណ៍សវនកម្មផ្ទៃក្នុង",
    "បញ្ជីសារពើភណ្ឌប្រព័ន្ធព័ត៌មានវិទ្យា",
    "កិច្ចព្រមព្រៀងជាមួយ CamCERT ស្ដីពីការរាយការណ៍ឧប្បត្តិហេតុ",
];

const COMMENTS_EN: &[&str] = &[
    "Budget for this was requested for next year.",
    "Only the headquarters does this; provincial offices do not yet.",
    "Depends on one staff member; we need a second person.",
    "Planned with support from a development partner.",
    "Improved since the last assessment.",
];

const COMMENTS_KM: &[&str] = &[
    "កំពុងរៀបចំ ហើយនឹងបញ្ចប់នៅឆ្នាំក្រោយ។",
    "ខ្វះបុគ្គលិកដែលមានជំនាញ។",
    "ត្រូវការថវិកាបន្ថែម។",
    "បានកែលម្អបើធៀបនឹងឆ្នាំមុន។",
];

const FAMILY: &[&str] = &[
    "Sok", "Chan", "Kim", "Heng", "Lim", "Chea", "Ly", "Meas", "Prak", "Keo",
];
const GIVEN: &[&str] = &[
    "Dara", "Sophea", "Vuthy", "Sokha", "Chanthy", "Rithy", "Bopha", "Sreymom", "Piseth", "Kosal",
];
const ROLES: &[&str] = &[
    "ICT Director",
    "Head of IT Security",
    "Deputy Director, ICT",
    "CISO",
    "IT Officer",
];

/// The answers and Profile an agency would send for `cycle` (an index into the sample's
/// cycles, 0 for the first).
fn submission(
    framework: &Framework,
    agency: &Agency,
    cycle: &str,
    cycle_index: usize,
) -> (Profile, Vec<FilledRow>) {
    let ch = character(framework, agency);
    let max = framework.max_level() as f64;
    let scale = max / 5.0;
    let mut rows = Vec::with_capacity(framework.questions.len());
    for q in &framework.questions {
        // Stable per agency and question, so an agency's strong and weak points persist
        // between cycles; a little per-cycle noise on top.
        let mut stable = Rng::from_names(&["question", &agency.agency_id, &q.id]);
        let mut this = Rng::from_names(&["answer", &agency.agency_id, cycle, &q.id]);
        let domain = &framework.domains[q.domain_index].id;
        if q.allow_na && stable.chance(na_chance(&agency.sector, &q.id)) {
            rows.push(FilledRow {
                level: LevelCell::Text("N/A".into()),
                evidence: None,
                comment: None,
            });
            continue;
        }
        let latent = (ch.base
            + ch.domains.get(domain).copied().unwrap_or(0.0)
            + stable.noise(0.7)
            + ch.trend * cycle_index as f64
            + this.noise(0.3))
            * scale;
        let level = latent.round().clamp(0.0, max) as u8;
        if this.chance(ch.blanks) {
            rows.push(FilledRow {
                level: LevelCell::Blank,
                evidence: None,
                comment: None,
            });
            continue;
        }
        let cell = match ch.style {
            Style::Dropdown => LevelCell::Text(framework.level_choice(level)),
            Style::Numbers => LevelCell::Number(level as f64),
            Style::KhmerDigits => LevelCell::Text(khmer_digit(level)),
        };
        // Evidence names a page, as focal points cite one document for several questions.
        let evidence = if level as f64 >= 3.0 * scale && this.chance(ch.evidence) {
            let page = 1 + this.next_u64() % 40;
            Some(if this.chance(0.3) {
                format!("{}, ទំព័រ {page}", this.pick(EVIDENCE_KM))
            } else {
                format!("{}, p. {page}", this.pick(EVIDENCE_EN))
            })
        } else {
            None
        };
        let comment = if (level as f64) <= 1.0 * scale && this.chance(0.25) {
            Some(if this.chance(0.4) {
                this.pick(COMMENTS_KM).to_string()
            } else {
                this.pick(COMMENTS_EN).to_string()
            })
        } else {
            None
        };
        rows.push(FilledRow {
            level: cell,
            evidence,
            comment,
        });
    }
    let mut rng = Rng::from_names(&["profile", &agency.agency_id, cycle]);
    let mut profile = template_profile(framework, Some(agency), Some(cycle));
    let family = rng.pick(FAMILY);
    let given = rng.pick(GIVEN);
    profile.submitted_by = Some(format!(
        "{family} {given}, {}, {}.{}@{}.example.gov.kh",
        rng.pick(ROLES),
        given.to_lowercase(),
        family.to_lowercase(),
        stem(&agency.agency_id).to_lowercase()
    ));
    profile.submitted_on = Some(format!("{cycle}-03-{:02}", 1 + rng.next_u64() % 28));
    (profile, rows)
}

fn khmer_digit(level: u8) -> String {
    level
        .to_string()
        .chars()
        .map(|c| {
            c.to_digit(10)
                .and_then(|d| char::from_u32(0x17E0 + d))
                .unwrap_or(c)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The sample: two cycles, non-submitters and realistic mistakes

const CYCLES: [&str; 2] = ["2025", "2026"];

/// Agencies that sent nothing in a cycle.
fn missing(cycle: &str) -> &'static [&'static str] {
    match cycle {
        "2025" => &["MND", "PRV-RTK", "PRV-KKG", "WAT-KSW", "TEL-NIX"],
        _ => &["MND", "PRV-RTK", "FIN-LIN"],
    }
}

/// A mistake an agency made in one cycle's workbook.
enum Mistake {
    /// "2.5" typed in a level cell.
    Fraction(&'static str),
    /// The Assessment sheet renamed.
    RenamedSheet(&'static str),
    /// A template of an older framework version.
    OldVersion(&'static str),
    /// The blank template sent back by mistake.
    Empty,
    /// N/A on a question that does not allow it.
    NaNotAllowed(&'static str),
    /// A patch-level version difference: a warning, still scored.
    PatchVersion(&'static str),
    /// A Profile sector that differs from the registry: a warning, still scored.
    OtherSector(&'static str),
}

fn mistakes(cycle: &str) -> Vec<(&'static str, Mistake)> {
    match cycle {
        "2025" => vec![
            ("PRV-KCM", Mistake::NaNotAllowed("PEO.SK-01")),
            ("MOT", Mistake::Fraction("GOA.RM-02")),
        ],
        _ => vec![
            ("PRV-BTB", Mistake::Fraction("TEC.IA-02")),
            ("MLVT", Mistake::RenamedSheet("Self-assessment")),
            ("WAT-TBW", Mistake::OldVersion("0.9.0")),
            ("PRV-KPT", Mistake::Empty),
            ("EN-ASE", Mistake::PatchVersion("1.0.0")),
            ("FIN-APY", Mistake::OtherSector("fintech")),
        ],
    }
}

/// A pattern an assurance reviewer should catch (SPEC section 9), planted in one agency's
/// workbook so that the demo shows every flag with real content.
enum Pattern {
    /// Every answered question at one level: `straight_line`.
    StraightLine(u8),
    /// One evidence text pasted onto every question: `repeated_evidence`.
    PastedEvidence(&'static str),
    /// The answers of another agency, copied: `identical_answers` on both.
    CopyOf(&'static str),
    /// Every level this much higher than the agency's character gives: `jump`.
    Lift(f64),
    /// Claims that contradict each other: (question, level) pairs, for `rule_violated`.
    Contradictions(&'static [(&'static str, u8)]),
}

/// The planted patterns of a cycle; data/README.md lists them.
fn planted(cycle: &str) -> Vec<(&'static str, Pattern)> {
    match cycle {
        "2025" => vec![],
        _ => vec![
            ("MOT", Pattern::StraightLine(3)),
            (
                "MOC",
                Pattern::PastedEvidence("See the ICT master plan 2024-2028"),
            ),
            ("PRV-SHV", Pattern::CopyOf("PRV-KDL")),
            ("MOJ", Pattern::Lift(1.6)),
            (
                "MOH",
                Pattern::Contradictions(&[
                    ("TEC.IA-01", 4),
                    ("TEC.IA-03", 1),
                    ("COL.IR-01", 4),
                    ("GOA.CR-01", 1),
                    ("COL.SC-01", 3),
                    ("TEC.AM-01", 1),
                ]),
            ),
        ],
    }
}

/// Agencies whose workbook was sent twice, identical, under another name.
fn sent_twice(cycle: &str) -> &'static [&'static str] {
    match cycle {
        "2025" => &[],
        _ => &["FIN-BCB"],
    }
}

// ---------------------------------------------------------------------------------------
// The CSIRT network: CamCERT and the sector teams (csirt-maturity)

/// (team id, name_en, name_km, sector). CamCERT is the real national CERT; every sector
/// team is fictional, and so are all the answers.
const TEAMS: &[(&str, &str, &str, &str)] = &[
    (
        "CAMCERT",
        "CamCERT (national CERT)",
        "CamCERT (ក្រុមឆ្លើយតបបន្ទាន់កុំព្យូទ័រជាតិ)",
        "national",
    ),
    (
        "GOV-CSIRT",
        "Government Network CSIRT",
        "ក្រុម CSIRT បណ្ដាញរាជរដ្ឋាភិបាល",
        "government",
    ),
    (
        "FIN-CSIRT",
        "Banking Sector CSIRT",
        "ក្រុម CSIRT វិស័យធនាគារ និងហិរញ្ញវត្ថុ",
        "finance",
    ),
    (
        "TEL-CSIRT",
        "Telecommunications Sector CSIRT",
        "ក្រុម CSIRT វិស័យទូរគមនាគមន៍",
        "telecom",
    ),
    (
        "EN-CSIRT",
        "Energy Sector CSIRT",
        "ក្រុម CSIRT វិស័យថាមពល",
        "energy",
    ),
    (
        "EDU-CSIRT",
        "Academic Network CSIRT",
        "ក្រុម CSIRT បណ្ដាញសិក្សា និងស្រាវជ្រាវ",
        "academic",
    ),
    (
        "HLT-CSIRT",
        "Health Sector CSIRT",
        "ក្រុម CSIRT វិស័យសុខាភិបាល",
        "health",
    ),
];

/// Teams that sent nothing in a cycle: the newest team had not started in 2025.
fn csirt_missing(cycle: &str) -> &'static [&'static str] {
    match cycle {
        "2025" => &["HLT-CSIRT"],
        _ => &[],
    }
}

/// `csirt/teams.csv` and `csirt/submissions/<cycle>/*.xlsx`; returns the workbooks written.
fn sample_csirt(out: &Path) -> Result<usize> {
    let framework = framework::builtin("csirt-maturity")
        .context("built-in framework csirt-maturity is missing")??;
    let teams = registry_of(TEAMS);
    let out = out.join("csirt");
    std::fs::create_dir_all(&out).with_context(|| format!("failed to create {}", out.display()))?;
    write_atomic(&out.join("teams.csv"), &registry_csv(&teams)?)?;
    let layout = Layout::new(&framework);
    let mut written = 0;
    for (index, cycle) in CYCLES.iter().enumerate() {
        let dir = out.join("submissions").join(cycle);
        clear_workbooks(&dir)?;
        for team in teams
            .iter()
            .filter(|t| !csirt_missing(cycle).contains(&t.agency_id.as_str()))
        {
            let (profile, rows) = submission(&framework, team, cycle, index);
            let bytes = Template::new(&framework, profile)
                .with_layout(&layout)?
                .with_rows(rows)?
                .to_bytes()?;
            let stem = stem(&team.agency_id);
            write_atomic(&dir.join(format!("{stem}.xlsx")), &bytes)?;
            written += 1;
        }
    }
    Ok(written)
}

/// Create `dir` and remove the workbooks an older run left in it.
fn clear_workbooks(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "xlsx") {
            std::fs::remove_file(&path)
                .with_context(|| format!("failed to remove {}", path.display()))?;
        }
    }
    Ok(())
}

fn sample(out: &Path) -> Result<()> {
    let framework =
        framework::builtin("kh-ncmf").context("built-in framework kh-ncmf is missing")??;
    let agencies = agencies();
    let layout = Layout::new(&framework);
    std::fs::create_dir_all(out).with_context(|| format!("failed to create {}", out.display()))?;
    write_atomic(&out.join("agencies.csv"), &registry_csv(&agencies)?)?;
    let mut written = 0usize;
    for (index, cycle) in CYCLES.iter().enumerate() {
        let dir = out.join("submissions").join(cycle);
        // Start from an empty folder so that files from an older run never linger.
        clear_workbooks(&dir)?;
        let mistakes = mistakes(cycle);
        for agency in &agencies {
            if missing(cycle).contains(&agency.agency_id.as_str()) {
                continue;
            }
            let (mut profile, mut rows) = submission(&framework, agency, cycle, index);
            for (_, pattern) in planted(cycle)
                .iter()
                .filter(|(id, _)| *id == agency.agency_id)
            {
                plant(&framework, &agencies, pattern, cycle, index, &mut rows)?;
            }
            let mut sheet = None;
            for (_, mistake) in mistakes.iter().filter(|(id, _)| *id == agency.agency_id) {
                apply(&framework, mistake, &mut profile, &mut rows, &mut sheet)?;
            }
            let mut template = Template::new(&framework, profile).with_layout(&layout)?;
            if !rows.is_empty() {
                template = template.with_rows(rows)?;
            }
            if let Some(sheet) = sheet {
                template.assessment_sheet = sheet;
            }
            let bytes = template.to_bytes()?;
            let stem = stem(&agency.agency_id);
            write_atomic(&dir.join(format!("{stem}.xlsx")), &bytes)?;
            written += 1;
            // `_` sorts after `.`, so the original comes first in path order and is the
            // one scored.
            if sent_twice(cycle).contains(&agency.agency_id.as_str()) {
                write_atomic(&dir.join(format!("{stem}_resent.xlsx")), &bytes)?;
                written += 1;
            }
        }
    }
    let csirt = sample_csirt(out)?;
    let plans = sample_plans(&framework, out)?;
    let verified = sample_verification(&framework, out)?;
    println!(
        "wrote {} agencies and {written} workbooks, {plans} returned action plans under plans/, {verified} returned verification workbooks under verification/, and {} CSIRTs and {csirt} workbooks under csirt/, into {}",
        agencies.len(),
        TEAMS.len(),
        out.display()
    );
    Ok(())
}

/// Agencies that send their 2025 action plan back with the 2026 workbook (all scored in
/// both cycles), and the one whose plan has a due date typed as words (`end of June`, pasted
/// past the date rule), which is rejected with its cell named.
const PLANS_RETURNED: [&str; 9] = [
    "MEF", "MOH", "MOEYS", "MPTC", "PRV-SRP", "EN-MPD", "TEL-APS", "FIN-APY", "MAFF",
];
const PLAN_WITH_A_TYPO: &str = "MOEYS";
const PLAN_OWNERS: [&str; 4] = [
    "ICT Department",
    "Office of the CISO",
    "នាយកដ្ឋានព័ត៌មានវិទ្យា",
    "Internal Audit",
];

/// `plans/2025/<agency>.xlsx`: the action plans posture writes from the 2025 workbooks,
/// filled in as agencies would: most items whose question improved by 2026 marked done
/// (a few still in progress), the rest planned, in progress or not planned, and about one
/// in five of those marked done anyway, so the 2026 report shows items done but not
/// improved. Scored from the workbooks just written, through posture's own pipeline.
fn sample_plans(framework: &Framework, out: &Path) -> Result<usize> {
    use posture::plan::{plan_bytes, plan_for, ItemStatus};
    use posture::workbook::ingest::{discover, ingest, IngestOptions, Retain};

    let registry = posture::registry::load_registry(&out.join("agencies.csv"))?;
    let files = discover(&[out.join("submissions")])?;
    let options = IngestOptions {
        framework,
        registry: Some(&registry),
        limits: posture::workbook::Limits::default(),
    };
    let submissions = ingest(&files, &options, false, Retain::Levels);
    let scored = posture::score::score_batch(framework, &submissions, &[], Some(&registry));
    let score_of = |id: &str, cycle: &str| {
        scored
            .scores
            .iter()
            .find(|s| s.agency_id == id && s.cycle.as_str() == cycle)
            .with_context(|| format!("{id} is not scored in {cycle}"))
    };
    let dir = out.join("plans").join("2025");
    clear_workbooks(&dir)?;
    for id in PLANS_RETURNED {
        let (before, now) = (score_of(id, "2025")?, score_of(id, "2026")?);
        let mut plan = plan_for(framework, before);
        let mut rng = Rng::from_names(&["plan", id]);
        let owner = *rng.pick(&PLAN_OWNERS);
        for item in &mut plan.items {
            let qi = framework
                .question_index(&item.question_id)
                .context("plan row of an unknown question")?;
            let improved = posture::plan::progress::improved(item, now.answers[qi].answer);
            let status = if improved {
                if rng.chance(0.85) {
                    ItemStatus::Done
                } else {
                    ItemStatus::InProgress
                }
            } else {
                *rng.pick(&[
                    ItemStatus::Planned,
                    ItemStatus::Planned,
                    ItemStatus::InProgress,
                    ItemStatus::InProgress,
                    ItemStatus::NotPlanned,
                    ItemStatus::Done,
                ])
            };
            item.status = Some(status);
            item.owner = Some(owner.to_string());
            if status != ItemStatus::NotPlanned {
                let month = 1 + rng.next_u64() % 12;
                item.due = Some(format!("2026-{month:02}-{:02}", 1 + rng.next_u64() % 28));
            }
            if status == ItemStatus::NotPlanned {
                item.note = Some("No budget this year; planned for the 2027 budget.".into());
            }
        }
        if id == PLAN_WITH_A_TYPO {
            if let Some(item) = plan.items.get_mut(2) {
                item.due = Some("end of June".into());
            }
        }
        let bytes = plan_bytes(&plan)?;
        write_atomic(&dir.join(format!("{}.xlsx", stem(id))), &bytes)?;
    }
    Ok(PLANS_RETURNED.len())
}

// ---------------------------------------------------------------------------------------
// Returned verification workbooks (SPEC section 10)

/// The cycle, sample size and seed of the sample's spot checks: what
/// `posture verify plan data/submissions --registry data/agencies.csv --sample 6` picks.
const VERIFY_CYCLE: &str = "2026";
const VERIFY_SAMPLE: usize = 6;
const VERIFY_SEED: u64 = 0;

/// How a verifier rated one agency's claims: the chance that a checked claim is one level
/// too high, two levels too high (both more likely for a claim at level 3 or above with no
/// evidence), one level too low, and that a question is not checked at all.
struct Verdicts {
    one_lower: f64,
    two_lower: f64,
    higher: f64,
    unchecked: f64,
}

/// The verifiers' findings per picked agency; an agency not listed gets the default.
/// PRV-SHV sent PRV-KDL's answers as its own, so its claims hold up worst; WAT-MRW gives
/// little evidence; MPTC, a sector leader, is rated higher than it claims on a few
/// questions; EN-ASE's verifier checked only half of the questions.
fn verdicts(agency_id: &str) -> Verdicts {
    let (one_lower, two_lower, higher, unchecked) = match agency_id {
        "PRV-SHV" => (0.45, 0.15, 0.0, 0.15),
        "WAT-MRW" => (0.35, 0.05, 0.0, 0.2),
        "PRV-KDL" => (0.2, 0.0, 0.02, 0.15),
        "MPTC" => (0.1, 0.0, 0.06, 0.2),
        "EN-ASE" => (0.15, 0.0, 0.0, 0.5),
        _ => (0.2, 0.02, 0.01, 0.2),
    };
    Verdicts {
        one_lower,
        two_lower,
        higher,
        unchecked,
    }
}

const VERIFY_NOTES_LOWER: &[&str] = &[
    "Policy drafted but not yet approved by management",
    "Evidence covers the head office only",
    "Procedure exists on paper; no records that it is followed",
    "Last review is older than a year",
    "គោលនយោបាយមានសេចក្ដីព្រាង ប៉ុន្តែមិនទាន់អនុម័ត",
    "មិនមានកំណត់ត្រាបង្ហាញថាបានអនុវត្ត",
];
const VERIFY_NOTES_HIGHER: &[&str] = &[
    "Better than claimed: reviewed quarterly with records",
    "ល្អជាងការប្រកាស៖ មានកំណត់ត្រាត្រួតពិនិត្យប្រចាំត្រីមាស",
];

/// What the verifier of `score` wrote into its verification workbook: a verified level for
/// most answered questions (mostly the claim or one level lower), nothing where a question
/// is unanswered, N/A where the agency said N/A, and a note where the rating differs.
fn verifier_input(framework: &Framework, score: &AgencyScore) -> VerifierInput {
    use posture::workbook::Answer;
    let v = verdicts(&score.agency_id);
    let max = framework.max_level();
    let mut levels = Vec::with_capacity(score.answers.len());
    let mut notes = Vec::with_capacity(score.answers.len());
    for (q, row) in framework.questions.iter().zip(&score.answers) {
        let mut rng = Rng::from_names(&["verify", &score.agency_id, VERIFY_CYCLE, &q.id]);
        let (level, note) = match row.answer {
            Answer::Level(_) if rng.chance(v.unchecked) => (Answer::Unanswered, None),
            Answer::Level(claimed) => {
                let unsupported = claimed >= framework.evidence_from
                    && row.evidence.as_deref().is_none_or(|e| e.trim().is_empty());
                let doubt = if unsupported { 0.3 } else { 0.0 };
                let roll = rng.unit();
                let verified = if roll < v.two_lower + doubt / 3.0 {
                    claimed.saturating_sub(2)
                } else if roll < v.two_lower + v.one_lower + doubt {
                    claimed.saturating_sub(1)
                } else if roll > 1.0 - v.higher {
                    claimed.saturating_add(1).min(max)
                } else {
                    claimed
                };
                let note = match verified.cmp(&claimed) {
                    std::cmp::Ordering::Less => Some(rng.pick(VERIFY_NOTES_LOWER).to_string()),
                    std::cmp::Ordering::Greater => Some(rng.pick(VERIFY_NOTES_HIGHER).to_string()),
                    std::cmp::Ordering::Equal => None,
                };
                (Answer::Level(verified), note)
            }
            Answer::NotApplicable => (Answer::NotApplicable, None),
            Answer::Unanswered => (Answer::Unanswered, None),
        };
        levels.push(level);
        notes.push(note);
    }
    let day = 2 + Rng::from_names(&["verified_on", &score.agency_id]).next_u64() % 25;
    VerifierInput {
        verifier: Some("CamCERT verification team".into()),
        verified_on: Some(format!("{VERIFY_CYCLE}-06-{day:02}")),
        levels,
        notes,
    }
}

/// The returned verification workbooks of the agencies `posture verify plan` picks in the
/// sample (cycle 2026, sample 6, seed 0), read from the submissions just written so that
/// the claims are exactly what the submissions say; into `verification/2026/`.
fn sample_verification(framework: &Framework, out: &Path) -> Result<usize> {
    use posture::workbook::ingest::{discover, ingest_located, IngestOptions, Retain};
    let registry = posture::registry::load_registry(&out.join("agencies.csv"))?;
    let files = discover(&[out.join("submissions")])?;
    let opts = IngestOptions {
        framework,
        registry: Some(&registry),
        limits: posture::workbook::Limits::default(),
    };
    let batch = ingest_located(&files, &opts, false, Retain::Levels);
    let scored = score_batch(framework, &batch.submissions, &batch.cells, Some(&registry));
    let cycle = Cycle::from(VERIFY_CYCLE);
    let plan = posture::verify::plan::plan(&scored, Some(&cycle), VERIFY_SAMPLE, VERIFY_SEED)
        .context("no agency of the sample's verification cycle was scored")?;
    let dir = out.join("verification").join(VERIFY_CYCLE);
    clear_workbooks(&dir)?;
    for pick in &plan.picked {
        let (Some(score), Some(sub)) = (
            scored
                .scores
                .iter()
                .find(|s| s.agency_id == pick.agency_id && s.cycle == cycle),
            batch.submissions.iter().find(|s| s.file == pick.file),
        ) else {
            bail!("picked agency {} has no scored submission", pick.agency_id);
        };
        let filled = verifier_input(framework, score);
        let bytes = returned_verification_bytes(framework, &sub.profile, &score.answers, &filled)?;
        let stem = stem(&pick.agency_id);
        write_atomic(&dir.join(format!("{stem}-verify.xlsx")), &bytes)?;
    }
    Ok(plan.picked.len())
}

fn plant(
    framework: &Framework,
    agencies: &[Agency],
    pattern: &Pattern,
    cycle: &str,
    cycle_index: usize,
    rows: &mut [FilledRow],
) -> Result<()> {
    let choice = |level: u8| LevelCell::Text(framework.level_choice(level));
    let answered = |row: &FilledRow| match &row.level {
        LevelCell::Blank => false,
        LevelCell::Text(t) => t != "N/A",
        LevelCell::Number(_) => true,
    };
    match pattern {
        Pattern::StraightLine(level) => {
            for row in rows.iter_mut().filter(|r| answered(r)) {
                row.level = choice(*level);
            }
        }
        Pattern::PastedEvidence(text) => {
            for row in rows.iter_mut() {
                row.evidence = Some(text.to_string());
            }
        }
        Pattern::CopyOf(other) => {
            let source = agencies
                .iter()
                .find(|a| a.agency_id == *other)
                .with_context(|| format!("planted copy of unknown agency {other}"))?;
            let (_, copied) = submission(framework, source, cycle, cycle_index);
            for (row, from) in rows.iter_mut().zip(copied) {
                *row = from;
            }
        }
        Pattern::Lift(lift) => {
            let max = framework.max_level();
            for row in rows.iter_mut() {
                if let Some(level) = level_of(framework, &row.level) {
                    let lifted = (f64::from(level) + lift).round().min(f64::from(max)) as u8;
                    row.level = choice(lifted);
                }
            }
        }
        Pattern::Contradictions(pairs) => {
            for (id, level) in pairs.iter() {
                let q = framework
                    .question_index(id)
                    .with_context(|| format!("planted pattern names unknown question {id}"))?;
                rows[q].level = choice(*level);
            }
        }
    }
    Ok(())
}

/// The level a generated cell holds (dropdown label, number or Khmer digit).
fn level_of(framework: &Framework, cell: &LevelCell) -> Option<u8> {
    match cell {
        LevelCell::Number(n) => Some(*n as u8),
        LevelCell::Text(t) => (0..=framework.max_level())
            .find(|&l| *t == framework.level_choice(l) || *t == khmer_digit(l)),
        LevelCell::Blank => None,
    }
}

fn apply(
    framework: &Framework,
    mistake: &Mistake,
    profile: &mut Profile,
    rows: &mut Vec<FilledRow>,
    sheet: &mut Option<String>,
) -> Result<()> {
    let row_of = |id: &str| {
        framework
            .question_index(id)
            .with_context(|| format!("sample mistake names unknown question {id}"))
    };
    match mistake {
        Mistake::Fraction(q) => rows[row_of(q)?].level = LevelCell::Text("2.5".into()),
        Mistake::NaNotAllowed(q) => rows[row_of(q)?].level = LevelCell::Text("N/A".into()),
        Mistake::RenamedSheet(name) => *sheet = Some(name.to_string()),
        Mistake::OldVersion(v) | Mistake::PatchVersion(v) => {
            profile.framework_version = Some(v.to_string())
        }
        Mistake::OtherSector(s) => profile.sector = Some(s.to_string()),
        Mistake::Empty => {
            profile.submitted_by = None;
            profile.submitted_on = None;
            rows.clear();
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Benchmark corpus

const SECTORS: [&str; 6] = [
    "ministry", "province", "energy", "telecom", "finance", "water",
];

fn corpus(count: usize, out: &Path, framework_arg: &str, cycle: &str) -> Result<()> {
    if count == 0 {
        bail!("--count must be at least 1");
    }
    let framework = framework::resolve(framework_arg)?;
    std::fs::create_dir_all(out).with_context(|| format!("failed to create {}", out.display()))?;
    let width = count.to_string().len().max(5);
    let agencies: Vec<Agency> = (0..count)
        .map(|i| {
            let id = format!("AG{:0width$}", i + 1);
            let sector = SECTORS[i % SECTORS.len()];
            Agency {
                name_en: format!("Synthetic agency {} ({sector})", i + 1),
                name_km: None,
                agency_id: id,
                sector: sector.to_string(),
            }
        })
        .collect();
    write_atomic(&out.join("agencies.csv"), &registry_csv(&agencies)?)?;
    let layout = Layout::new(&framework);
    agencies.par_iter().try_for_each(|agency| -> Result<()> {
        let (profile, rows) = submission(&framework, agency, cycle, 1);
        let bytes = Template::new(&framework, profile)
            .with_layout(&layout)?
            .with_rows(rows)?
            .to_bytes()?;
        write_atomic(&out.join(format!("{}.xlsx", agency.agency_id)), &bytes)?;
        Ok(())
    })?;
    println!("wrote {count} workbooks into {}", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_seeded_by_names_only() {
        let a: Vec<u64> = (0..4)
            .map(|_| Rng::from_names(&["x", "y"]).next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::from_names(&["ab", "c"]).next_u64(),
            Rng::from_names(&["a", "bc"]).next_u64()
        );
        let mut r = Rng::from_names(&["unit"]);
        let mean = (0..10_000).map(|_| r.unit()).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
    }

    #[test]
    fn registry_has_about_forty_agencies_in_every_sector() {
        let a = agencies();
        assert!((35..=45).contains(&a.len()));
        for sector in SECTORS {
            assert!(a.iter().any(|x| x.sector == sector), "{sector}");
        }
        let mut ids: Vec<&str> = a.iter().map(|x| x.agency_id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), a.len(), "unique ids");
        for (id, ..) in AGENCIES {
            assert_eq!(stem(id), *id, "ids are file-name safe");
        }
    }
}
