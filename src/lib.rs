//! The JMO Self-Help widget: a Yew single-page app that walks a participant through a guide.
//!
//! - [`state`]: what is on screen, derived from the URL fragment (the step link) and the language.
//! - [`components`]: small function components, one per part of the page.
//! - [`hooks`]: browser glue as hooks (fragment changes, focus, document title, language).
//! - [`content`]: the guides and the app's texts, compiled in from `content/` by build.rs.
//! - [`browser`]: the few direct calls to browser APIs (location, history, storage, clipboard).
//! - [`form_module`]: loads the complaint form (crates/form, a wasm module of its own) on demand.

pub mod app;
pub mod browser;
pub mod components;
pub mod content;
pub mod form_module;
pub mod hooks;
pub mod host;
pub mod state;

pub use app::App;

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Renders the app into `root`, replacing the loading message.
pub fn mount(root: web_sys::Element) -> yew::AppHandle<App> {
    root.set_inner_html("");
    yew::Renderer::<App>::with_root(root).render()
}
