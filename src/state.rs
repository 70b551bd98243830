//! What the page shows, as one reducible state. The URL fragment is the source of truth: every
//! navigation changes it, and its `hashchange` becomes an [`Action::Open`].

use std::rc::Rc;

use jmo_guide::link::{Link, Opened};
use jmo_guide::walk::Walk;
use jmo_guide::{Catalog, Guide, Lang};
use yew::{Reducible, UseReducerHandle};

use crate::content::{self, HEAD};

/// Content that lives as long as the page, compared by identity (cheap prop comparison).
#[derive(Debug)]
pub struct Kept<T: 'static>(pub &'static T);

pub type GuideRef = Kept<Guide>;

impl<T> Clone for Kept<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Kept<T> {}
impl<T> PartialEq for Kept<T> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}
impl<T> Eq for Kept<T> {}

impl<T> std::ops::Deref for Kept<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0
    }
}

/// The state as components get it (through context) and views take it.
pub type Store = UseReducerHandle<State>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    Start,
    /// A guide was asked for before its steps were downloaded.
    Loading,
    Step {
        guide: GuideRef,
        walk: Walk,
        /// The link's answers no longer fit the guide (content was edited since).
        changed: bool,
    },
    NotFound,
    /// "Check my complaint" (`#/check`), drawn by the form module.
    Check,
}

/// The fragment of the "check my complaint" screen (not a guide: no guide may take this id).
pub const CHECK_PAGE: &str = "#/check";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub lang: Lang,
    pub screen: Screen,
    pub embed: bool,
    /// The full catalog, once downloaded.
    pub catalog: Option<Kept<Catalog>>,
    pub load_failed: bool,
    /// Bumped to download the catalog again.
    pub load_attempt: u32,
    /// Fragments opened in this page, most recent last: the in-app back button goes back in
    /// browser history only when the previous entry is ours.
    pub visited: Vec<String>,
    /// Links opened so far (the first render counts as one): focus follows each new one.
    pub transitions: u32,
}

pub enum Action {
    /// The fragment changed (a link was followed, or browser back/forward).
    Open(String),
    SetLang(Lang),
    ContentLoaded(&'static Catalog),
    ContentFailed,
    RetryContent,
}

impl State {
    pub fn new(fragment: &str, stored_lang: Option<Lang>) -> State {
        State {
            lang: stored_lang.unwrap_or_default(),
            screen: Screen::Start,
            embed: false,
            catalog: content::full().map(Kept),
            load_failed: false,
            load_attempt: 0,
            visited: Vec::new(),
            transitions: 0,
        }
        .open(fragment)
    }

    fn open(mut self, fragment: &str) -> State {
        // Only `#/…` fragments are step links; anything else (`#top`) shows the start screen.
        // `#/check?lang=en` takes its parameters as a start link would.
        let check = fragment.strip_prefix(CHECK_PAGE).filter(|rest| rest.is_empty() || rest.starts_with('?'));
        let link = match check {
            Some(query) => Link::decode(&format!("#/{query}")),
            None if !fragment.starts_with("#/") => Ok(Link::start()),
            None => Link::decode(fragment),
        };
        self.screen = match link {
            Ok(link) => {
                if let Some(lang) = link.lang {
                    self.lang = lang;
                }
                self.embed = link.embed;
                if check.is_some() { Screen::Check } else { self.screen_for(&link) }
            }
            Err(_) => Screen::NotFound,
        };
        self.transitions += 1;
        let fragment = fragment.to_owned();
        if self.came_from(&fragment) {
            self.visited.pop();
        } else if self.visited.last() != Some(&fragment) {
            // Only the last entries matter (for the back button); a long session stays small.
            if self.visited.len() == 32 {
                self.visited.remove(0);
            }
            self.visited.push(fragment);
        }
        self
    }

    fn screen_for(&self, link: &Link) -> Screen {
        let Some(Kept(catalog)) = self.catalog else {
            // Without the steps we can still tell a start link or an unknown guide.
            return match HEAD.open(&Link { node: None, answers: Vec::new(), ..link.clone() }) {
                Opened::Start => Screen::Start,
                Opened::NotFound => Screen::NotFound,
                Opened::Step { .. } => Screen::Loading,
            };
        };
        match catalog.open(link) {
            Opened::Start => Screen::Start,
            Opened::Step { guide, walk, changed } => Screen::Step { guide: Kept(&catalog.guides[guide]), walk, changed },
            Opened::NotFound => Screen::NotFound,
        }
    }

    /// The fragment for a link, keeping the embed mode of this page.
    pub fn href(&self, link: Link) -> String {
        link.with_embed(self.embed).encode()
    }

    /// A fixed page's fragment (`#/check`), keeping this page's language and embed mode.
    pub fn href_to(&self, page: &str) -> String {
        let query = Link::start().with_embed(self.embed).encode();
        format!("{page}{}", query.trim_start_matches("#/"))
    }

    /// Whether `fragment` is the history entry right before the current one.
    pub fn came_from(&self, fragment: &str) -> bool {
        self.visited.len() >= 2 && self.visited[self.visited.len() - 2] == fragment
    }

    fn current_fragment(&self) -> String {
        self.visited.last().cloned().unwrap_or_default()
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            // `hashchange` and `popstate` may both report the same move.
            Action::Open(fragment) if self.visited.last() == Some(&fragment) => return self,
            Action::Open(fragment) => return Rc::new(next.open(&fragment)),
            Action::SetLang(lang) if lang == self.lang => return self,
            Action::SetLang(lang) => next.lang = lang,
            Action::ContentLoaded(catalog) => {
                next.catalog = Some(Kept(catalog));
                next.load_failed = false;
                if next.screen == Screen::Loading {
                    let fragment = next.current_fragment();
                    return Rc::new(next.open(&fragment));
                }
            }
            Action::ContentFailed => next.load_failed = true,
            Action::RetryContent if self.catalog.is_some() => return self,
            Action::RetryContent => {
                next.load_failed = false;
                next.load_attempt += 1;
            }
        }
        Rc::new(next)
    }
}
