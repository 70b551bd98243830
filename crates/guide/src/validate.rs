//! Content checks. Each problem names the file and the node, so an editor who does not read
//! Rust can fix it: unreachable nodes, dead ends, cycles, options pointing nowhere, missing
//! translations, escalations without a category, duplicate ids, removed published ids.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::link::is_valid_id;
use crate::date::{Calendar, Date};
use crate::model::{Catalog, Guide, Localized, Node, NodeKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Path of the file, relative to the repository (e.g. `content/guides/login.toml`).
    pub file: String,
    pub node: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(node) => write!(f, "{}: node `{}`: {}", self.file, node, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Where each piece of content came from, for messages.
pub fn guide_file(guide_id: &str) -> String {
    format!("content/guides/{guide_id}.toml")
}
pub const START_FILE: &str = "content/start.toml";
pub const CHANNELS_FILE: &str = "content/channels.toml";
pub const LOCK_FILE: &str = "content/published.lock";

/// All problems of a catalog. `published` is the lock file's list of `guide/node` ids.
pub fn validate(catalog: &Catalog, published: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_start(catalog, &mut problems);
    check_channels(catalog, &mut problems);
    let mut seen_guides = HashSet::new();
    for guide in catalog.guides.iter() {
        if !seen_guides.insert(&*guide.id) {
            problems.push(problem(&guide_file(&guide.id), None, "duplicate guide id"));
        }
        check_guide(catalog, guide, &mut problems);
    }
    check_published(catalog, published, &mut problems);
    problems
}

fn problem(file: &str, node: Option<&str>, message: impl Into<String>) -> Problem {
    Problem { file: file.to_owned(), node: node.map(str::to_owned), message: message.into() }
}

/// Both languages present, or (for optional texts) both absent.
fn check_text(text: &Localized, what: &str, required: bool, mut report: impl FnMut(String)) {
    if [&text.id, &text.en].iter().any(|t| t.chars().any(|c| c.is_control() && c != '\n')) {
        report(format!("{what} contains a control character (only line breaks are allowed)"));
    }
    let (id, en) = (text.id.trim().is_empty(), text.en.trim().is_empty());
    match (id, en) {
        (true, true) if required => report(format!("{what} is missing (Indonesian `.id` and English `.en`)")),
        (true, false) => report(format!("missing translation: {what} has no Indonesian text (`.id`)")),
        (false, true) => report(format!("missing translation: {what} has no English text (`.en`)")),
        _ => {}
    }
}

fn check_start(catalog: &Catalog, problems: &mut Vec<Problem>) {
    let start = &catalog.start;
    check_text(&start.title, "title", true, |m| problems.push(problem(START_FILE, None, m)));
    check_text(&start.intro, "intro", false, |m| problems.push(problem(START_FILE, None, m)));
    for id in start.guides.iter() {
        if catalog.guide(id).is_none() {
            problems.push(problem(START_FILE, None, format!("lists guide `{id}`, which does not exist")));
        }
    }
    for guide in catalog.guides.iter() {
        if !start.guides.contains(&guide.id) {
            let file = guide_file(&guide.id);
            problems.push(problem(&file, None, "unreachable guide: not listed in content/start.toml `guides`"));
        }
    }
}

fn check_channels(catalog: &Catalog, problems: &mut Vec<Problem>) {
    let mut seen = HashSet::new();
    for channel in catalog.channels.iter() {
        let at = Some(&*channel.id);
        let mut report = |m: String| problems.push(problem(CHANNELS_FILE, at, m));
        if !seen.insert(&*channel.id) {
            report("duplicate channel id".into());
        }
        if !is_valid_id(&channel.id) {
            report("id must be lower case letters, digits, `_` or `-`".into());
        }
        check_text(&channel.label, "label", true, &mut report);
        check_text(&channel.note, "note", false, &mut report);
        if !is_allowed_href(&channel.href) {
            report(format!("href `{}` must start with https://, tel: or mailto:", channel.href));
        }
    }
}

pub fn is_allowed_href(href: &str) -> bool {
    let rest = ["https://", "tel:", "mailto:"].iter().find_map(|scheme| href.strip_prefix(scheme));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>'))
}

/// Fragments the widget uses for its own pages (`#/check`: "check my complaint").
pub const RESERVED_GUIDE_IDS: &[&str] = &["check", "api", "staff", "index.html", "embed-origins.json", "snippets"];

fn check_guide(catalog: &Catalog, guide: &Guide, problems: &mut Vec<Problem>) {
    let file = guide_file(&guide.id);
    let mut report = |node: Option<&str>, message: String| problems.push(problem(&file, node, message));
    if !is_valid_id(&guide.id) {
        report(None, "guide id must be lower case letters, digits, `_` or `-`".into());
    }
    if RESERVED_GUIDE_IDS.contains(&&*guide.id) {
        report(None, format!("guide id `{}` is reserved for a page or file of the server (`/{}`)", guide.id, guide.id));
    }
    check_text(&guide.title, "title", true, |m| report(None, m));
    check_text(&guide.summary, "summary", false, |m| report(None, m));

    let mut ids = HashSet::new();
    for node in guide.nodes.iter() {
        if !ids.insert(&*node.id) {
            report(Some(&node.id), "duplicate node id".into());
        }
        check_node(catalog, guide, node, &mut |m| report(Some(&node.id), m));
    }
    if guide.node(&guide.start).is_none() {
        report(None, format!("start node `{}` does not exist", guide.start));
        return;
    }
    for (from, to) in guide.redirects.iter() {
        if guide.node(from).is_some() {
            report(Some(from), format!("redirect from `{from}`, but that node still exists"));
        }
        if guide.resolve(to).is_none() {
            report(Some(from), format!("redirect points to `{to}`, which does not exist"));
        }
    }

    let reachable = reachable_from_start(guide);
    for (index, node) in guide.nodes.iter().enumerate() {
        if !reachable[index] {
            report(Some(&node.id), format!("unreachable node: no path leads here from start `{}`", guide.start));
        }
    }
    if let Some(cycle) = find_cycle(guide) {
        let path: Vec<&str> = cycle.iter().map(|&i| &*guide.nodes[i].id).collect();
        report(Some(path[0]), format!("cycle: {}", path.join(" → ")));
    }
}

fn check_node(catalog: &Catalog, guide: &Guide, node: &Node, report: &mut dyn FnMut(String)) {
    if !is_valid_id(&node.id) {
        report("id must be lower case letters, digits, `_` or `-` (at most 48)".into());
    }
    check_text(&node.title, "title", true, &mut *report);
    check_text(&node.body, "body", false, &mut *report);
    for (i, step) in node.steps.iter().enumerate() {
        check_text(step, &format!("step {}", i + 1), true, &mut *report);
    }
    for link in node.links.iter() {
        check_text(&link.label, &format!("link `{}` label", link.href), true, &mut *report);
        if !is_allowed_href(&link.href) {
            report(format!("link `{}` must start with https://, tel: or mailto:", link.href));
        }
    }
    for keyword in node.keywords.iter() {
        if keyword.trim().is_empty() || keyword.chars().any(char::is_control) {
            report(format!("keyword {keyword:?} must be words, without line breaks"));
        }
    }
    for channel in node.channels.iter() {
        if catalog.channel(channel).is_none() {
            report(format!("unknown channel `{channel}` (see content/channels.toml)"));
        }
    }

    match &node.kind {
        NodeKind::Question | NodeKind::Step | NodeKind::Date if node.options.is_empty() => {
            report("dead end: this node has no options and is not an outcome (resolved or escalate)".into());
        }
        NodeKind::Resolved | NodeKind::Escalate(_) if !node.options.is_empty() => {
            report("an outcome (resolved or escalate) cannot have options".into());
        }
        _ => {}
    }
    if node.kind == NodeKind::Step && node.steps.is_empty() {
        report("a step needs `steps`: the instructions to try".into());
    }
    if let NodeKind::Escalate(escalation) = &node.kind {
        if escalation.category.is_none() {
            report("escalation without category: add `category = \"login\"` (login, kpj_mismatch, balance, jht_claim or other)".into());
        }
    }

    let mut option_ids = HashSet::new();
    let last = node.options.len().saturating_sub(1);
    for (i, option) in node.options.iter().enumerate() {
        let what = format!("option `{}`", option.id);
        if !option_ids.insert(&*option.id) {
            report(format!("duplicate {what}"));
        }
        if !is_valid_id(&option.id) {
            report(format!("{what}: id must be lower case letters, digits, `_` or `-`"));
        }
        check_text(&option.label, &format!("{what} label"), true, &mut *report);
        if guide.node(&option.next).is_none() {
            report(format!("{what} points to `{}`, which does not exist", option.next));
        }
        let has_date_text = !option.date_text.is_empty();
        check_text(&option.date_text, &format!("{what} date_text"), false, &mut *report);
        if has_date_text && (node.kind != NodeKind::Date || option.below.is_none()) {
            report(format!("{what}: `date_text` belongs to date branches with a limit (`below_…`)"));
        }
        if has_date_text && [&option.date_text.id, &option.date_text.en].iter().any(|t| !t.contains("{date}")) {
            report(format!("{what}: `date_text` must contain `{{date}}` in both languages"));
        }
        match (&node.kind, option.below, i == last) {
            (NodeKind::Date, None, false) => report(format!("{what}: only the last branch may have no limit")),
            (NodeKind::Date, Some(_), true) => report(format!("{what}: the last branch must have no limit (it catches everything else)")),
            (NodeKind::Date, _, _) | (_, None, _) => {}
            (_, Some(_), _) => report(format!("{what}: limits (`below_…`) belong to date questions only")),
        }
    }
}

fn reachable_from_start(guide: &Guide) -> Vec<bool> {
    let mut seen = vec![false; guide.nodes.len()];
    let mut stack = vec![guide.start_index()];
    while let Some(at) = stack.pop() {
        if std::mem::replace(&mut seen[at], true) {
            continue;
        }
        stack.extend(guide.nodes[at].options.iter().filter_map(|o| guide.node_index(&o.next)));
    }
    seen
}

/// A cycle as the list of node indices on it, if there is one.
fn find_cycle(guide: &Guide) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; guide.nodes.len()];
    let index: HashMap<&str, usize> = guide.nodes.iter().enumerate().map(|(i, n)| (&*n.id, i)).collect();
    let successors = |at: usize| -> Vec<usize> {
        guide.nodes[at].options.iter().filter_map(|o| index.get(&*o.next).copied()).collect()
    };
    for root in 0..guide.nodes.len() {
        if marks[root] != Mark::New {
            continue;
        }
        // Iterative depth-first search; `path` holds the nodes on the current branch.
        let mut path = vec![root];
        let mut pending = vec![successors(root)];
        marks[root] = Mark::OnPath;
        while let Some(next) = pending.last_mut() {
            match next.pop() {
                Some(n) if marks[n] == Mark::OnPath => {
                    let from = path.iter().position(|&p| p == n).unwrap_or(0);
                    let mut cycle = path[from..].to_vec();
                    cycle.push(n);
                    return Some(cycle);
                }
                Some(n) if marks[n] == Mark::New => {
                    marks[n] = Mark::OnPath;
                    path.push(n);
                    pending.push(successors(n));
                }
                Some(_) => {}
                None => {
                    pending.pop();
                    if let Some(done) = path.pop() {
                        marks[done] = Mark::Done;
                    }
                }
            }
        }
    }
    None
}

fn check_published(catalog: &Catalog, published: &[String], problems: &mut Vec<Problem>) {
    for entry in published {
        let (guide_id, node_id) = entry.split_once('/').unwrap_or((entry, ""));
        let Some(guide) = catalog.guide(guide_id) else {
            problems.push(problem(LOCK_FILE, None, format!("published guide `{guide_id}` was removed; published links must keep working")));
            continue;
        };
        if !node_id.is_empty() && guide.resolve(node_id).is_none() {
            problems.push(problem(
                &guide_file(guide_id),
                Some(node_id),
                format!("published node `{node_id}` was removed without a redirect: add `{node_id} = \"<new node>\"` under [redirects]"),
            ));
        }
    }
}

/// Ids in the catalog that the lock file does not list yet (`cargo xtask lock-content` adds them).
pub fn unpublished(catalog: &Catalog, published: &[String]) -> Vec<String> {
    let known: HashSet<&str> = published.iter().map(String::as_str).collect();
    lock_entries(catalog).into_iter().filter(|e| !known.contains(e.as_str())).collect()
}

/// Every guide and node id of a catalog, as the lock file lists them.
pub fn lock_entries(catalog: &Catalog) -> Vec<String> {
    let mut entries = Vec::new();
    for guide in catalog.guides.iter() {
        entries.push(guide.id.to_string());
        entries.extend(guide.nodes.iter().map(|n| format!("{}/{}", guide.id, n.id)));
    }
    entries
}

/// The holiday calendar: each year's days lie in that year, have names in both languages and
/// appear once. Returns (problems, warnings): a problem when `today`'s year has no
/// `content/holidays/<year>.toml`, a warning from November on when the next year has none yet.
pub fn check_calendar(calendar: &Calendar, today: Date) -> (Vec<Problem>, Vec<Problem>) {
    let (mut problems, mut warnings) = (Vec::new(), Vec::new());
    let file = |year: u16| format!("content/holidays/{year}.toml");
    let mut seen_years = HashSet::new();
    for year in calendar.years.iter() {
        if !seen_years.insert(year.year) {
            problems.push(problem(&file(year.year), None, "duplicate year"));
        }
        if year.source.trim().is_empty() {
            problems.push(problem(&file(year.year), None, "`source` is missing: say which decree (SKB) the dates come from, or how they were estimated"));
        }
        let mut seen = HashSet::new();
        for day in year.days.iter() {
            let at = day.date.to_string();
            let mut report = |m: String| problems.push(problem(&file(year.year), Some(&at), m));
            if day.date.year != year.year {
                report(format!("date is not in {}", year.year));
            }
            if !seen.insert(day.date) {
                report("listed twice: a day is either a holiday or cuti bersama, once".into());
            }
            check_text(&day.name, "name", true, &mut report);
        }
    }
    if calendar.year(today.year).is_none() {
        problems.push(problem(
            &file(today.year),
            None,
            format!("missing: no public holidays or cuti bersama for {}, so working days would count them as working days", today.year),
        ));
    }
    if today.month >= 11 && calendar.year(today.year + 1).is_none() {
        warnings.push(problem(
            &file(today.year + 1),
            None,
            format!("missing: add {}'s public holidays and cuti bersama (the SKB is usually published in September; mark `status = \"estimated\"` until it is)", today.year + 1),
        ));
    }
    (problems, warnings)
}
