//! Reading the TOML files under `content/` into the model. Parse errors and misplaced fields are
//! reported as [`Problem`]s naming the file (and node), like the validation checks.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use jmo_contract::fnv::Fnv;
use serde::Deserialize;

use crate::model::*;
use crate::validate::{self, Problem, CHANNELS_FILE, START_FILE};

pub const UI_FILE: &str = "content/ui.toml";
pub const CALENDAR_FILE: &str = "content/calendar.toml";

/// Everything under `content/`.
#[derive(Clone, Debug)]
pub struct Content {
    pub catalog: Catalog,
    /// `guide/node` ids from `published.lock`.
    pub published: Vec<String>,
    /// Texts of the app's shell (`shell.*` in `ui.toml`), by key; the `steps.*` texts are in
    /// the catalog, which is downloaded with the guides.
    pub shell_texts: Texts,
    /// What an editor should do soon but does not fail the check (next year's holidays missing
    /// from November on). [`load_checked`] also prints them to stderr.
    pub warnings: Vec<Problem>,
}

/// Loads and validates the whole content folder; `Err` lists every problem found.
pub fn load_checked(root: &Path) -> Result<Content, Vec<Problem>> {
    load_checked_on(root, today_utc())
}

/// [`load_checked`] as if today were `today` (the holiday calendar's checks depend on it).
pub fn load_checked_on(root: &Path, today: crate::date::Date) -> Result<Content, Vec<Problem>> {
    let mut content = load_dir(root)?;
    let mut problems = validate::validate(&content.catalog, &content.published);
    let (mut calendar_problems, warnings) = validate::check_calendar(&content.catalog.calendar, today);
    problems.append(&mut calendar_problems);
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    content.warnings = warnings;
    if problems.is_empty() {
        Ok(content)
    } else {
        Err(problems)
    }
}

/// Today's date in UTC, from the system clock.
pub fn today_utc() -> crate::date::Date {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    crate::date::Date::from_days_since_epoch((seconds / 86_400) as i64)
}

/// Loads the content folder without the cross-checks of [`validate::validate`].
pub fn load_dir(root: &Path) -> Result<Content, Vec<Problem>> {
    let mut problems = Vec::new();
    // Each file's name and text, each ended by 0xff (so moving bytes between them changes it).
    let mut hash = Fnv::default();
    let mut add = |bytes: &[u8]| {
        hash.add(bytes);
        hash.add(&[0xff]);
    };
    // The version names the downloaded files (`content-<guide>-<lang>-<version>.txt`, cached for a
    // year): a new pack format must give them new names even when no content file changed.
    add(crate::pack::MAGIC.as_bytes());
    let mut read = |relative: &str, required: bool| -> Option<String> {
        match std::fs::read_to_string(root.join(relative)) {
            Ok(text) => {
                add(relative.as_bytes());
                add(text.as_bytes());
                Some(text)
            }
            Err(e) if required || e.kind() != std::io::ErrorKind::NotFound => {
                problems.push(Problem { file: format!("content/{relative}"), node: None, message: format!("cannot read: {e}") });
                None
            }
            Err(_) => None,
        }
    };

    let start = read("start.toml", true);
    let channels = read("channels.toml", true);
    let ui = read("ui.toml", false);
    let lock = read("published.lock", false).unwrap_or_default();
    let calendar_text = read("calendar.toml", true);
    let search_text = read("search.toml", false);
    let mut holiday_names: Vec<String> = std::fs::read_dir(root.join("holidays"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".toml"))
        .collect();
    holiday_names.sort();
    let holiday_texts: Vec<(String, Option<String>)> =
        holiday_names.into_iter().map(|name| { let text = read(&format!("holidays/{name}"), true); (name, text) }).collect();

    let listing = std::fs::read_dir(root.join("guides"));
    let mut guide_names: Vec<String> = match &listing {
        Ok(_) => listing
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".toml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    guide_names.sort();
    let guide_texts: Vec<(String, Option<String>)> =
        guide_names.into_iter().map(|name| { let text = read(&format!("guides/{name}"), true); (name, text) }).collect();
    if !root.join("guides").is_dir() {
        problems.push(Problem { file: "content/guides".into(), node: None, message: "folder missing".into() });
    }

    fn collect<T>(problems: &mut Vec<Problem>, result: Result<T, Vec<Problem>>) -> Option<T> {
        result.map_err(|mut found| problems.append(&mut found)).ok()
    }
    let start = start.and_then(|text| collect(&mut problems, parse_start(&text)));
    let channels = channels.and_then(|text| collect(&mut problems, parse_channels(&text)));
    let ui = ui.map(|text| collect(&mut problems, parse_ui(&text))).unwrap_or(Some((Vec::new(), Vec::new())));
    let search = search_text.map(|text| collect(&mut problems, parse_search(&text))).unwrap_or(Some(SearchWords::default()));
    let month_names = calendar_text.and_then(|text| collect(&mut problems, parse_calendar(&text)));
    let mut years = Vec::new();
    for (name, text) in holiday_texts {
        let Some(text) = text else { continue };
        let file = format!("content/holidays/{name}");
        if let Some(year) = collect(&mut problems, parse_holidays(&file, &text)) {
            if name.trim_end_matches(".toml") != year.year.to_string() {
                problems.push(Problem { file, node: None, message: format!("`year = {}` must match the file name", year.year) });
            }
            years.push(year);
        }
    }
    let mut guides = Vec::new();
    for (name, text) in guide_texts {
        let Some(text) = text else { continue };
        let stem = name.trim_end_matches(".toml");
        if let Some(guide) = collect(&mut problems, parse_guide(&format!("content/guides/{name}"), &text)) {
            if guide.id != stem {
                problems.push(Problem {
                    file: format!("content/guides/{name}"),
                    node: None,
                    message: format!("`id = \"{}\"` must match the file name `{stem}`", guide.id),
                });
            }
            guides.push(guide);
        }
    }

    match (start, channels, ui, month_names, search) {
        (Some(start), Some(channels), Some((shell_texts, step_texts)), Some(month_names), Some(search)) if problems.is_empty() => Ok(Content {
            catalog: Catalog {
                version: Cow::Owned(format!("{:012x}", hash.value() >> 16)),
                start,
                guides: Cow::Owned(guides),
                channels: Cow::Owned(channels),
                texts: Cow::Owned(step_texts.into_iter().map(|(k, t)| (Cow::Owned(k), t)).collect()),
                calendar: Calendar { years: Cow::Owned(years), month_names },
                search,
            },
            published: parse_lock(&lock),
            shell_texts,
            warnings: Vec::new(),
        }),
        _ => Err(problems),
    }
}

/// `published.lock`: one `guide` or `guide/node` id per line; `#` starts a comment.
pub fn parse_lock(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn render_lock(entries: &[String]) -> String {
    let mut out = String::from(
        "# Every guide and node id ever published. Links that staff shared use these ids, so a\n\
         # listed id may only disappear with a redirect (see docs/content-format.md).\n\
         # Add new ids with: cargo xtask lock-content\n",
    );
    for entry in entries {
        out.push_str(entry);
        out.push('\n');
    }
    out
}

fn toml_problem(file: &str, error: toml::de::Error) -> Vec<Problem> {
    // toml's message already points at the line and column.
    vec![Problem { file: file.to_owned(), node: None, message: error.to_string().trim().replace('\n', "\n    ") }]
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawText {
    #[serde(default)]
    id: String,
    #[serde(default)]
    en: String,
}

impl From<RawText> for Localized {
    fn from(raw: RawText) -> Self {
        Localized { id: Cow::Owned(raw.id), en: Cow::Owned(raw.en) }
    }
}

fn text(raw: Option<RawText>) -> Localized {
    raw.map(Localized::from).unwrap_or_default()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStart {
    title: Option<RawText>,
    intro: Option<RawText>,
    #[serde(default)]
    guides: Vec<String>,
}

pub fn parse_start(source: &str) -> Result<StartScreen, Vec<Problem>> {
    let raw: RawStart = toml::from_str(source).map_err(|e| toml_problem(START_FILE, e))?;
    Ok(StartScreen {
        title: text(raw.title),
        intro: text(raw.intro),
        guides: Cow::Owned(raw.guides.into_iter().map(Cow::Owned).collect()),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannels {
    #[serde(default)]
    channel: Vec<RawChannel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel {
    id: String,
    label: Option<RawText>,
    note: Option<RawText>,
    href: String,
}

pub fn parse_channels(source: &str) -> Result<Vec<Channel>, Vec<Problem>> {
    let raw: RawChannels = toml::from_str(source).map_err(|e| toml_problem(CHANNELS_FILE, e))?;
    Ok(raw
        .channel
        .into_iter()
        .map(|c| Channel { id: Cow::Owned(c.id), label: text(c.label), note: text(c.note), href: Cow::Owned(c.href) })
        .collect())
}

pub const SEARCH_FILE: &str = "content/search.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    #[serde(default)]
    synonyms: BTreeMap<String, String>,
    #[serde(default)]
    stopwords: Vec<String>,
}

/// `search.toml`: `[synonyms]` variant = "what it means", and `stopwords`.
pub fn parse_search(source: &str) -> Result<SearchWords, Vec<Problem>> {
    let raw: RawSearch = toml::from_str(source).map_err(|e| toml_problem(SEARCH_FILE, e))?;
    let mut problems = Vec::new();
    for (variant, meaning) in &raw.synonyms {
        let words = crate::search::words(variant);
        if words.is_empty() || words.join(" ") != variant.as_str() || crate::search::words(meaning).is_empty() {
            problems.push(Problem {
                file: SEARCH_FILE.into(),
                node: Some(variant.clone()),
                message: "a synonym is lower-case words separated by single spaces, and means some words".into(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(SearchWords {
        synonyms: Cow::Owned(raw.synonyms.into_iter().map(|(v, m)| (Cow::Owned(v), Cow::Owned(m))).collect()),
        stopwords: Cow::Owned(raw.stopwords.into_iter().map(Cow::Owned).collect()),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    months: Option<RawText>,
}

/// `calendar.toml`: `months.id` / `months.en`, the twelve month names separated by spaces.
pub fn parse_calendar(source: &str) -> Result<Localized, Vec<Problem>> {
    let raw: RawCalendar = toml::from_str(source).map_err(|e| toml_problem(CALENDAR_FILE, e))?;
    let months = text(raw.months);
    let problems: Vec<Problem> = Language::ALL
        .into_iter()
        .filter(|&lang| months.get(lang).split_whitespace().count() != 12)
        .map(|lang| Problem { file: CALENDAR_FILE.into(), node: None, message: format!("`months.{}` must list the 12 month names, separated by spaces", lang.as_str()) })
        .collect();
    if problems.is_empty() {
        Ok(months)
    } else {
        Err(problems)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHolidays {
    year: u16,
    status: String,
    source: String,
    #[serde(default)]
    day: Vec<RawDayOff>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDayOff {
    date: String,
    kind: String,
    name: Option<RawText>,
}

/// `holidays/<year>.toml`: the year's public holidays and *cuti bersama*; `file` names it in problems.
pub fn parse_holidays(file: &str, source: &str) -> Result<HolidayYear, Vec<Problem>> {
    let raw: RawHolidays = toml::from_str(source).map_err(|e| toml_problem(file, e))?;
    let mut problems = Vec::new();
    let mut report = |node: Option<&str>, message: String| problems.push(Problem { file: file.to_owned(), node: node.map(str::to_owned), message });
    let estimated = match raw.status.as_str() {
        "official" => false,
        "estimated" => true,
        other => {
            report(None, format!("unknown status `{other}` (official or estimated)"));
            false
        }
    };
    let mut days = Vec::new();
    for day in raw.day {
        let Ok(date) = crate::date::Date::parse(&day.date) else {
            report(Some(&day.date), "not a date: write it as YYYY-MM-DD".into());
            continue;
        };
        let Some(kind) = DayOffKind::from_code(&day.kind) else {
            report(Some(&day.date), format!("unknown kind `{}` (holiday or cuti_bersama)", day.kind));
            continue;
        };
        days.push(DayOff { date, kind, name: text(day.name) });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(HolidayYear { year: raw.year, estimated, source: Cow::Owned(raw.source), days: Cow::Owned(days) })
}

/// Texts by key, in the order of toml's tables (sorted by key).
pub type Texts = Vec<(String, Localized)>;

/// `ui.toml`: `[shell.<key>]` and `[steps.<key>]` tables, each with `id` and `en`.
pub fn parse_ui(source: &str) -> Result<(Texts, Texts), Vec<Problem>> {
    let raw: toml::Table = toml::from_str(source).map_err(|e| toml_problem(UI_FILE, e))?;
    let mut problems = Vec::new();
    let mut groups = (Vec::new(), Vec::new());
    for (group, table) in raw {
        let (texts, table) = match (group.as_str(), table) {
            ("shell", toml::Value::Table(table)) => (&mut groups.0, table),
            ("steps", toml::Value::Table(table)) => (&mut groups.1, table),
            _ => {
                problems.push(Problem { file: UI_FILE.into(), node: Some(group), message: "texts go under [shell.<key>] or [steps.<key>]".into() });
                continue;
            }
        };
        parse_text_group(UI_FILE, "", table, texts, &mut problems);
    }
    if problems.is_empty() {
        Ok(groups)
    } else {
        Err(problems)
    }
}

pub const FORM_FILE: &str = "content/form.toml";
/// The workspace's texts (crates/workspace).
pub const WORKSPACE_FILE: &str = "content/workspace.toml";

/// The complaint form's texts (`content/form.toml`), compiled into crates/form by its build script.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormTexts {
    /// `[text.<key>]`: the texts of the form's views, by key (a Rust field name).
    pub texts: Texts,
    /// `[error.<code>]` and `[error."<field>".<code>]`: what a participant reads when a field is
    /// refused with a code.
    pub errors: Vec<ErrorText>,
}

/// The text for a refused field: for one field, or for the code on any field (`field: None`).
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorText {
    pub field: Option<String>,
    pub code: String,
    pub text: Localized,
}

/// `form.toml`: `[text.<key>]` tables with `id` and `en`, checked as `ui.toml`'s are, and
/// `[error.<code>]` / `[error."<field>".<code>]` tables with `id` and `en`.
pub fn parse_form(source: &str) -> Result<FormTexts, Vec<Problem>> {
    parse_texts(FORM_FILE, source)
}

/// For build scripts: `path` read and checked by [`parse_texts`] (named `file`), and
/// `rerun-if-changed` on it; a problem fails the build, each one printed as a cargo warning.
pub fn texts_for_build(file: &str, path: &Path) -> FormTexts {
    println!("cargo:rerun-if-changed={}", path.display());
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_texts(file, &source).unwrap_or_else(|problems| {
        let problems: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        for problem in &problems {
            println!("cargo:warning={problem}");
        }
        panic!("{file} has {} problem(s):\n{}", problems.len(), problems.join("\n"));
    })
}

/// A file of texts laid out as `form.toml` is (`workspace.toml` too), named `file` in problems.
pub fn parse_texts(file: &str, source: &str) -> Result<FormTexts, Vec<Problem>> {
    let raw: toml::Table = toml::from_str(source).map_err(|e| toml_problem(file, e))?;
    let mut problems = Vec::new();
    let mut form = FormTexts::default();
    let report = |node: String, message: &str| Problem { file: file.into(), node: Some(node), message: message.into() };
    for (section, value) in raw {
        match (section.as_str(), value) {
            ("text", toml::Value::Table(table)) => parse_text_group(file, "text.", table, &mut form.texts, &mut problems),
            ("error", toml::Value::Table(table)) => {
                for (key, value) in table {
                    match value {
                        // `[error.<code>]`: the code's text, for any field.
                        toml::Value::Table(t) if t.contains_key("id") || t.contains_key("en") => {
                            if let Some(text) = parse_text(file, &format!("error.{key}"), toml::Value::Table(t), &mut problems) {
                                form.errors.push(ErrorText { field: None, code: key, text });
                            }
                        }
                        // `[error."<field>".<code>]`: one field's texts.
                        toml::Value::Table(codes) => {
                            for (code, value) in codes {
                                if let Some(text) = parse_text(file, &format!("error.\"{key}\".{code}"), value, &mut problems) {
                                    form.errors.push(ErrorText { field: Some(key.clone()), code, text });
                                }
                            }
                        }
                        _ => problems.push(report(format!("error.{key}"), "expected a table: [error.<code>] or [error.\"<field>\".<code>]")),
                    }
                }
            }
            _ => problems.push(report(section, "unknown section: texts go under [text.<key>], [error.<code>] or [error.\"<field>\".<code>]")),
        }
    }
    if problems.is_empty() {
        Ok(form)
    } else {
        Err(problems)
    }
}

/// A table of texts whose keys become Rust field names (`ui.toml`'s groups, `form.toml`'s
/// `[text]`): each key lower_snake_case, each value a text as [`parse_text`] checks it.
fn parse_text_group(file: &str, prefix: &str, table: toml::Table, texts: &mut Texts, problems: &mut Vec<Problem>) {
    for (key, value) in table {
        if !key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') || key.starts_with(|c: char| c.is_ascii_digit()) {
            problems.push(Problem { file: file.into(), node: Some(format!("{prefix}{key}")), message: "keys must be lower_snake_case".into() });
            continue;
        }
        if let Some(text) = parse_text(file, &format!("{prefix}{key}"), value, problems) {
            texts.push((key, text));
        }
    }
}

/// One text of `ui.toml` or `form.toml`: a table with `id` and `en` and nothing else, both
/// written (surrounding white space trimmed) and with the same `{placeholders}`. `None` after
/// reporting what is wrong, naming `key`.
fn parse_text(file: &str, key: &str, value: toml::Value, problems: &mut Vec<Problem>) -> Option<Localized> {
    let report = |message: String| Problem { file: file.into(), node: Some(key.into()), message };
    let raw = match value.try_into::<RawText>() {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(report(format!("expected `id` and `en` texts: {e}")));
            return None;
        }
    };
    let (id, en) = (raw.id.trim(), raw.en.trim());
    let before = problems.len();
    for (lang, value) in [("Indonesian `.id`", id), ("English `.en`", en)] {
        if value.is_empty() {
            problems.push(report(format!("missing translation: no {lang} text")));
        }
    }
    if problems.len() == before && placeholders(id) != placeholders(en) {
        problems.push(report(format!("the `.id` and `.en` texts have different {{placeholders}}: {:?} and {:?}", placeholders(id), placeholders(en))));
    }
    (problems.len() == before).then(|| Localized { id: Cow::Owned(id.to_owned()), en: Cow::Owned(en.to_owned()) })
}

/// The `{names}` in a text, sorted (a text may use one more than once, or in another order).
fn placeholders(text: &str) -> Vec<&str> {
    let mut found: Vec<&str> = text.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(name, _)| name)).collect();
    found.sort_unstable();
    found
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuide {
    id: String,
    title: Option<RawText>,
    summary: Option<RawText>,
    start: String,
    #[serde(default)]
    redirects: BTreeMap<String, String>,
    #[serde(default)]
    node: Vec<RawNode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    title: Option<RawText>,
    body: Option<RawText>,
    #[serde(default)]
    steps: Vec<RawText>,
    #[serde(default)]
    link: Vec<RawLink>,
    #[serde(default)]
    channels: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    option: Vec<RawChoice>,
    #[serde(default)]
    branch: Vec<RawChoice>,
    category: Option<String>,
    urgency: Option<String>,
    #[serde(default)]
    attachments: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    label: Option<RawText>,
    href: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    id: String,
    label: Option<RawText>,
    next: String,
    below_days: Option<u32>,
    below_working_days: Option<u32>,
    below_months: Option<u32>,
    date_text: Option<RawText>,
}

/// Parses one guide file; `file` names it in problems.
pub fn parse_guide(file: &str, source: &str) -> Result<Guide, Vec<Problem>> {
    let raw: RawGuide = toml::from_str(source).map_err(|e| toml_problem(file, e))?;
    let mut problems = Vec::new();
    let nodes = raw.node.into_iter().map(|node| convert_node(file, node, &mut problems)).collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Guide {
        id: Cow::Owned(raw.id),
        title: text(raw.title),
        summary: text(raw.summary),
        start: Cow::Owned(raw.start),
        nodes: Cow::Owned(nodes),
        redirects: Cow::Owned(raw.redirects.into_iter().map(|(from, to)| (Cow::Owned(from), Cow::Owned(to))).collect()),
    })
}

fn convert_node(file: &str, raw: RawNode, problems: &mut Vec<Problem>) -> Node {
    let mut report = |message: String| problems.push(Problem { file: file.to_owned(), node: Some(raw.id.clone()), message });
    let is_date = raw.kind == "date";
    let kind = match raw.kind.as_str() {
        "question" => NodeKind::Question,
        "step" => NodeKind::Step,
        "date" => NodeKind::Date,
        "resolved" => NodeKind::Resolved,
        "escalate" => {
            let category = raw.category.as_deref().and_then(|c| {
                let found = Category::parse(c);
                if found.is_none() {
                    report(format!("unknown category `{c}` (login, kpj_mismatch, balance, jht_claim or other)"));
                }
                found
            });
            let urgency = match raw.urgency.as_deref() {
                None => Urgency::Normal,
                Some(u) => Urgency::parse(u).unwrap_or_else(|| {
                    report(format!("unknown urgency `{u}` (normal or high)"));
                    Urgency::Normal
                }),
            };
            let attachments = raw
                .attachments
                .iter()
                .filter_map(|a| {
                    let kind = AttachmentKind::from_code(a);
                    if kind.is_none() {
                        report(format!("unknown attachment `{a}` (screenshot, kpj_card, employment_proof or id_card)"));
                    }
                    kind
                })
                .collect();
            NodeKind::Escalate(Escalation { category, urgency, attachments: Cow::Owned(attachments) })
        }
        other => {
            report(format!("unknown type `{other}` (question, step, date, resolved or escalate)"));
            NodeKind::Resolved
        }
    };
    if !matches!(kind, NodeKind::Escalate(_)) && (raw.category.is_some() || raw.urgency.is_some() || !raw.attachments.is_empty()) {
        report("`category`, `urgency` and `attachments` belong to escalate nodes only".into());
    }
    if is_date && !raw.option.is_empty() {
        report("a date question has `[[node.branch]]`, not `[[node.option]]`".into());
    }
    if !is_date && !raw.branch.is_empty() {
        report("`[[node.branch]]` belongs to date questions; use `[[node.option]]`".into());
    }

    let options = raw
        .option
        .into_iter()
        .chain(raw.branch)
        .map(|c| {
            let limits = [c.below_days.map(Limit::Days), c.below_working_days.map(Limit::WorkingDays), c.below_months.map(Limit::Months)];
            let mut limits = limits.into_iter().flatten();
            let below = limits.next();
            if limits.next().is_some() {
                report(format!("option `{}`: give only one of below_days, below_working_days, below_months", c.id));
            }
            Choice { id: Cow::Owned(c.id), label: text(c.label), next: Cow::Owned(c.next), below, date_text: text(c.date_text) }
        })
        .collect();

    Node {
        id: Cow::Owned(raw.id),
        kind,
        title: text(raw.title),
        body: text(raw.body),
        steps: Cow::Owned(raw.steps.into_iter().map(Localized::from).collect()),
        links: Cow::Owned(raw.link.into_iter().map(|l| ExternalLink { label: text(l.label), href: Cow::Owned(l.href) }).collect()),
        channels: Cow::Owned(raw.channels.into_iter().map(Cow::Owned).collect()),
        keywords: Cow::Owned(raw.keywords.into_iter().map(Cow::Owned).collect()),
        options: Cow::Owned(options),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form_problems(source: &str) -> Vec<String> {
        parse_form(source).unwrap_err().iter().map(Problem::to_string).collect()
    }

    #[test]
    fn form_texts_and_error_texts_are_read_with_their_fields() {
        let form = parse_form(
            "[text.submit]\nid = \" Kirim \"\nen = \"Send\"\n\n[error.required]\nid = \"Wajib diisi.\"\nen = \"Required.\"\n\n\
             [error.\"reporter.name\".too_long]\nid = \"Paling banyak {max} huruf.\"\nen = \"At most {max} letters.\"\n",
        )
        .unwrap();
        assert_eq!(form.texts, vec![("submit".to_owned(), Localized { id: "Kirim".into(), en: "Send".into() })]);
        let mut codes: Vec<_> = form.errors.iter().map(|e| (e.field.as_deref(), e.code.as_str())).collect();
        codes.sort_unstable();
        assert_eq!(codes, [(None, "required"), (Some("reporter.name"), "too_long")]);
    }

    #[test]
    fn a_form_text_without_english_or_with_other_placeholders_is_refused_by_key() {
        let missing_en = form_problems("[text.submit]\nid = \"Kirim\"\n");
        assert_eq!(missing_en, ["content/form.toml: node `text.submit`: missing translation: no English `.en` text"]);
        let blank_en = form_problems("[error.required]\nid = \"Wajib diisi.\"\nen = \"  \"\n");
        assert_eq!(blank_en, ["content/form.toml: node `error.required`: missing translation: no English `.en` text"]);

        let mismatched = form_problems("[text.status_ticket]\nid = \"Nomor {ticket}\"\nen = \"Number {tiket}\"\n");
        assert_eq!(mismatched.len(), 1, "{mismatched:?}");
        assert!(mismatched[0].starts_with("content/form.toml: node `text.status_ticket`: the `.id` and `.en` texts have different {placeholders}"), "{mismatched:?}");
        let field = form_problems("[error.\"reporter.name\".too_long]\nid = \"Paling banyak {max} huruf.\"\nen = \"Too long.\"\n");
        assert!(field[0].starts_with("content/form.toml: node `error.\"reporter.name\".too_long`: the `.id` and `.en` texts have different"), "{field:?}");
    }

    #[test]
    fn a_form_file_with_unknown_entries_sections_or_keys_is_refused() {
        let extra = form_problems("[text.submit]\nid = \"Kirim\"\nen = \"Send\"\nfr = \"Envoyer\"\n");
        assert!(extra[0].starts_with("content/form.toml: node `text.submit`: expected `id` and `en` texts: unknown field `fr`"), "{extra:?}");
        let section = form_problems("[texts.submit]\nid = \"Kirim\"\nen = \"Send\"\n");
        assert!(section[0].starts_with("content/form.toml: node `texts`: unknown section"), "{section:?}");
        let key = form_problems("[text.Submit]\nid = \"Kirim\"\nen = \"Send\"\n");
        assert_eq!(key, ["content/form.toml: node `text.Submit`: keys must be lower_snake_case"]);
        assert!(parse_form("[text.submit\n").unwrap_err()[0].to_string().starts_with("content/form.toml: "));
    }

    #[test]
    fn ui_texts_are_checked_by_the_same_rules() {
        let problems: Vec<String> = parse_ui("[shell.step]\nid = \"Langkah {n}\"\nen = \"Step\"\n").unwrap_err().iter().map(Problem::to_string).collect();
        assert!(problems[0].starts_with("content/ui.toml: node `step`: the `.id` and `.en` texts have different {placeholders}"), "{problems:?}");
    }
}
