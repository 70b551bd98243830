//! What the page shows, as one reducible state. The page's address (path and query, e.g.
//! `/login/otp_missing?a=what_happens.no_otp`) is the source of truth: the server renders it, and
//! in the browser every followed link, back and forward becomes an [`Action::Open`].

use std::rc::Rc;

use jmo_guide::date::Date;
use jmo_guide::link::{Link, Opened};
use jmo_guide::walk::Walk;
use jmo_guide::{Guide, Language};
use yew::{Reducible, UseReducerHandle};

use crate::components::RefusedDate;
use crate::content::{self, Loaded, Part};

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
    Step {
        guide: GuideRef,
        walk: Walk,
        /// The link's answers no longer fit the guide (content was edited since).
        changed: bool,
    },
    NotFound,
    /// "Check my complaint" (`/check`), drawn by the form module.
    Check,
    /// The receipt of a complaint filed without JavaScript (`/received/<key>`), drawn by the
    /// server only (it alone knows the ticket); the widget keeps its markup.
    Received,
}

/// The path of the "check my complaint" page (not a guide: no guide may take this id).
pub const CHECK_PAGE: &str = "/check";

/// Where a complaint filed without JavaScript is acknowledged: `/received/<its key>` (not a
/// guide either).
pub const RECEIVED_PAGE: &str = "/received/";

/// The query of a fixed page's address (`/check?lang=en` → `?lang=en`), if `address` is it.
pub fn fixed_page<'a>(address: &'a str, page: &str) -> Option<&'a str> {
    if page.ends_with('/') {
        let rest = address.strip_prefix(page)?;
        let (key, query) = rest.split_at(rest.find('?').unwrap_or(rest.len()));
        return (!key.is_empty() && !key.contains('/')).then_some(query);
    }
    address.strip_prefix(page).filter(|rest| rest.is_empty() || rest.starts_with('?'))
}

/// Where a page starts from: what the server knows of a request, or what the browser knows of
/// its page when the widget takes over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    /// The page's path and query (`/login?a=…`).
    pub address: String,
    /// Today in Jakarta (WIB), on the server and in the browser alike: date questions check
    /// against it, so both draw the same page.
    pub today: Date,
    /// The language this device remembers, used when the link names none.
    pub remembered_lang: Option<Language>,
    /// This device keeps complaints (waiting, delivered or refused) in its outbox.
    pub stored_complaints: bool,
    /// A date the server refused (a form posted without JavaScript), shown with its message.
    pub refused_date: Option<RefusedDate>,
}

impl Opening {
    pub fn new(address: impl Into<String>, today: Date) -> Opening {
        Opening { address: address.into(), today, remembered_lang: None, stored_complaints: false, refused_date: None }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub lang: Language,
    pub screen: Screen,
    pub embed: bool,
    pub today: Date,
    pub remembered_lang: Option<Language>,
    pub stored_complaints: bool,
    pub refused_date: Option<RefusedDate>,
    /// The guides here, each in the languages it came in (on the server, all). Links to the steps
    /// of a guide not here yet in the link's language are followed by the browser (the server
    /// draws them): see [`drawable`].
    pub guides: Loaded,
    /// Addresses opened in this page, most recent last: the in-app back button goes back in
    /// browser history only when the previous entry is ours.
    pub visited: Vec<String>,
    /// Links opened so far (the first render counts as one): focus follows each new one.
    pub transitions: u32,
}

pub enum Action {
    /// The address changed (a link was followed, or browser back/forward).
    Open(String),
    /// More guides were downloaded.
    GuidesLoaded(Loaded),
}

impl State {
    pub fn new(opening: &Opening) -> State {
        State {
            lang: opening.remembered_lang.unwrap_or_default(),
            screen: Screen::Start,
            embed: false,
            today: opening.today,
            remembered_lang: opening.remembered_lang,
            stored_complaints: opening.stored_complaints,
            refused_date: None,
            guides: content::loaded(),
            visited: Vec::new(),
            transitions: 0,
        }
        .open(&opening.address)
        .with_refused_date(opening.refused_date.clone())
    }

    fn with_refused_date(mut self, refused: Option<RefusedDate>) -> State {
        self.refused_date = refused;
        self
    }

    fn open(mut self, address: &str) -> State {
        let fixed = [(CHECK_PAGE, Screen::Check), (RECEIVED_PAGE, Screen::Received)]
            .into_iter()
            .find_map(|(page, screen)| fixed_page(address, page).map(|query| (query, screen)));
        let link = match &fixed {
            Some((query, _)) => Link::decode(&format!("/{query}")),
            None => Link::decode(address),
        };
        self.refused_date = None;
        self.screen = match link {
            Ok(link) => {
                self.lang = link.lang.or(self.remembered_lang).unwrap_or_default();
                self.embed = link.embed;
                match fixed {
                    Some((_, screen)) => screen,
                    None => self.screen_for(&link),
                }
            }
            Err(_) => Screen::NotFound,
        };
        self.transitions += 1;
        let address = address.to_owned();
        if self.came_from(&address) {
            self.visited.pop();
        } else if self.visited.last() != Some(&address) {
            // Only the last entries matter (for the back button); a long session stays small.
            if self.visited.len() == 32 {
                self.visited.remove(0);
            }
            self.visited.push(address);
        }
        self
    }

    fn screen_for(&self, link: &Link) -> Screen {
        let Some(id) = &link.guide else { return Screen::Start };
        // A guide not here in this language (not asked for: see `drawable`) cannot be drawn.
        let part = Part::of(id, self.lang).filter(|&part| self.guides.has(part));
        let Some(catalog) = part.and_then(content::catalog_of) else { return Screen::NotFound };
        match catalog.open(link) {
            Opened::Start => Screen::Start,
            Opened::Step { guide, walk, changed } => Screen::Step { guide: Kept(&catalog.guides[guide]), walk, changed },
            Opened::NotFound => Screen::NotFound,
        }
    }

    /// The address of a link, in this page's language and embed mode (so the page it opens,
    /// drawn by the server or in-page, keeps both).
    pub fn href(&self, link: Link) -> String {
        self.href_in(self.lang, link)
    }

    /// The address of a link in another language (the language switch).
    pub fn href_in(&self, lang: Language, link: Link) -> String {
        link.with_lang(Some(lang)).with_embed(self.embed).encode()
    }

    /// The address of this page in `lang`.
    pub fn here_in(&self, lang: Language) -> String {
        match &self.screen {
            Screen::Step { guide, walk, .. } => self.href_in(lang, Link::to_step(guide, walk)),
            Screen::Check => self.page_in(lang, CHECK_PAGE),
            _ => {
                let current = self.visited.last().and_then(|a| Link::decode(a).ok()).unwrap_or_default();
                self.href_in(lang, current)
            }
        }
    }

    /// A fixed page's address (`/check`), keeping this page's language and embed mode.
    pub fn href_to(&self, page: &str) -> String {
        self.page_in(self.lang, page)
    }

    fn page_in(&self, lang: Language, page: &str) -> String {
        format!("{page}{}", self.href_in(lang, Link::start()).trim_start_matches('/'))
    }

    /// Whether `address` is the history entry right before the current one.
    pub fn came_from(&self, address: &str) -> bool {
        self.visited.len() >= 2 && self.visited[self.visited.len() - 2] == address
    }

    /// The document's title: the step's question, then the app's name.
    pub fn title(&self) -> String {
        let t = content::ui(self.lang);
        match &self.screen {
            Screen::Start => t.app_name.to_owned(),
            Screen::Step { guide, walk, .. } => format!("{} – {}", walk.current_node(guide).title.get(self.lang), t.app_name),
            Screen::NotFound => format!("{} – {}", t.not_found_title, t.app_name),
            Screen::Check => format!("{} – {}", t.check_link, t.app_name),
            Screen::Received => format!("{} – {}", t.received_title, t.app_name),
        }
    }
}

/// The guide, in the page's language, that a page at `address` needs to be drawn in the browser
/// (a step page; `remembered_lang` when the link names none): the widget downloads it before it
/// takes over such a page.
pub fn part_needed(address: &str, remembered_lang: Option<Language>) -> Option<Part> {
    if fixed_page(address, CHECK_PAGE).is_some() || fixed_page(address, RECEIVED_PAGE).is_some() {
        return None;
    }
    let link = Link::decode(address).ok()?;
    Part::of(link.guide.as_deref()?, link.lang.or(remembered_lang).unwrap_or_default())
}

/// Whether the page at `address` can be drawn in-page with the guides in `guides`; until it can,
/// the browser follows links to it (the server draws it).
pub fn drawable(guides: Loaded, address: &str, remembered_lang: Option<Language>) -> bool {
    part_needed(address, remembered_lang).is_none_or(|part| guides.has(part))
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            // `hashchange` and `popstate` may both report the same move.
            Action::Open(address) if self.visited.last().map(String::as_str) == Some(address.as_str()) => return self,
            Action::Open(address) => return Rc::new(next.open(&address)),
            Action::GuidesLoaded(guides) if guides == self.guides => return self,
            Action::GuidesLoaded(guides) => next.guides = guides,
        }
        Rc::new(next)
    }
}

/// The state machine behind every click, back and forward, natively (`cargo test -p jmo-selfhelp
/// --no-default-features --features ssr --lib`, run by `cargo xtask test`).
#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::from_days_since_epoch(20_400)
    }

    fn opened(address: &str) -> Rc<State> {
        Rc::new(State::new(&Opening::new(address, today())))
    }

    fn open(state: &Rc<State>, address: &str) -> Rc<State> {
        state.clone().reduce(Action::Open(address.to_owned()))
    }

    /// The addresses of the first guide's first two steps (its start, then its first answer).
    fn two_steps() -> (String, String, &'static str) {
        let guide = &content::bundled().guides[0];
        let first = Walk::start(guide);
        let second = first.choose_index(guide, 0).expect("the first answer leads on");
        (Link::to_step(guide, &first).encode(), Link::to_step(guide, &second).encode(), second.current_node(guide).title.get(Language::Id))
    }

    #[test]
    fn every_link_followed_is_a_transition_and_back_is_the_previous_entry() {
        let (first, second, _) = two_steps();
        let start = opened("/");
        assert_eq!((start.screen.clone(), start.transitions), (Screen::Start, 1));
        let at_first = open(&start, &first);
        let at_second = open(&at_first, &second);
        assert!(matches!(at_second.screen, Screen::Step { .. }));
        assert_eq!(at_second.transitions, 3, "the focus moves to the heading on every link");
        assert_eq!(at_second.visited, ["/", first.as_str(), second.as_str()]);
        assert!(at_second.came_from(&first), "the in-app back button goes back in history");
        assert!(!at_second.came_from("/"), "only the entry right before counts");

        // Back (popstate to the previous entry): that entry is the last again, not a new one.
        let back = open(&at_second, &first);
        assert_eq!(back.visited, ["/", first.as_str()]);
        assert_eq!(back.transitions, 4);
        assert!(back.came_from("/"));
    }

    #[test]
    fn the_same_address_reported_twice_is_one_visit_and_draws_nothing() {
        let (first, _, _) = two_steps();
        let at_first = open(&opened("/"), &first);
        // `hashchange` and `popstate` may both report one move.
        let again = open(&at_first, &first);
        assert!(Rc::ptr_eq(&at_first, &again), "a second report of the same move re-rendered the page");
    }

    #[test]
    fn a_long_session_keeps_only_the_last_32_addresses() {
        let mut state = opened("/");
        for i in 0..40 {
            state = open(&state, &format!("/?lang={}&n={i}", if i % 2 == 0 { "en" } else { "id" }));
        }
        assert_eq!(state.visited.len(), 32);
        assert_eq!(state.visited.last().map(String::as_str), Some("/?lang=id&n=39"));
        assert_eq!(state.visited.first().map(String::as_str), Some("/?lang=en&n=8"));
    }

    #[test]
    fn the_language_comes_from_the_link_then_the_device() {
        assert_eq!(opened("/?lang=en").lang, Language::En);
        assert_eq!(opened("/").lang, Language::Id);
        let remembered = State::new(&Opening { remembered_lang: Some(Language::En), ..Opening::new("/", today()) });
        assert_eq!(remembered.lang, Language::En, "a link naming no language opens in the one last shown");
        assert_eq!(open(&Rc::new(remembered), "/?lang=id").lang, Language::Id, "a link's own language wins");
    }

    #[test]
    fn fixed_pages_and_unknown_links_have_their_screens() {
        let check = opened("/check?lang=en");
        assert_eq!((check.screen.clone(), check.lang), (Screen::Check, Language::En));
        assert_eq!(opened("/received/0f8b2c1e-7d2a-4b8e-9c1f-2a3b4c5d6e7f").screen, Screen::Received);
        for bad in ["/no-such-guide", "/login/no_such_step", "/?a=%ZZ", "/check/deeper"] {
            let state = opened(bad);
            assert_eq!(state.screen, Screen::NotFound, "{bad}");
            assert_eq!(state.transitions, 1, "{bad}");
        }
    }

    #[test]
    fn a_guide_opens_in_page_once_it_has_arrived_and_not_before() {
        let (first, second, title) = two_steps();
        let nothing_here = Rc::new(State { guides: Loaded::default(), ..State::new(&Opening::new("/", today())) });
        assert!(!drawable(nothing_here.guides, &first, None), "a link to a guide not here must be left to the browser");
        assert!(drawable(nothing_here.guides, "/?lang=en", None), "the start screen needs no guide");
        assert_eq!(open(&nothing_here, &first).screen, Screen::NotFound);

        let arrived = nothing_here.clone().reduce(Action::GuidesLoaded(content::loaded()));
        assert!(drawable(arrived.guides, &second, None));
        let at_second = open(&arrived, &second);
        let Screen::Step { guide, walk, changed } = &at_second.screen else { panic!("{:?}", at_second.screen) };
        assert_eq!(walk.current_node(guide).title.get(Language::Id), title);
        assert!(!changed);
        // The same set reported again changes nothing.
        assert!(Rc::ptr_eq(&arrived, &arrived.clone().reduce(Action::GuidesLoaded(content::loaded()))));
    }
}
