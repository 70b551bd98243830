//! Content from `content/`: the start screen and the app's texts are compiled in (build.rs). In
//! the browser the full guides are downloaded once, before the widget takes over a step page or
//! right after it took over the start screen, and then kept for the page's life, so a guide keeps
//! working when the network goes. The server has them compiled in (feature `ssr`).

use std::sync::OnceLock;

use jmo_guide::pack::{unpack, UnpackError};
use jmo_guide::*;
#[cfg(feature = "csr")]
use wasm_bindgen::JsCast;
#[cfg(feature = "csr")]
use wasm_bindgen_futures::JsFuture;

/// The catalog without the guides' steps: enough for the start screen and to tell a guide exists.
pub static HEAD: Catalog = include!(concat!(env!("OUT_DIR"), "/head.rs"));

include!(concat!(env!("OUT_DIR"), "/ui_text.rs"));

static FULL: OnceLock<&'static Catalog> = OnceLock::new();

/// The full catalog, once downloaded (or installed; on the server, always).
pub fn full() -> Option<&'static Catalog> {
    #[cfg(feature = "ssr")]
    bundled();
    FULL.get().copied()
}

/// The full catalog this build was made with, installed on first use (the server's guides).
#[cfg(feature = "ssr")]
pub fn bundled() -> &'static Catalog {
    FULL.get_or_init(|| {
        let catalog = unpack(include_str!(concat!(env!("OUT_DIR"), "/catalog.pack"))).expect("build.rs packs a valid catalog");
        Box::leak(Box::new(catalog))
    })
}

/// Unpacks and keeps a packed catalog; it must be the version this build was made with.
pub fn install(packed: &str) -> Result<&'static Catalog, UnpackError> {
    let catalog = unpack(packed)?;
    if catalog.version != HEAD.version {
        return Err(UnpackError::NotAPack);
    }
    // Kept for the life of the page, like the compiled-in head (one download at a time).
    let catalog: &'static Catalog = Box::leak(Box::new(catalog));
    let _ = FULL.set(catalog);
    Ok(catalog)
}

/// The packed catalog's file name: versioned, so it can be cached forever.
pub fn pack_file() -> String {
    format!("content-{}.txt", HEAD.version)
}

/// Downloads and installs the full catalog, trying again each time the device comes back online.
#[cfg(feature = "csr")]
pub async fn download_until_done() -> &'static Catalog {
    loop {
        if let Ok(catalog) = download().await {
            return catalog;
        }
        let _ = JsFuture::from(crate::browser::online()).await;
    }
}

/// Downloads and installs the full catalog, from the server's root whatever page this is.
#[cfg(feature = "csr")]
pub async fn download() -> Result<&'static Catalog, ()> {
    if let Some(catalog) = full() {
        return Ok(catalog);
    }
    let window = web_sys::window().ok_or(())?;
    let response = JsFuture::from(window.fetch_with_str(&format!("/{}", pack_file()))).await.map_err(drop)?;
    let response: web_sys::Response = response.dyn_into().map_err(drop)?;
    if !response.ok() {
        return Err(());
    }
    let text = JsFuture::from(response.text().map_err(drop)?).await.map_err(drop)?;
    install(&text.as_string().ok_or(())?).map_err(drop)
}

/// The shell's texts (header, footer, loading, not found) in one language.
pub fn ui(lang: Lang) -> &'static Shell {
    match lang {
        Lang::Id => &SHELL_ID,
        Lang::En => &SHELL_EN,
    }
}

/// The step pages' texts in one language; empty until the guides are downloaded (step pages are
/// only shown after that).
pub fn steps_text(lang: Lang) -> Steps {
    Steps::from_texts(full().map_or(&[], |c| &c.texts), lang)
}

pub fn category_name(ui: &Steps, category: Category) -> &'static str {
    match category {
        Category::Login => ui.category_login,
        Category::KpjMismatch => ui.category_kpj_mismatch,
        Category::Balance => ui.category_balance,
        Category::JhtClaim => ui.category_jht_claim,
        Category::Other => ui.category_other,
    }
}

pub fn urgency_name(ui: &Steps, urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Normal => ui.urgency_normal,
        Urgency::High => ui.urgency_high,
    }
}

pub fn attachment_name(ui: &Steps, kind: AttachmentKind) -> &'static str {
    match kind {
        AttachmentKind::Screenshot => ui.attachment_screenshot,
        AttachmentKind::KpjCard => ui.attachment_kpj_card,
        AttachmentKind::EmploymentProof => ui.attachment_employment_proof,
        AttachmentKind::IdCard => ui.attachment_id_card,
    }
}
