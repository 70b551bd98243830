//! The widget taking over the page the server drew. The server's HTML already shows the step and
//! its links work as plain links; once the guide a step needs is here, the widget draws the
//! same markup in its place within one task (nothing is painted in between, so nothing moves),
//! and what the participant did meanwhile — the focus, what was typed, the scroll — is carried
//! over (`keep`/`putBack` in on_demand.js; put back by [`crate::hooks::use_carried_over`]).

use wasm_bindgen::prelude::*;

use crate::state::{part_needed, Opening};
use crate::{browser, content, App};

#[wasm_bindgen(module = "/src/on_demand.js")]
extern "C" {
    fn keep(root: &web_sys::Element);
    #[wasm_bindgen(js_name = putBack)]
    fn put_back();
}

/// Starts the widget on the server's page in `#app`: at once for the start screen, the check
/// page or a not-found page; for a step, once its guide is downloaded in the page's language,
/// that one file only (until then, and while that fails, the server's page keeps working; a
/// failed download is tried again when the device is back online). The other guides follow in
/// the background ([`crate::hooks::use_content_download`]).
pub fn start() {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) else { return };
    match part_needed(&browser::address(), browser::stored_lang()) {
        Some(part) if content::catalog_of(part).is_none() => wasm_bindgen_futures::spawn_local(async move {
            content::download_until_done(part, false).await;
            take_over(root);
        }),
        _ => {
            take_over(root);
        }
    }
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
