//! The few direct browser calls, each failing soft: inside a restrictive webview any of these
//! APIs may be missing or throw, and the guide must keep working without them.

use jmo_guide::Language;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/on_demand.js")]
extern "C" {
    /// Resolves when the device is back online.
    pub fn online() -> js_sys::Promise;
    /// Resolves to whether `text` went to the clipboard.
    fn copy(text: &str) -> js_sys::Promise;
    /// The names of the items in `localStorage`, a line each.
    #[wasm_bindgen(js_name = storedNames)]
    fn stored_names() -> String;
    /// What is on screen, for the host and the walk's report (`hooks/use_shown.rs`): the step's
    /// link without language or embedding (`""` off a guide), how a walk ending there ends
    /// (`resolved`, `escalated`, `left`), the content version, the language.
    pub fn shown(step: &str, outcome: &str, version: &str, lang: &str);
}

const LANG_KEY: &str = "jmo.lang";

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The page's address: its path and query (`/login?a=…`). An old link's fragment (`/#/login`) is
/// index.html's inline script's to turn into its path, before the widget starts.
pub fn address() -> String {
    let Some(location) = window().map(|w| w.location()) else { return "/".into() };
    location.pathname().unwrap_or_default() + &location.search().unwrap_or_default()
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

pub fn stored_lang() -> Option<Language> {
    Language::parse(&storage()?.get_item(LANG_KEY).ok()??)
}

pub fn store_lang(lang: Language) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(LANG_KEY, lang.as_str());
    }
}

/// Whether the form module's outbox holds complaints (waiting, delivered or refused), told by
/// the outbox's own rule without loading the form.
pub fn has_stored_complaints() -> bool {
    jmo_outbox::store::holds_complaints(&stored_names())
}

/// A date the server refused on this page (a form posted without JavaScript), as it drew it:
/// the problem in the form's `data-refused`, the value in the field.
pub fn refused_date() -> Option<crate::components::RefusedDate> {
    let document = window()?.document()?;
    let form = document.query_selector("form.date-form[data-refused]").ok()??;
    let problem = crate::components::DateProblem::from_code(&form.get_attribute("data-refused")?)?;
    let value = document.get_element_by_id("date-input").and_then(|i| i.get_attribute("value")).unwrap_or_default();
    Some(crate::components::RefusedDate { value, problem })
}

pub fn set_document_lang_and_title(lang: Language, title: &str) {
    let Some(document) = window().and_then(|w| w.document()) else { return };
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("lang", lang.as_str());
    }
    document.set_title(title);
}

/// Today in Jakarta (WIB, UTC+7), as the server counts it: the date questions of the page the
/// server drew and of the widget check against the same day.
pub fn today() -> jmo_guide::date::Date {
    jmo_guide::date::Date::in_jakarta((js_sys::Date::now() / 1000.0).floor() as i64)
}

/// Copies text to the clipboard; resolves to whether it worked (`navigator.clipboard` is missing
/// outside secure contexts and in some webviews, and may refuse).
pub async fn copy_text(text: &str) -> bool {
    wasm_bindgen_futures::JsFuture::from(copy(text)).await.is_ok_and(|done| done.is_truthy())
}
