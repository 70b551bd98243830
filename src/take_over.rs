//! The widget taking over the page the server drew. The server's HTML already shows the step and
//! its links work as plain links; once the guides a step needs are here, the widget draws the
//! same markup in its place within one task (nothing is painted in between, so nothing moves),
//! and what the participant did meanwhile — the focus, what was typed, the scroll — is carried
//! over (`keep`/`putBack` in on_demand.js; put back by [`crate::hooks::use_carried_over`]).

use wasm_bindgen::prelude::*;

use crate::state::{needs_guides, Opening};
use crate::{browser, content, App};

#[wasm_bindgen(module = "/src/on_demand.js")]
extern "C" {
    fn keep(root: &web_sys::Element);
    #[wasm_bindgen(js_name = putBack)]
    fn put_back();
}

/// Starts the widget on the server's page in `#app`: at once for the start screen, the check
/// page or a not-found page; for a step, once the guides are downloaded (until then, and while
/// that fails, the server's page keeps working; a failed download is tried again when the
/// device is back online).
pub fn start() {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) else { return };
    let address = browser::address();
    if !needs_guides(&address) || content::full().is_some() {
        take_over(root);
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        content::download_until_done().await;
        take_over(root);
    });
}

/// Replaces the server's markup in `root` with the widget's (the same markup) in this task.
pub fn take_over(root: web_sys::Element) -> yew::AppHandle<App> {
    keep(&root);
    crate::mount(root, browser_opening())
}

/// Puts back what [`take_over`] kept, once (after the widget's first render).
pub fn restore() {
    put_back();
}

/// What the browser knows of its page.
pub fn browser_opening() -> Opening {
    Opening {
        address: browser::address(),
        today: browser::today(),
        remembered_lang: browser::stored_lang(),
        stored_complaints: browser::has_stored_complaints(),
        refused_date: browser::refused_date(),
    }
}
