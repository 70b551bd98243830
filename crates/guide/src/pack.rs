//! The packed catalog: content as one flat text. The server and the tests pack the whole catalog
//! in both languages; the widget downloads one [`part`] per guide and language (only the start
//! screen is compiled in), so a step page waits for its own guide only (guides never link to each
//! other). Fields follow each other in a fixed order, separated by U+001F, which the content
//! checks forbid in texts. Unpacking is a few string splits — no parser in the wasm — and refuses
//! anything that would make a walk go astray.

use std::borrow::Cow;

use crate::model::*;

const SEP: char = '\u{1f}';
/// The format version: `-2` added the calendar and the date branches' `date_text`; `-3` the
/// language (a pack holds both, or one).
pub const MAGIC: &str = "jmo-guide-pack-3";
/// Bounds on counts read from a file, so a damaged one cannot ask for huge allocations.
const MAX_COUNT: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnpackError {
    /// Not a packed catalog (or another format version).
    NotAPack,
    /// Cut short or malformed.
    Damaged,
    /// A guide whose start or option targets do not exist.
    Inconsistent,
}

/// Packs `catalog` in both languages (`None`) or in `lang` only: then the other language's texts
/// are not written, and unpack leaves them empty (a part is only ever shown in its language).
pub fn pack(catalog: &Catalog, lang: Option<Language>) -> String {
    let mut w = Writer(String::new(), lang);
    w.s(MAGIC);
    w.s(&catalog.version);
    w.s(lang.map_or("", Language::as_str));
    w.text(&catalog.start.title);
    w.text(&catalog.start.intro);
    w.n(catalog.start.guides.len());
    catalog.start.guides.iter().for_each(|g| w.s(g));
    w.n(catalog.channels.len());
    for c in catalog.channels.iter() {
        w.s(&c.id);
        w.text(&c.label);
        w.text(&c.note);
        w.s(&c.href);
    }
    w.n(catalog.texts.len());
    for (key, text) in catalog.texts.iter() {
        w.s(key);
        w.text(text);
    }
    w.n(catalog.search.synonyms.len());
    for (variant, meaning) in catalog.search.synonyms.iter() {
        w.s(variant);
        w.s(meaning);
    }
    w.n(catalog.search.stopwords.len());
    catalog.search.stopwords.iter().for_each(|s| w.s(s));
    w.text(&catalog.calendar.month_names);
    w.n(catalog.calendar.years.len());
    for y in catalog.calendar.years.iter() {
        w.n(y.year as usize);
        w.s(if y.estimated { "e" } else { "o" });
        w.s(&y.source);
        w.n(y.days.len());
        for d in y.days.iter() {
            w.s(&d.date.to_string());
            w.s(d.kind.code());
            w.text(&d.name);
        }
    }
    w.n(catalog.guides.len());
    for g in catalog.guides.iter() {
        w.s(&g.id);
        w.text(&g.title);
        w.text(&g.summary);
        w.s(&g.start);
        w.n(g.redirects.len());
        for (from, to) in g.redirects.iter() {
            w.s(from);
            w.s(to);
        }
        w.n(g.nodes.len());
        g.nodes.iter().for_each(|n| w.node(n));
    }
    w.0
}

struct Writer(String, Option<Language>);

impl Writer {
    fn s(&mut self, value: &str) {
        self.0.push_str(value);
        self.0.push(SEP);
    }
    fn n(&mut self, value: usize) {
        self.s(&value.to_string());
    }
    fn text(&mut self, text: &Localized) {
        match self.1 {
            None => {
                self.s(&text.id);
                self.s(&text.en);
            }
            Some(lang) => self.s(text.get(lang)),
        }
    }
    fn node(&mut self, n: &Node) {
        self.s(&n.id);
        match &n.kind {
            NodeKind::Question => self.s("q"),
            NodeKind::Step => self.s("s"),
            NodeKind::Date => self.s("d"),
            NodeKind::Resolved => self.s("r"),
            NodeKind::Escalate(e) => {
                self.s("e");
                self.s(e.category.map(Category::as_str).unwrap_or(""));
                self.s(e.urgency.as_str());
                self.n(e.attachments.len());
                e.attachments.iter().for_each(|a| self.s(a.code()));
            }
        }
        self.text(&n.title);
        self.text(&n.body);
        self.n(n.steps.len());
        n.steps.iter().for_each(|s| self.text(s));
        self.n(n.links.len());
        for l in n.links.iter() {
            self.text(&l.label);
            self.s(&l.href);
        }
        self.n(n.channels.len());
        n.channels.iter().for_each(|c| self.s(c));
        self.n(n.keywords.len());
        n.keywords.iter().for_each(|k| self.s(k));
        self.n(n.options.len());
        for o in n.options.iter() {
            self.s(&o.id);
            self.text(&o.label);
            self.s(&o.next);
            match o.below {
                None => self.s(""),
                Some(Limit::Days(d)) => self.s(&format!("d{d}")),
                Some(Limit::WorkingDays(d)) => self.s(&format!("w{d}")),
                Some(Limit::Months(m)) => self.s(&format!("m{m}")),
            }
            self.text(&o.date_text);
        }
    }
}

/// Reads fields in the order [`pack`] wrote them. A missing or malformed field marks the pack
/// damaged and reads as empty (or zero), so reading goes on without an early return at every field
/// (each one cost the wasm its own clean-up code) and [`unpack`] refuses the pack at the end.
struct Reader<'a> {
    fields: std::str::Split<'a, char>,
    lang: Option<Language>,
    damaged: bool,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> &'a str {
        let field = self.fields.next();
        self.check(field, "")
    }
    /// `value`, or `fallback` with the pack marked damaged.
    fn check<T>(&mut self, value: Option<T>, fallback: T) -> T {
        value.unwrap_or_else(|| {
            self.damaged = true;
            fallback
        })
    }
    fn s(&mut self) -> Text {
        Cow::Owned(self.next().to_owned())
    }
    fn n(&mut self) -> usize {
        // Bounded, so a damaged file cannot ask for huge allocations.
        let n = self.next().parse().ok().filter(|&n| n <= MAX_COUNT);
        self.check(n, 0)
    }
    fn text(&mut self) -> Localized {
        let first = self.s();
        match self.lang {
            None => Localized { id: first, en: self.s() },
            Some(Language::Id) => Localized { id: first, en: Cow::Borrowed("") },
            Some(Language::En) => Localized { id: Cow::Borrowed(""), en: first },
        }
    }
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> T) -> List<T>
    where
        [T]: ToOwned<Owned = Vec<T>>,
    {
        let count = self.n();
        let mut items = Vec::with_capacity(count);
        // Not past the first damage: what was read is refused anyway.
        for _ in 0..count {
            if self.damaged {
                break;
            }
            items.push(item(self));
        }
        Cow::Owned(items)
    }
    fn node(&mut self) -> Node {
        let id = self.s();
        let kind = match self.next() {
            "q" => NodeKind::Question,
            "s" => NodeKind::Step,
            "d" => NodeKind::Date,
            "r" => NodeKind::Resolved,
            "e" => {
                let category = match self.next() {
                    "" => None,
                    code => {
                        let category = Category::parse(code);
                        self.check(category.map(Some), None)
                    }
                };
                let urgency = Urgency::parse(self.next());
                let urgency = self.check(urgency, Urgency::Normal);
                let attachments = self.list(|r| {
                    let kind = AttachmentKind::from_code(r.next());
                    r.check(kind, AttachmentKind::Screenshot)
                });
                NodeKind::Escalate(Escalation { category, urgency, attachments })
            }
            _ => self.check(None, NodeKind::Question),
        };
        Node {
            id,
            kind,
            title: self.text(),
            body: self.text(),
            steps: self.list(Self::text),
            links: self.list(|r| ExternalLink { label: r.text(), href: r.s() }),
            channels: self.list(Self::s),
            keywords: self.list(Self::s),
            options: self.list(|r| {
                let (id, label, next) = (r.s(), r.text(), r.s());
                let below = limit(r.next());
                Choice { id, label, next, below: r.check(below, None), date_text: r.text() }
            }),
        }
    }
}

/// A date branch's limit (`d5`, `w5`, `m3`; empty: none); `None` when malformed.
fn limit(code: &str) -> Option<Option<Limit>> {
    if code.is_empty() {
        return Some(None);
    }
    let mut chars = code.chars();
    let unit = chars.next();
    let number: u32 = chars.as_str().parse().ok()?;
    match unit {
        Some('d') => Some(Some(Limit::Days(number))),
        Some('w') => Some(Some(Limit::WorkingDays(number))),
        Some('m') => Some(Some(Limit::Months(number))),
        _ => None,
    }
}

type Result<T> = std::result::Result<T, UnpackError>;

/// Unpacks what [`pack`] wrote, with the language it was packed in (`None`: both).
pub fn unpack(text: &str) -> Result<(Catalog, Option<Language>)> {
    let mut fields = text.split(SEP);
    if fields.next() != Some(MAGIC) {
        return Err(UnpackError::NotAPack);
    }
    let mut r = Reader { fields, lang: None, damaged: false };
    let version = r.s();
    r.lang = match r.next() {
        "" => None,
        code => {
            let lang = Language::parse(code);
            r.check(lang.map(Some), None)
        }
    };
    let start = StartScreen { title: r.text(), intro: r.text(), guides: r.list(Reader::s) };
    let channels = r.list(|r| Channel { id: r.s(), label: r.text(), note: r.text(), href: r.s() });
    let texts = r.list(|r| (r.s(), r.text()));
    let search = SearchWords { synonyms: r.list(|r| (r.s(), r.s())), stopwords: r.list(Reader::s) };
    let month_names = r.text();
    let years = r.list(|r| {
        let year = u16::try_from(r.n()).ok();
        let year = r.check(year, 0);
        let estimated = match r.next() {
            "e" => true,
            "o" => false,
            _ => r.check(None, false),
        };
        let source = r.s();
        let days = r.list(|r| {
            let date = crate::date::Date::parse(r.next()).ok();
            let date = r.check(date, crate::date::Date { year: 0, month: 1, day: 1 });
            let kind = DayOffKind::from_code(r.next());
            let kind = r.check(kind, DayOffKind::Holiday);
            DayOff { date, kind, name: r.text() }
        });
        HolidayYear { year, estimated, source, days }
    });
    let calendar = Calendar { years, month_names };
    let guides = r.list(|r| Guide { id: r.s(), title: r.text(), summary: r.text(), start: r.s(), redirects: r.list(|r| (r.s(), r.s())), nodes: r.list(Reader::node) });
    // Everything was read: only the final separator's empty remainder may be left.
    if r.damaged || r.fields.next() != Some("") || r.fields.next().is_some() {
        return Err(UnpackError::Damaged);
    }
    // A walk indexes nodes by these names; make sure they all exist.
    for guide in guides.iter() {
        let consistent = guide.node(&guide.start).is_some()
            && guide.nodes.iter().flat_map(|n| n.options.iter()).all(|o| guide.node(&o.next).is_some());
        if !consistent {
            return Err(UnpackError::Inconsistent);
        }
    }
    Ok((Catalog { version, start, guides, channels, texts, calendar, search }, r.lang))
}

/// What the widget downloads for the steps of `guide` (packed in one language): that guide, and
/// what every step page needs — the step pages' texts, the channels, the calendar's days off and
/// month names. Not what the widget never shows: the start screen and the guide's summary
/// (compiled in), the search words and the steps' keywords (the widget has no search), the days'
/// names and sources.
pub fn part(catalog: &Catalog, guide: &Guide) -> Catalog {
    let start = StartScreen { title: Localized::default(), intro: Localized::default(), guides: Cow::Owned(Vec::new()) };
    let nodes = guide.nodes.iter().map(|n| Node { keywords: Cow::Owned(Vec::new()), ..n.clone() }).collect::<Vec<_>>();
    let guide = Guide { summary: Localized::default(), nodes: nodes.into(), ..guide.clone() };
    let years = catalog.calendar.years.iter().map(|y| HolidayYear {
        source: Cow::Borrowed(""),
        days: y.days.iter().map(|d| DayOff { name: Localized::default(), ..d.clone() }).collect::<Vec<_>>().into(),
        ..y.clone()
    });
    let calendar = Calendar { years: years.collect::<Vec<_>>().into(), ..catalog.calendar.clone() };
    Catalog { start, guides: Cow::Owned(vec![guide]), calendar, search: SearchWords::default(), ..catalog.clone() }
}

/// Every file the widget downloads: the [`part`] of each guide in each language, by file name.
pub fn part_files(catalog: &Catalog) -> Vec<(String, String)> {
    let each = |g: &Guide| Language::ALL.map(|lang| (part_file(&catalog.version, &g.id, lang), pack(&part(catalog, g), Some(lang))));
    catalog.guides.iter().flat_map(each).collect()
}

/// The file name of [`part`] of `guide` in `lang`: versioned, so it can be cached forever.
pub fn part_file(version: &str, guide: &str, lang: Language) -> String {
    format!("content-{guide}-{}-{version}.txt", lang.as_str())
}

/// The catalog without the guides' nodes: what the start screen needs, compiled into the widget.
pub fn head(catalog: &Catalog) -> Catalog {
    let guides = catalog
        .guides
        .iter()
        .map(|g| Guide { nodes: Cow::Owned(Vec::new()), redirects: Cow::Owned(Vec::new()), start: Cow::Owned(String::new()), ..g.clone() })
        .collect::<Vec<_>>();
    Catalog { guides: Cow::Owned(guides), channels: Cow::Owned(Vec::new()), texts: Cow::Owned(Vec::new()), calendar: Calendar::default(), search: SearchWords::default(), ..catalog.clone() }
}
