//! The form's texts, compiled from content/form.toml by build.rs.

use jmo_contract::Language;

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

pub fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::Id => &ID,
        Language::En => &EN,
    }
}

/// What a participant reads when `field` (a contract path such as `reporter.nik`) is refused
/// with `code`: the field's own text, else the code's, else a generic one.
pub fn error_text(lang: Language, field: &str, code: &str) -> &'static str {
    match error_texts(field, code) {
        Some((id, en)) => match lang {
            Language::Id => id,
            Language::En => en,
        },
        None => texts(lang).error_generic,
    }
}

/// Fills `{name}` in a text.
pub fn fill(text: &str, name: &str, value: &str) -> String {
    text.replace(&format!("{{{name}}}"), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_code_of_the_contract_has_a_text() {
        for code in jmo_contract::codes::FIELD_CODES {
            assert!(CODES_WITH_TEXT.contains(code), "content/form.toml has no [error.{code}]");
        }
    }

    #[test]
    fn a_field_text_overrides_the_code_text() {
        assert_eq!(error_text(Language::En, "reporter.phone", "required"), "Enter your mobile number.");
        assert_eq!(error_text(Language::En, "reporter.kpj_card", "kpj_format"), "A KPJ number must be 11 digits.");
        assert_eq!(error_text(Language::Id, "x", "no_such_code"), ID.error_generic);
    }
}
