//! Content from `content/`: the start screen and the app's texts are compiled in (build.rs). In
//! the browser the guides come one file per guide and language ([`jmo_guide::pack::part`]: the
//! guide with the step pages' texts, the channels and the calendar): a step page's own before
//! the widget takes it over, every other one after, in the background, so every guide and both
//! languages keep working when the network goes. The server has them all compiled in (feature
//! `ssr`).

#[cfg(feature = "csr")]
use std::sync::OnceLock;

use jmo_guide::*;
#[cfg(feature = "csr")]
use wasm_bindgen::prelude::*;
#[cfg(feature = "csr")]
use wasm_bindgen_futures::JsFuture;

/// The catalog without the guides' steps: enough for the start screen and to tell a guide exists.
pub static HEAD: Catalog = include!(concat!(env!("OUT_DIR"), "/head.rs"));

include!(concat!(env!("OUT_DIR"), "/ui_text.rs"));

/// Most guides [`Loaded`] can tell apart (build.rs refuses more).
pub const MAX_GUIDES: usize = 32;

/// One guide in one language: what one downloaded file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// Its index in [`HEAD`]'s guides.
    pub guide: usize,
    pub lang: Language,
}

impl Part {
    /// Every part of the catalog: each guide in each language.
    pub fn all() -> impl Iterator<Item = Part> {
        Language::ALL.into_iter().flat_map(|lang| (0..HEAD.guides.len()).map(move |guide| Part { guide, lang }))
    }

    /// The guide with this id in `lang` (none when no guide has that id).
    pub fn of(guide: &str, lang: Language) -> Option<Part> {
        HEAD.guides.iter().position(|g| g.id == guide).map(|guide| Part { guide, lang })
    }

    /// Its file, from the server's root: versioned, so it can be cached forever.
    pub fn file(self) -> String {
        jmo_guide::pack::part_file(&HEAD.version, &HEAD.guides[self.guide].id, self.lang)
    }

    fn bit(self) -> u64 {
        1 << (self.guide * 2 + self.lang as usize)
    }
}

/// The parts here so far (on the server, all of them): a set the state keeps and compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loaded(u64);

impl Loaded {
    pub fn has(self, part: Part) -> bool {
        self.0 & part.bit() != 0
    }
}

/// The parts installed so far.
pub fn loaded() -> Loaded {
    Loaded(Part::all().filter(|&p| catalog_of(p).is_some()).fold(0, |set, p| set | p.bit()))
}

#[cfg(feature = "csr")]
static PARTS: [[OnceLock<&'static Catalog>; 2]; MAX_GUIDES] = [const { [const { OnceLock::new() }; 2] }; MAX_GUIDES];

/// The catalog holding `part`: in the browser, its download (that guide only, in that language);
/// on the server, the full catalog.
pub fn catalog_of(part: Part) -> Option<&'static Catalog> {
    #[cfg(feature = "ssr")]
    let found = (part.guide < HEAD.guides.len()).then(bundled);
    #[cfg(all(feature = "csr", not(feature = "ssr")))]
    let found = PARTS.get(part.guide)?[part.lang as usize].get().copied();
    #[cfg(not(any(feature = "csr", feature = "ssr")))]
    let found = None;
    found
}

/// What every step page in `lang` needs (the step pages' texts, the channels): carried by each
/// part, so here with the first one in that language.
pub fn common(lang: Language) -> Option<&'static Catalog> {
    (0..HEAD.guides.len()).find_map(|guide| catalog_of(Part { guide, lang }))
}

/// A catalog with the calendar date questions count working days with (every part carries it):
/// on the server the full catalog, in the browser any part that is here.
pub fn with_calendar() -> Option<&'static Catalog> {
    Language::ALL.into_iter().find_map(common)
}

/// The full catalog this build was made with, in both languages (the server's guides).
#[cfg(feature = "ssr")]
pub fn bundled() -> &'static Catalog {
    static FULL: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    FULL.get_or_init(|| jmo_guide::pack::unpack(include_str!(concat!(env!("OUT_DIR"), "/catalog.pack"))).expect("build.rs packs a valid catalog").0)
}

/// Unpacks and keeps a downloaded part; it must be that guide, in that language, of the version
/// this build was made with.
#[cfg(feature = "csr")]
pub fn install(part: Part, packed: &str) -> Result<&'static Catalog, jmo_guide::pack::UnpackError> {
    let (catalog, lang) = jmo_guide::pack::unpack(packed)?;
    if catalog.version != HEAD.version || lang != Some(part.lang) || catalog.guides.len() != 1 || catalog.guides[0].id != HEAD.guides[part.guide].id {
        return Err(jmo_guide::pack::UnpackError::NotAPack);
    }
    // Kept for the life of the page, like the compiled-in head (one download at a time).
    let slot = &PARTS[part.guide][part.lang as usize];
    Ok(*slot.get_or_init(|| Box::leak(Box::new(catalog))))
}

#[cfg(feature = "csr")]
#[wasm_bindgen(module = "/src/on_demand.js")]
extern "C" {
    #[wasm_bindgen(js_name = fetchText)]
    fn fetch_text(file: &str, later: bool) -> js_sys::Promise;
}

/// Downloads and installs `part`, trying again each time the device comes back online. `later`:
/// once the page is idle and at low priority (a part nobody waits for).
#[cfg(feature = "csr")]
pub async fn download_until_done(part: Part, later: bool) -> &'static Catalog {
    loop {
        if let Some(catalog) = catalog_of(part) {
            return catalog;
        }
        let text = JsFuture::from(fetch_text(&part.file(), later)).await.ok().and_then(|t| t.as_string());
        if let Some(Ok(catalog)) = text.map(|t| install(part, &t)) {
            return catalog;
        }
        let _ = JsFuture::from(crate::browser::online()).await;
    }
}

/// Downloads, one after the other once the page is idle, every part not here yet: the page's
/// guide (`here`) in the other language first (so the language switch stays in-page, keeping
/// what was typed in a form), then the guides in the page's language (`first`), then in the
/// other. Calls `each` after each one.
#[cfg(feature = "csr")]
pub async fn download_the_rest(first: Language, here: Option<&str>, each: impl Fn()) {
    let mut langs = Language::ALL;
    if langs[0] != first {
        langs.reverse();
    }
    if let Some(part) = here.and_then(|guide| Part::of(guide, langs[1])) {
        if catalog_of(part).is_none() {
            download_until_done(part, true).await;
            each();
        }
    }
    for lang in langs {
        for guide in 0..HEAD.guides.len() {
            let part = Part { guide, lang };
            if catalog_of(part).is_none() {
                download_until_done(part, true).await;
                each();
            }
        }
    }
}

/// The shell's texts (header, footer, loading, not found) in one language.
pub fn ui(lang: Language) -> &'static Shell {
    match lang {
        Language::Id => &SHELL_ID,
        Language::En => &SHELL_EN,
    }
}

/// The step pages' texts in one language; empty until a guide in that language is here (step
/// pages are only shown after that).
pub fn steps_text(lang: Language) -> Steps {
    Steps::from_texts(common(lang).map_or(&[], |c| &c.texts), lang)
}

pub fn category_name(ui: &Steps, category: Category) -> &'static str {
    match category {
        Category::Login => ui.category_login,
        Category::KpjMismatch => ui.category_kpj_mismatch,
        Category::Balance => ui.category_balance,
        Category::JhtClaim => ui.category_jht_claim,
        Category::Other => ui.category_other,
    }
}

pub fn urgency_name(ui: &Steps, urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Normal => ui.urgency_normal,
        Urgency::High => ui.urgency_high,
    }
}

pub fn attachment_name(ui: &Steps, kind: AttachmentKind) -> &'static str {
    match kind {
        AttachmentKind::Screenshot => ui.attachment_screenshot,
        AttachmentKind::KpjCard => ui.attachment_kpj_card,
        AttachmentKind::EmploymentProof => ui.attachment_employment_proof,
        AttachmentKind::IdCard => ui.attachment_id_card,
    }
}
