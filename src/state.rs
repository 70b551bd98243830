//! What the page shows, as one reducible state. The URL fragment is the source of truth: every
//! navigation changes it, and its `hashchange` becomes an [`Action::Open`].

use std::rc::Rc;

use jmo_guide::link::{Link, Opened};
use jmo_guide::walk::Walk;
use jmo_guide::Lang;
use yew::Reducible;

use crate::content::CATALOG;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    Start,
    Step {
        guide: usize,
        walk: Walk,
        /// The link's answers no longer fit the guide (content was edited since).
        changed: bool,
    },
    NotFound,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub lang: Lang,
    pub screen: Screen,
    pub embed: bool,
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
}

impl State {
    pub fn new(fragment: &str, stored_lang: Option<Lang>) -> State {
        let base = State { lang: stored_lang.unwrap_or_default(), screen: Screen::Start, embed: false, visited: Vec::new(), transitions: 0 };
        base.open(fragment)
    }

    fn open(mut self, fragment: &str) -> State {
        // Only `#/…` fragments are step links; anything else (`#top`) shows the start screen.
        let link = if fragment.is_empty() || fragment == "#" || !fragment.starts_with("#/") {
            Ok(Link::start())
        } else {
            Link::decode(fragment)
        };
        match link {
            Ok(link) => {
                if let Some(lang) = link.lang {
                    self.lang = lang;
                }
                self.embed = link.embed;
                self.screen = match CATALOG.open(&link) {
                    Opened::Start => Screen::Start,
                    Opened::Step { guide, walk, changed } => Screen::Step { guide, walk, changed },
                    Opened::NotFound => Screen::NotFound,
                };
            }
            Err(_) => self.screen = Screen::NotFound,
        }
        self.transitions += 1;
        let fragment = fragment.to_owned();
        if self.visited.len() >= 2 && self.visited[self.visited.len() - 2] == fragment {
            self.visited.pop();
        } else if self.visited.last() != Some(&fragment) {
            self.visited.push(fragment);
        }
        self
    }

    /// The fragment for a link, keeping the embed mode of this page.
    pub fn href(&self, link: Link) -> String {
        link.with_embed(self.embed).encode()
    }

    /// Whether `fragment` is the history entry right before the current one.
    pub fn came_from(&self, fragment: &str) -> bool {
        self.visited.len() >= 2 && self.visited[self.visited.len() - 2] == fragment
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Open(fragment) => Rc::new((*self).clone().open(&fragment)),
            Action::SetLang(lang) if lang != self.lang => Rc::new(State { lang, ..(*self).clone() }),
            Action::SetLang(_) => self,
        }
    }
}
