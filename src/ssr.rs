//! The server's side: any page of the widget rendered to HTML with the same components the
//! browser runs (crates/server puts it into index.html's `#app`).

use crate::app::{App, AppProps};
use crate::state::{Opening, Screen, State};

/// A rendered page: what goes into `#app`, and what the document around it needs.
pub struct Page {
    pub body: String,
    pub title: String,
    pub lang: &'static str,
    /// `false` for the not-found page (a 404).
    pub found: bool,
}

/// Renders the page for `opening`.
pub async fn render(opening: Opening) -> Page {
    let state = State::new(&opening);
    let (title, lang, found) = (state.title(), state.lang.as_str(), state.screen != Screen::NotFound);
    let body = yew::ServerRenderer::<App>::with_props(move || AppProps { opening }).hydratable(false).render().await;
    Page { body, title, lang, found }
}
