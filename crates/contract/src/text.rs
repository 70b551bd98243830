//! Names, free text and identifiers: trimming, length limits counted in characters, and no
//! control characters (a newline is allowed only in free text).

use crate::codes;
use crate::error::FieldError;

pub const NAME_MAX_CHARS: usize = 100;
pub const DESCRIPTION_MIN_CHARS: usize = 10;
pub const DESCRIPTION_MAX_CHARS: usize = 4000;
pub const IDENT_MAX_CHARS: usize = 64;

pub(crate) fn strip_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// True for characters a single-line field must not hold (C0, DEL, C1, and bidi overrides that
/// can disguise text).
pub fn is_forbidden_char(c: char, allow_newlines: bool) -> bool {
    if allow_newlines && matches!(c, '\n' | '\r' | '\t') {
        return false;
    }
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A person's name as on the KTP: letters, spaces and `.,'-`; inner runs of spaces collapse.
pub fn validate_name(input: &str) -> Result<String, FieldError> {
    if input.chars().any(|c| is_forbidden_char(c, false)) {
        return Err(FieldError::new(codes::CONTROL_CHARACTERS));
    }
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let len = name.chars().count();
    if len == 0 {
        return Err(FieldError::new(codes::REQUIRED));
    }
    if len > NAME_MAX_CHARS {
        return Err(FieldError::new(codes::TOO_LONG));
    }
    let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '.' | ',' | '\'' | '-' | '`' | '’');
    if !name.chars().all(allowed) || !name.chars().any(char::is_alphabetic) {
        return Err(FieldError::new(codes::NAME_FORMAT));
    }
    Ok(name)
}

/// The participant's own account of the problem.
pub fn validate_description(input: &str) -> Result<String, FieldError> {
    validate_text(input, DESCRIPTION_MIN_CHARS, DESCRIPTION_MAX_CHARS, true)
}

/// Trimmed text of `min..=max` characters; `min == 0` makes it optional.
pub fn validate_text(input: &str, min: usize, max: usize, multiline: bool) -> Result<String, FieldError> {
    if input.chars().any(|c| is_forbidden_char(c, multiline)) {
        return Err(FieldError::new(codes::CONTROL_CHARACTERS));
    }
    let s = input.trim();
    let len = s.chars().count();
    if len == 0 && min > 0 {
        return Err(FieldError::new(codes::REQUIRED));
    }
    if len < min {
        return Err(FieldError::new(codes::TOO_SHORT));
    }
    if len > max {
        return Err(FieldError::new(codes::TOO_LONG));
    }
    Ok(s.to_string())
}

/// A machine identifier such as a guide or node id: `[A-Za-z0-9._:+-]`, 1 to 64 characters.
pub fn validate_ident(input: &str) -> Result<String, FieldError> {
    if input.is_empty() {
        return Err(FieldError::new(codes::REQUIRED));
    }
    if input.len() > IDENT_MAX_CHARS {
        return Err(FieldError::new(codes::TOO_LONG));
    }
    if !input.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:+-".contains(&b)) {
        return Err(FieldError::new(codes::INVALID_FORMAT));
    }
    Ok(input.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(validate_name("  Siti   Nur'aini  ").unwrap(), "Siti Nur'aini");
        assert_eq!(validate_name("Budi\u{0}").unwrap_err().code, codes::CONTROL_CHARACTERS);
        assert_eq!(validate_name("Budi\nSantoso").unwrap_err().code, codes::CONTROL_CHARACTERS);
        assert_eq!(validate_name("R2D2").unwrap_err().code, codes::NAME_FORMAT);
        assert_eq!(validate_name(" - ").unwrap_err().code, codes::NAME_FORMAT);
        assert_eq!(validate_name("   ").unwrap_err().code, codes::REQUIRED);
        assert_eq!(validate_name(&"a".repeat(101)).unwrap_err().code, codes::TOO_LONG);
    }

    #[test]
    fn free_text() {
        assert!(validate_description("Tidak bisa login\nsejak kemarin").is_ok());
        assert_eq!(validate_description("pendek").unwrap_err().code, codes::TOO_SHORT);
        assert_eq!(validate_description("abc\u{1b}[31m merah").unwrap_err().code, codes::CONTROL_CHARACTERS);
        assert_eq!(validate_description(&"é".repeat(4001)).unwrap_err().code, codes::TOO_LONG);
        assert!(validate_description(&"é".repeat(4000)).is_ok());
    }
}
