//! Diagnostics in Khmer: one sentence per [`Kind`], in plain administrative Khmer with the
//! terms of `docs/glossary-km.md` and of the reports' `[km]` strings (សៀវភៅបញ្ជី workbook,
//! សន្លឹក sheet, ក្រឡា cell, ជួរដេក row, ជួរឈរ column, បញ្ជីស្ថាប័ន registry, វដ្ត cycle).
//! Field names, sheet names, flags, file names and values stay as they are written, in
//! Latin script, so that a user can find them in the workbook and on the command line.
//! Not yet reviewed by a native-speaking reviewer, like the rest of the Khmer text.

use super::{CellKind, Diagnostic, Document, Kind, Rendered, Returned};
use crate::workbook::a1;
use crate::workbook::ingest::guard::mib;

/// `message` then `hint`, as two sentences.
fn hinted(message: String, hint: String) -> Rendered {
    Rendered {
        message: format!("{message} {hint}"),
        hint: Some(hint),
    }
}

fn list(items: &[String]) -> String {
    items.join(", ")
}

const BOMB: &str = "គ្រាប់បែកបង្ហាប់ (compression bomb)";

fn quoted(value: CellKind, found: &str) -> String {
    match value {
        CellKind::Empty => "ក្រឡាទទេ".to_string(),
        CellKind::Number | CellKind::Text => format!("\"{found}\""),
        CellKind::Boolean => format!("{found} (តម្លៃតក្កវិជ្ជា)"),
        CellKind::Date => format!("\"{found}\" (ក្រឡាទម្រង់កាលបរិច្ឆេទ)"),
        CellKind::ErrorValue => format!("តម្លៃកំហុស {found}"),
        CellKind::FormulaNoValue => format!("រូបមន្តដែលគ្មានតម្លៃរក្សាទុក ({found})"),
    }
}

fn expected_level(max: u8, allow_na: bool) -> String {
    let example = max.min(3);
    if allow_na {
        format!("ត្រូវការកម្រិតជាចំនួនគត់ 0–{max} ស្លាកដូចជា \"{example} - ...\" ឬ N/A")
    } else {
        format!("ត្រូវការកម្រិតជាចំនួនគត់ 0–{max} ឬស្លាកដូចជា \"{example} - ...\" (សំណួរនេះមិនអនុញ្ញាត N/A ទេ)")
    }
}

pub fn render(d: &Diagnostic) -> Rendered {
    let found = d.found.as_deref().unwrap_or("");
    let expected = d.expected.as_deref().unwrap_or("");
    let plain = Rendered::plain;
    match &d.kind {
        Kind::UnreadableFile { cause } => plain(format!("មិនអាចអានឯកសារបានទេ ({cause})។")),
        Kind::EmptyFile => plain("ឯកសារទទេ (0 បៃ)។".into()),
        Kind::FileTooLarge { size, limit } => {
            let hint = "សូមមើល --max-file-mib".to_string();
            let message = match size {
                Some(size) => format!(
                    "ឯកសារធំពេក ({}; ដែនកំណត់ {}; {hint})។",
                    mib(*size),
                    mib(*limit)
                ),
                None => format!("ឯកសារធំពេក (លើស {}; {hint})។", mib(*limit)),
            };
            Rendered {
                message,
                hint: Some(hint),
            }
        }
        Kind::Encrypted => hinted(
            "សៀវភៅបញ្ជីត្រូវបានចាក់សោដោយពាក្យសម្ងាត់។".into(),
            "សូមរក្សាទុកវាដោយគ្មានពាក្យសម្ងាត់ ហើយផ្ញើម្ដងទៀត។".into(),
        ),
        Kind::OldExcelFormat => hinted(
            "នេះជាសន្លឹកកិច្ចការ Excel 2.x-4.x ដែលជាទម្រង់ចាស់ ដែល posture មិនអាចអានបាន។".into(),
            "សូមបើកវាក្នុងកម្មវិធីសៀវភៅបញ្ជី រក្សាទុកជា .xlsx ហើយផ្ញើម្ដងទៀត។".into(),
        ),
        Kind::NotASpreadsheet { what } => {
            let formats = "មិនមែនជា .xlsx, .xlsb, .xls ឬ .ods";
            plain(match what {
                None => format!("មិនមែនជាសៀវភៅបញ្ជីទេ ({formats})។"),
                Some(what) => {
                    let what = match what {
                        Document::Word => "ឯកសារ Word",
                        Document::PowerPoint => "បទបង្ហាញ PowerPoint",
                        Document::Zip => "ឯកសារ zip ដែលគ្មានសៀវភៅបញ្ជីនៅខាងក្នុង",
                    };
                    format!("មិនមែនជាសៀវភៅបញ្ជីទេ ({what} {formats})។")
                }
            })
        }
        Kind::NoWorkbookStream => {
            plain("មិនមែនជាសៀវភៅបញ្ជី Excel ទេ (ឯកសារ .xls នេះគ្មានផ្នែក Workbook)។".into())
        }
        Kind::TooManyZipMembers { members, limit } => plain(format!(
            "មិនអាចជាសៀវភៅបញ្ជីបានទេ៖ ឯកសារ zip មានធាតុ {members} (ដែនកំណត់ {limit})។"
        )),
        Kind::MemberDeclaresTooMuch {
            member,
            size,
            limit,
        } => Rendered {
            message: format!(
            "ធាតុ zip `{member}` ប្រកាសទំហំ {} ពេលពន្លា (ដែនកំណត់ {}; សូមមើល --max-member-mib)។ អាចជា{BOMB}។",
            mib(*size),
            mib(*limit)
        ),
            hint: Some("សូមមើល --max-member-mib".into()),
        },
        Kind::MembersDeclareTooMuch { size, limit } => Rendered {
            message: format!(
            "ធាតុ zip ទាំងអស់ប្រកាសទំហំសរុប {} ពេលពន្លា (ដែនកំណត់ {}; សូមមើល --max-inflated-mib)។ អាចជា{BOMB}។",
            mib(*size),
            mib(*limit)
        ),
            hint: Some("សូមមើល --max-inflated-mib".into()),
        },
        Kind::MemberInflatesPastDeclared { member, declared } => plain(format!(
            "ធាតុ zip `{member}` ពន្លាលើសទំហំ {} ដែលវាប្រកាស។ នេះជា{BOMB}។",
            mib(*declared)
        )),
        Kind::MemberInflatesPastLimit {
            member,
            limit,
            declared,
        } => Rendered {
            message: format!(
            "ធាតុ zip `{member}` ពន្លាលើសដែនកំណត់ {} (សូមមើល --max-member-mib) ទោះបីវាប្រកាសត្រឹម {}។ នេះជា{BOMB}។",
            mib(*limit),
            mib(*declared)
        ),
            hint: Some("សូមមើល --max-member-mib".into()),
        },
        Kind::MembersInflatePastLimit { limit, declared } => Rendered {
            message: format!(
            "ធាតុ zip ទាំងអស់ពន្លាលើសដែនកំណត់សរុប {} (សូមមើល --max-inflated-mib) ទោះបីប្រកាសត្រឹម {}។ នេះជា{BOMB}។",
            mib(*limit),
            mib(*declared)
        ),
            hint: Some("សូមមើល --max-inflated-mib".into()),
        },
        Kind::RepeatsTooLarge { cells } => plain(format!(
            "សន្លឹកពង្រីកលើសពី {cells} ក្រឡា តាមរយៈជួរដេក ឬជួរឈរដដែលៗ។ posture មិនពង្រីកវាទេ។"
        )),
        Kind::SheetTooLarge {
            sheet,
            rows,
            cols,
            max_cells,
        } => {
            let which = sheet
                .as_deref()
                .map_or_else(|| "សន្លឹកមួយ".to_string(), |s| format!("សន្លឹក `{s}`"));
            hinted(
                format!(
                    "{which} លាតសន្ធឹង {rows} ជួរដេក x {cols} ជួរឈរ លើសពីអ្វីដែល posture អាន ({max_cells} ក្រឡា)។"
                ),
                "សូមលុបក្រឡាដែលនៅឆ្ងាយពីតារាង រក្សាទុក ហើយផ្ញើម្ដងទៀត។".into(),
            )
        }
        Kind::CorruptZip { cause } => plain(format!(
            "សៀវភៅបញ្ជីខូច ឬមិនពេញលេញ (មិនអាចអានឯកសារ zip បាន៖ {cause})។"
        )),
        Kind::CorruptXls { cause } => plain(format!("សៀវភៅបញ្ជី .xls ខូច ({cause})។")),
        Kind::RepackageFailed { cause } => plain(format!(
            "មិនអាចរៀបចំសៀវភៅបញ្ជី .xls ឡើងវិញបានទេ ({cause})។"
        )),
        Kind::UnreadableWorkbook { format, cause } => plain(format!(
            "សៀវភៅបញ្ជី .{format} ខូច ឬមិនអាចអានបាន ({cause})។"
        )),
        Kind::ParserFailed => plain("សៀវភៅបញ្ជីខូច (កម្មវិធីអានសៀវភៅបញ្ជីបានបរាជ័យ)។".into()),
        Kind::SheetReadFailed { cause } => plain(format!("មិនអាចអានសន្លឹកបានទេ ({cause})។")),
        Kind::UnreadableSheet { sheet, cause } => {
            let inner = render(&Diagnostic::error((**cause).clone()));
            Rendered {
                message: format!("សន្លឹក `{sheet}`៖ {}", inner.message),
                hint: inner.hint,
            }
        }
        Kind::TooManyRows { sheet, limit, row } => {
            let hint = "សូមមើល --max-rows".to_string();
            Rendered {
                message: format!(
                    "សន្លឹក `{sheet}` មានជួរដេកលើសពី {limit} (មានតម្លៃនៅជួរដេកទី {row}; {hint})។"
                ),
                hint: Some(hint),
            }
        }
        Kind::NotAPostureWorkbook { what, sheets } => {
            let [first, second] = what.sheets();
            plain(format!(
                "មិនមែនជា{}ទេ៖ វាមាន{}។ ត្រូវការសន្លឹក {first} និង {second}។",
                match what {
                    Returned::Submission => "សៀវភៅបញ្ជី posture ",
                    Returned::ActionPlan => "ផែនការសកម្មភាព",
                    Returned::Verification => "សៀវភៅបញ្ជីផ្ទៀងផ្ទាត់",
                },
                match sheets.as_slice() {
                    [] => "គ្មានសន្លឹកទេ".to_string(),
                    [one] => format!("សន្លឹកតែមួយ គឺ {one}"),
                    many => format!("សន្លឹក {}", list(many)),
                }
            ))
        }
        Kind::MissingSheet { present } => plain(format!(
            "ខ្វះសន្លឹក `{}` (សៀវភៅបញ្ជីមាន៖ {})។",
            d.sheet.as_deref().unwrap_or(""),
            if present.is_empty() {
                "គ្មានសន្លឹក".to_string()
            } else {
                list(present)
            }
        )),
        Kind::MissingProfileField { field, rows } => plain(format!(
            "ខ្វះវាល `{field}` ដែលត្រូវតែមាន (ត្រូវមានជួរដេកមួយដែលមាន `{field}` នៅជួរឈរ A និងតម្លៃរបស់វានៅជួរឈរ B ក្នុង {rows} ជួរដេកដំបូង)។"
        )),
        Kind::EmptyProfileField { field } => {
            plain(format!("វាល `{field}` ដែលត្រូវតែមាន គឺទទេ។"))
        }
        Kind::FrameworkMismatch => {
            let hint = "សូមប្រើ --framework ដើម្បីជ្រើសក្របខ័ណ្ឌផ្សេង".to_string();
            Rendered {
                message: format!(
                    "បានរកឃើញ framework_id \"{found}\" ប៉ុន្តែត្រូវការ \"{expected}\" (ក្របខ័ណ្ឌដែលកំពុងដាក់ពិន្ទុ; {hint})។"
                ),
                hint: Some(hint),
            }
        }
        Kind::FrameworkVersionMismatch { framework } => {
            let hint = format!("សូមបំពេញគំរូនៃកំណែ {expected}");
            Rendered {
                message: format!(
                    "បានរកឃើញ framework_version \"{found}\" ប៉ុន្តែត្រូវការ \"{expected}\" (សៀវភៅបញ្ជីសម្រាប់កំណែផ្សេងនៃ {framework} មានសំណួរ ឬទម្ងន់ផ្សេង; {hint})។"
                ),
                hint: Some(hint),
            }
        }
        Kind::FrameworkPatchDiffers { framework } => plain(format!(
            "framework_version \"{found}\" ខុសពី {framework} {expected} តែលេខ patch ប៉ុណ្ណោះ។ ដាក់ពិន្ទុតាមកំណែ {expected}។"
        )),
        Kind::UnknownAgency { registry_agencies } => plain(format!(
            "agency_id \"{found}\" មិនមានក្នុងបញ្ជីស្ថាប័នទេ (ស្ថាប័ន {registry_agencies})។ ត្រូវការលេខកូដស្ថាប័នមួយក្នុងបញ្ជីនោះ។"
        )),
        Kind::SectorDiffers { agency } => plain(format!(
            "វិស័យ \"{found}\" ខុសពីវិស័យ \"{expected}\" ក្នុងបញ្ជីស្ថាប័នសម្រាប់ {agency}។ ប្រើវិស័យក្នុងបញ្ជីស្ថាប័ន (វាកំណត់គោលដៅ)។"
        )),
        Kind::MissingHeaderRow { rows } => plain(format!(
            "ខ្វះជួរដេកចំណងជើង៖ គ្មានជួរដេកណាមួយក្នុង {rows} ជួរដេកដំបូង មានក្រឡា `question_id` ទេ។"
        )),
        Kind::DuplicateColumn { first_col } => plain(format!(
            "ជួរឈរ `{found}` មានពីរដង (មាននៅ {} ផងដែរ)។ ចំណងជើងនីមួយៗត្រូវមានតែម្ដង។",
            a1(d.row.unwrap_or(0), *first_col)
        )),
        Kind::MissingColumn { column } => plain(format!(
            "ខ្វះជួរឈរ `{column}` ក្នុងជួរដេកចំណងជើងទី {}។",
            u64::from(d.row.unwrap_or(0)) + 1
        )),
        Kind::UnknownQuestion { framework, version } => plain(format!(
            "បានរកឃើញលេខកូដសំណួរ \"{found}\" ប៉ុន្តែ {framework} {version} គ្មានសំណួរនេះទេ។"
        )),
        Kind::DuplicateQuestion {
            first_row,
            first_col,
        } => plain(format!(
            "សំណួរ {found} មានពីរដង (លើកដំបូងនៅ {})។ សំណួរនីមួយៗត្រូវមានជួរដេកតែមួយ។",
            a1(*first_row, *first_col)
        )),
        Kind::BadLevel {
            value,
            max,
            allow_na,
        } => plain(format!(
            "បានរកឃើញ {}។ {}។",
            quoted(*value, found),
            expected_level(*max, *allow_na)
        )),
        Kind::MissingQuestionRows { missing, total } => plain(format!(
            "សំណួរ {} ក្នុងចំណោម {total} គ្មានជួរដេក ហើយត្រូវរាប់ថាមិនទាន់ឆ្លើយ៖ {}។",
            missing.len(),
            list(missing)
        )),
        Kind::NoAnswers => plain(
            "គ្មានចម្លើយ៖ គ្មានសំណួរណាមួយត្រូវបានឆ្លើយទេ (ប្រហែលជាគំរូទទេដែលបានផ្ញើមកវិញដោយច្រឡំ)។"
                .into(),
        ),
        Kind::DuplicateSubmission { kept } => plain(format!(
            "ស្ទួននឹង {kept} (បៃដូចគ្នាទាំងអស់)។ រាប់តែម្ដង ជា {kept}។"
        )),
        Kind::ConflictingSubmissions {
            what,
            agency,
            cycle,
            file,
            others,
        } => {
            let (files, one) = match what {
                Returned::Submission => ("សៀវភៅបញ្ជីផ្ញើជាន់គ្នា", "សូមផ្ញើសៀវភៅបញ្ជីតែមួយ"),
                Returned::ActionPlan => ("ផែនការសកម្មភាពផ្ញើជាន់គ្នា", "សូមផ្ញើផែនការតែមួយ"),
                Returned::Verification => (
                    "សៀវភៅបញ្ជីផ្ទៀងផ្ទាត់ជាន់គ្នា",
                    "សូមរក្សាសៀវភៅបញ្ជីផ្ទៀងផ្ទាត់តែមួយ",
                ),
            };
            hinted(
                format!(
                    "{files}សម្រាប់ស្ថាប័ន {agency} វដ្ត {cycle}៖ {file} និង {} មានខ្លឹមសារខុសគ្នា។",
                    list(others)
                ),
                format!("{one}ក្នុងមួយស្ថាប័ន និងមួយវដ្ត។"),
            )
        }
        Kind::PlanWrongAgency { agencies } => plain(format!(
            "បានរកឃើញ agency_id \"{found}\" ប៉ុន្តែស្ថាប័ននេះគ្មានផែនការពីវដ្តមុនទេ (រំពឹងផែនការ {agencies})។"
        )),
        Kind::PlanWrongCycle => plain(format!(
            "បានរកឃើញវដ្ត \"{found}\" ប៉ុន្តែត្រូវការ \"{expected}\" (វដ្តនៃផែនការរបស់ស្ថាប័ននេះ)។"
        )),
        Kind::PlanUnknownQuestion => plain(format!(
            "បានរកឃើញលេខកូដសំណួរ \"{found}\" ប៉ុន្តែផែនការគ្មានសំណួរនេះទេ។"
        )),
        Kind::PlanChangedCell { column } => plain(format!(
            "`{column}` ត្រូវបានកែប្រែ៖ បានរកឃើញ \"{found}\" ប៉ុន្តែត្រូវការ \"{expected}\" ដូចដែល posture បានសរសេរ។"
        )),
        Kind::PlanBadDue { value } => plain(format!(
            "due គឺ {} ប៉ុន្តែត្រូវការក្រឡាកាលបរិច្ឆេទ ឬអត្ថបទ YYYY-MM-DD។",
            quoted(*value, found)
        )),
        Kind::PlanBadStatus => plain(format!(
            "បានរកឃើញស្ថានភាព \"{found}\" ប៉ុន្តែត្រូវជ្រើសរើសស្ថានភាពមួយពីបញ្ជីជម្រើសនៃក្រឡានេះ។"
        )),
        Kind::VerificationUnknownAgency { agencies } => plain(format!(
            "បានរកឃើញ agency_id \"{found}\" ប៉ុន្តែស្ថាប័ននេះគ្មានសៀវភៅបញ្ជីដែលបានដាក់ពិន្ទុក្នុងទិន្នន័យបញ្ចូលទេ (ស្ថាប័នដែលបានដាក់ពិន្ទុ {agencies})។ ការផ្ទៀងផ្ទាត់ពិនិត្យសៀវភៅបញ្ជីដែលបានដាក់ពិន្ទុ។"
        )),
        Kind::VerificationWrongCycle { agency } => plain(format!(
            "បានរកឃើញវដ្ត \"{found}\" ប៉ុន្តែ {agency} បានដាក់ពិន្ទុតែក្នុងវដ្ត {expected} ប៉ុណ្ណោះ។"
        )),
        Kind::ClaimChanged => {
            let expected = if expected.is_empty() {
                "ក្រឡាទទេ (សំណួរនេះមិនទាន់ឆ្លើយក្នុងសៀវភៅបញ្ជីដែលបានផ្ញើ)".to_string()
            } else {
                format!("\"{expected}\" (ចម្លើយក្នុងសៀវភៅបញ្ជីដែលបានផ្ញើ)")
            };
            let found = if found.is_empty() {
                "ក្រឡាទទេ".to_string()
            } else {
                format!("\"{found}\"")
            };
            hinted(
                format!("claimed_level ត្រូវបានកែប្រែ៖ បានរកឃើញ {found} ប៉ុន្តែត្រូវការ {expected}។"),
                "កម្រិតដែលបានប្រកាសត្រូវបានចាក់សោ៖ សូមផ្ញើសៀវភៅបញ្ជីមកវិញ ដោយទុកកម្រិតនោះដូចដែល posture បានសរសេរ។".into(),
            )
        }
        Kind::NothingVerified => plain(
            "គ្មាន verified_level ណាមួយត្រូវបានបំពេញទេ៖ ស្ថាប័ននេះរាប់ថាបានផ្ទៀងផ្ទាត់ ប៉ុន្តែគ្មានគូណាមួយ។".into(),
        ),
    }
}
