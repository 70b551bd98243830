//! Content compiled in by build.rs from `content/`: the guide catalog and the app's own texts.

use jmo_guide::*;

/// Every guide, the start screen and the official channels.
pub static CATALOG: Catalog = include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

include!(concat!(env!("OUT_DIR"), "/ui_text.rs"));

/// The app's texts in one language.
pub fn ui(lang: Lang) -> &'static Ui {
    match lang {
        Lang::Id => &UI_ID,
        Lang::En => &UI_EN,
    }
}

pub fn category_name(ui: &'static Ui, category: Category) -> &'static str {
    match category {
        Category::Login => ui.category_login,
        Category::KpjMismatch => ui.category_kpj_mismatch,
        Category::Balance => ui.category_balance,
        Category::JhtClaim => ui.category_jht_claim,
        Category::Other => ui.category_other,
    }
}

pub fn urgency_name(ui: &'static Ui, urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Normal => ui.urgency_normal,
        Urgency::High => ui.urgency_high,
    }
}

pub fn attachment_name(ui: &'static Ui, kind: AttachmentKind) -> &'static str {
    match kind {
        AttachmentKind::Screenshot => ui.attachment_screenshot,
        AttachmentKind::KpjCard => ui.attachment_kpj_card,
        AttachmentKind::EmploymentProof => ui.attachment_employment_proof,
        AttachmentKind::IdCard => ui.attachment_id_card,
    }
}
