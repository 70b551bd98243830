//! The complaint form lives in its own wasm module (crates/form), fetched only when a page needs
//! it, so it costs nothing on the first load. This is the widget's side: load it once and mount
//! its parts in elements of this page. Plain JavaScript (`on_demand.js`), to keep the first load
//! small: it also shows the loading message, and the failure with a retry button.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/on_demand.js")]
extern "C" {
    /// Mounts part `kind` (`form`, `complaints`, `check`) of the form module into `root`, drawn
    /// in `lang`, saying `loading` meanwhile and `failed` with a `retry` button if the module
    /// cannot be fetched (empty texts: silent). Returns a function that unmounts it.
    pub fn mount(kind: &str, root: &web_sys::Element, context: &str, lang: &str, loading: &str, failed: &str, retry: &str) -> js_sys::Function;
    /// The page changed: the mounted parts follow its language (the only way the form learns
    /// it); on a guide's page (`in_guide`) the module is fetched at idle, ready for an escalation.
    pub fn page(lang: &str, in_guide: bool);
}
