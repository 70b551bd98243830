//! The JMO Self-Help widget: the guide's pages as Yew components, drawn by the server (feature
//! `ssr`, [`ssr::render`]) and taken over in the browser (feature `csr`, [`take_over`]), which
//! then follows links in-page.
//!
//! - [`state`]: what is on screen, derived from the page's address and the language.
//! - [`components`]: small function components, one per part of the page.
//! - [`hooks`]: browser glue as hooks (address changes, focus, document title, host, take-over).
//! - [`content`]: the start screen and texts compiled in, the guides downloaded (or bundled).
//! - [`browser`]: the few direct calls to browser APIs (location, history, storage, clipboard).
//! - [`form_module`]: loads the complaint form (crates/form, a wasm module of its own) on demand.

pub mod app;
pub mod browser;
pub mod components;
pub mod content;
pub mod form_module;
pub mod hooks;
pub mod host;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod state;
#[cfg(feature = "csr")]
pub mod take_over;

pub use app::App;

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Renders the app into `root`, replacing what is there, for the page `opening` describes.
#[cfg(feature = "csr")]
pub fn mount(root: web_sys::Element, opening: state::Opening) -> yew::AppHandle<App> {
    root.set_inner_html("");
    yew::Renderer::<App>::with_root_and_props(root, app::AppProps { opening }).render()
}
