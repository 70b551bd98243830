//! Guides as plain data. Texts and lists are `Cow` so the same types hold content parsed at run
//! time (owned) and content compiled into the widget (borrowed `'static` data, no parser shipped).

use std::borrow::Cow;

pub type Text = Cow<'static, str>;
pub type List<T> = Cow<'static, [T]>;

/// The two languages every text exists in ([`jmo_contract::Language`]; Indonesian is the default).
pub use jmo_contract::Language;

/// One text in both languages, Indonesian first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Localized {
    pub id: Text,
    pub en: Text,
}

impl Localized {
    pub fn get(&self, lang: Language) -> &str {
        match lang {
            Language::Id => &self.id,
            Language::En => &self.en,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.id.trim().is_empty() && self.en.trim().is_empty()
    }

    /// Paragraphs, split on empty lines.
    pub fn paragraphs(&self, lang: Language) -> impl Iterator<Item = &str> {
        self.get(lang).split("\n\n").map(str::trim).filter(|p| !p.is_empty())
    }
}

/// All shipped content: the start screen, the guides, the official channels.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    /// A short hash of the content files, sent with complaints so staff know what was shown.
    pub version: Text,
    pub start: StartScreen,
    pub guides: List<Guide>,
    pub channels: List<Channel>,
    /// Texts of the widget's step pages (`steps.*` in `content/ui.toml`), by key.
    pub texts: List<(Text, Localized)>,
    /// Public holidays and *cuti bersama* (`content/holidays/<year>.toml`) and the month names
    /// (`content/calendar.toml`): every working-day rule counts with it.
    pub calendar: Calendar,
    /// Synonyms and filler words of the word search (`content/search.toml`).
    pub search: SearchWords,
}

/// How the word search reads what a participant types: informal spellings and abbreviations
/// mapped to the words the guides use, and words that say nothing about the problem.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchWords {
    /// Variant (one or more words) → the words it stands for: `gk` → `tidak`, `pw` → `kata sandi`.
    pub synonyms: List<(Text, Text)>,
    pub stopwords: List<Text>,
}

pub use crate::date::{Calendar, DayOff, DayOffKind, HolidayYear};

#[derive(Clone, Debug, PartialEq)]
pub struct StartScreen {
    pub title: Localized,
    pub intro: Localized,
    /// Guide ids in the order the start screen lists them.
    pub guides: List<Text>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Channel {
    pub id: Text,
    pub label: Localized,
    pub note: Localized,
    pub href: Text,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Guide {
    pub id: Text,
    pub title: Localized,
    pub summary: Localized,
    pub start: Text,
    pub nodes: List<Node>,
    /// Removed or renamed node id → the node that replaces it, so published links keep working.
    pub redirects: List<(Text, Text)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: Text,
    pub kind: NodeKind,
    pub title: Localized,
    pub body: Localized,
    pub steps: List<Localized>,
    pub links: List<ExternalLink>,
    pub channels: List<Text>,
    /// Words and phrases participants type for this step ("otp gk masuk"), for the word search;
    /// never shown.
    pub keywords: List<Text>,
    /// Answers of a question or step, branches of a date question; empty for outcomes.
    pub options: List<Choice>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Question,
    /// "Try this", then "did it work?".
    Step,
    /// A date input; the option is chosen by the time elapsed since that date.
    Date,
    Resolved,
    Escalate(Escalation),
}

impl NodeKind {
    pub fn is_outcome(&self) -> bool {
        matches!(self, NodeKind::Resolved | NodeKind::Escalate(_))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escalation {
    /// `None` only in content that fails validation.
    pub category: Option<Category>,
    pub urgency: Urgency,
    pub attachments: List<AttachmentKind>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub id: Text,
    pub label: Localized,
    pub next: Text,
    /// Date branches only: chosen while this much time has not yet passed.
    pub below: Option<Limit>,
    /// Date branches with a limit only (may be empty): a sentence with `{date}`, the day the
    /// limit is reached, e.g. "Anda bisa mengajukan klaim mulai {date}." See `Walk::date_text`.
    pub date_text: Localized,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Days(u32),
    WorkingDays(u32),
    Months(u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalLink {
    pub label: Localized,
    pub href: Text,
}

/// Complaint categories and urgencies are the intake contract's own: an escalation carries
/// exactly what the complaint will.
pub use jmo_contract::{Category, Urgency};

/// What an escalation suggests attaching to the complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttachmentKind {
    Screenshot,
    KpjCard,
    EmploymentProof,
    IdCard,
}

impl AttachmentKind {
    pub const ALL: [AttachmentKind; 4] = [
        AttachmentKind::Screenshot,
        AttachmentKind::KpjCard,
        AttachmentKind::EmploymentProof,
        AttachmentKind::IdCard,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AttachmentKind::Screenshot => "screenshot",
            AttachmentKind::KpjCard => "kpj_card",
            AttachmentKind::EmploymentProof => "employment_proof",
            AttachmentKind::IdCard => "id_card",
        }
    }

    pub fn from_code(code: &str) -> Option<AttachmentKind> {
        AttachmentKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl Catalog {
    pub fn guide(&self, id: &str) -> Option<&Guide> {
        self.guides.iter().find(|g| g.id == id)
    }

    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// The guides in start-screen order.
    pub fn start_guides(&self) -> impl Iterator<Item = &Guide> {
        self.start.guides.iter().filter_map(|id| self.guide(id))
    }
}

impl Guide {
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn start_index(&self) -> usize {
        self.node_index(&self.start).unwrap_or(0)
    }

    /// The node an id stands for today: itself, or where its redirects lead.
    pub fn resolve(&self, id: &str) -> Option<usize> {
        let mut id = id;
        // Redirect chains are short; the bound only guards against a loop in broken content.
        for _ in 0..=self.redirects.len() {
            if let Some(index) = self.node_index(id) {
                return Some(index);
            }
            id = &self.redirects.iter().find(|(from, _)| from == id)?.1;
        }
        None
    }
}

impl Node {
    pub fn option_index(&self, id: &str) -> Option<usize> {
        self.options.iter().position(|o| o.id == id)
    }

    pub fn escalation(&self) -> Option<&Escalation> {
        match &self.kind {
            NodeKind::Escalate(e) => Some(e),
            _ => None,
        }
    }
}
