//! Stable machine error codes. Clients map them to texts in the user's language, so a code, once
//! published, never changes meaning.

// Shared by many fields.
pub const REQUIRED: &str = "required";
pub const TOO_SHORT: &str = "too_short";
pub const TOO_LONG: &str = "too_long";
pub const TOO_MANY: &str = "too_many";
pub const DUPLICATE: &str = "duplicate";
pub const CONTROL_CHARACTERS: &str = "control_characters";
pub const INVALID_CHOICE: &str = "invalid_choice";
pub const INVALID_FORMAT: &str = "invalid_format";
pub const INVALID_TYPE: &str = "invalid_type";

// Field-specific.
pub const NIK_FORMAT: &str = "nik_format";
pub const NIK_PROVINCE: &str = "nik_province";
pub const NIK_BIRTH_DATE: &str = "nik_birth_date";
pub const NIK_BIRTH_DATE_MISMATCH: &str = "nik_birth_date_mismatch";
pub const KPJ_FORMAT: &str = "kpj_format";
pub const PHONE_FORMAT: &str = "phone_format";
pub const PHONE_NOT_MOBILE: &str = "phone_not_mobile";
pub const EMAIL_FORMAT: &str = "email_format";
pub const NAME_FORMAT: &str = "name_format";
pub const DATE_FORMAT: &str = "date_format";
pub const DATE_IN_FUTURE: &str = "date_in_future";
pub const DATETIME_FORMAT: &str = "datetime_format";
pub const CONSENT_REQUIRED: &str = "consent_required";
pub const ATTACHMENT_UNKNOWN: &str = "attachment_unknown";

/// Every code a field can be refused with (the form has a text for each; a test here keeps the
/// list complete).
pub const FIELD_CODES: &[&str] = &[
    REQUIRED, TOO_SHORT, TOO_LONG, TOO_MANY, DUPLICATE, CONTROL_CHARACTERS, INVALID_CHOICE, INVALID_FORMAT, INVALID_TYPE,
    NIK_FORMAT, NIK_PROVINCE, NIK_BIRTH_DATE, NIK_BIRTH_DATE_MISMATCH, KPJ_FORMAT, PHONE_FORMAT, PHONE_NOT_MOBILE,
    EMAIL_FORMAT, NAME_FORMAT, DATE_FORMAT, DATE_IN_FUTURE, DATETIME_FORMAT, CONSENT_REQUIRED, ATTACHMENT_UNKNOWN,
    IMAGE_TYPE_UNSUPPORTED, IMAGE_CORRUPT,
];

// Request-level (no field), produced by the server.
pub const MALFORMED_JSON: &str = "malformed_json";
pub const BODY_TOO_LARGE: &str = "body_too_large";
pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
pub const MALFORMED_BODY: &str = "malformed_body";
pub const IDEMPOTENCY_KEY_MISSING: &str = "idempotency_key_missing";
pub const IDEMPOTENCY_KEY_INVALID: &str = "idempotency_key_invalid";
pub const IDEMPOTENCY_KEY_REUSED: &str = "idempotency_key_reused";
pub const IDEMPOTENCY_KEY_IN_USE: &str = "idempotency_key_in_use";
pub const IMAGE_TYPE_UNSUPPORTED: &str = "image_type_unsupported";
pub const IMAGE_CORRUPT: &str = "image_corrupt";
pub const NOT_FOUND: &str = "not_found";
pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
pub const UNAUTHORIZED: &str = "unauthorized";
pub const RATE_LIMITED: &str = "rate_limited";
pub const OVERLOADED: &str = "overloaded";
pub const REQUEST_TIMEOUT: &str = "request_timeout";
pub const INTERNAL: &str = "internal";

#[cfg(test)]
mod tests {
    /// Every code declared above the request-level section is in `FIELD_CODES`.
    #[test]
    fn field_codes_lists_every_field_code() {
        let source = include_str!("codes.rs");
        let field_part = source.split("pub const FIELD_CODES").next().unwrap();
        let declared: Vec<&str> = field_part
            .lines()
            .filter_map(|l| l.strip_prefix("pub const "))
            .filter_map(|l| l.split_once(": &str = \"").map(|(_, rest)| rest.trim_end_matches("\";")))
            .collect();
        assert!(declared.len() > 20, "{declared:?}");
        for code in declared {
            assert!(super::FIELD_CODES.contains(&code), "{code} is missing from FIELD_CODES");
        }
    }
}
