//! The few direct browser calls, each failing soft: inside a restrictive webview any of these
//! APIs may be missing or throw, and the guide must keep working without them.

use jmo_guide::Lang;
use wasm_bindgen::JsCast;

const LANG_KEY: &str = "jmo.lang";

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The current fragment, with its `#`.
pub fn hash() -> String {
    window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Goes to a step link: a new history entry, so browser back returns here.
pub fn navigate(fragment: &str) {
    if let Some(w) = window() {
        let _ = w.location().set_hash(fragment);
    }
}

/// Goes to a step link without waiting for the browser's `hashchange` (≈13 ms): a new history
/// entry, and the caller updates the page at once.
pub fn push_hash(fragment: &str) -> bool {
    let Some(history) = window().and_then(|w| w.history().ok()) else { return false };
    history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(fragment)).is_ok()
}

/// Replaces the current history entry's fragment (no new entry, no hashchange event).
pub fn replace_hash(fragment: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(fragment));
    }
}

pub fn history_back() {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.back();
    }
}

/// The page URL without its fragment, to build shareable links.
pub fn page_url() -> String {
    let Some(location) = window().map(|w| w.location()) else { return String::new() };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}")
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

/// Today's date on the participant's device.
pub fn today() -> jmo_guide::date::Date {
    let now = js_sys::Date::new_0();
    jmo_guide::date::Date::new(now.get_full_year() as i32, now.get_month() + 1, now.get_date())
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
