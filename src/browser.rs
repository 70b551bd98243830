//! The few direct browser calls, each failing soft: inside a restrictive webview any of these
//! APIs may be missing or throw, and the guide must keep working without them.

use jmo_guide::Lang;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/on_demand.js")]
extern "C" {
    /// Resolves when the device is back online.
    pub fn online() -> js_sys::Promise;
}

const LANG_KEY: &str = "jmo.lang";

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The page's address: its path and query (`/login?a=…`), or the path an old link's fragment
/// stands for (`/#/login?a=…`; index.html's inline script normally rewrote those already).
pub fn address() -> String {
    let Some(location) = window().map(|w| w.location()) else { return "/".into() };
    let hash = location.hash().unwrap_or_default();
    if let Some(old) = old_link(&hash) {
        return old.to_owned();
    }
    location.pathname().unwrap_or_default() + &location.search().unwrap_or_default()
}

/// The path an old link's fragment (`#/login`) stands for; `None` for other fragments (`#main`).
pub fn old_link(hash: &str) -> Option<&str> {
    hash.strip_prefix('#').filter(|path| path.starts_with('/'))
}

/// Goes to an address in-page: a new history entry, so browser back returns here, and a
/// `popstate` event that the address hook hears like any other move.
pub fn navigate(address: &str) {
    if push_address(address) {
        if let Some(w) = window() {
            if let Ok(event) = web_sys::PopStateEvent::new("popstate") {
                let _ = w.dispatch_event(&event);
            }
        }
    }
}

/// Goes to an address without waiting for the browser (a new history entry); the caller updates
/// the page at once.
pub fn push_address(address: &str) -> bool {
    let Some(history) = window().and_then(|w| w.history().ok()) else { return false };
    history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(address)).is_ok()
}

/// Replaces the current history entry's address (no new entry, no event).
pub fn replace_address(address: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(address));
    }
}

pub fn history_back() {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.back();
    }
}

/// The page's origin (`https://host`), to make shareable links of addresses.
pub fn origin() -> String {
    window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

fn storage() -> Option<web_sys::Storage> {
    // Throws in some webviews and with storage disabled; then nothing is remembered.
    window()?.local_storage().ok().flatten()
}

pub fn stored_lang() -> Option<Lang> {
    Lang::from_code(&storage()?.get_item(LANG_KEY).ok()??)
}

pub fn store_lang(lang: Lang) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(LANG_KEY, lang.code());
    }
}

/// Whether the form module's outbox holds complaints (waiting, delivered or refused): lines
/// after its header.
pub fn has_stored_complaints() -> bool {
    storage().and_then(|s| s.get_item("jmo.outbox").ok().flatten()).is_some_and(|t| t.trim_end().contains('\n'))
}

pub fn set_document_lang_and_title(lang: Lang, title: &str) {
    let Some(document) = window().and_then(|w| w.document()) else { return };
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("lang", lang.code());
    }
    document.set_title(title);
}

/// Today in Jakarta (WIB, UTC+7), as the server counts it: the date questions of the page the
/// server drew and of the widget check against the same day.
pub fn today() -> jmo_guide::date::Date {
    let wib = js_sys::Date::new(&(js_sys::Date::now() + 7.0 * 3_600_000.0).into());
    jmo_guide::date::Date::new(wib.get_utc_full_year() as i32, wib.get_utc_month() + 1, wib.get_utc_date())
        .unwrap_or(jmo_guide::date::Date { year: 2026, month: 1, day: 1 })
}

/// Copies text to the clipboard; resolves to whether it worked.
pub async fn copy_text(text: &str) -> bool {
    let Some(navigator) = window().map(|w| w.navigator()) else { return false };
    // `navigator.clipboard` is missing outside secure contexts and in some webviews.
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok().filter(|c| !c.is_undefined() && !c.is_null());
    let Some(clipboard) = clipboard.and_then(|c| c.dyn_into::<web_sys::Clipboard>().ok()) else { return false };
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text)).await.is_ok()
}
