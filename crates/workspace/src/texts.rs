//! The workspace's texts in Indonesian and English, compiled from content/workspace.toml.

use jmo_contract::Language;

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// The texts of `lang`.
pub fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::Id => &ID,
        Language::En => &EN,
    }
}

/// A refusal's text in `lang` (the code itself if content has none, which a test forbids).
pub fn error_text(code: &str, lang: Language) -> &str {
    match error_texts(code) {
        Some((id, en)) => match lang {
            Language::Id => id,
            Language::En => en,
        },
        None => code,
    }
}
