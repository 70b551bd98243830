//! Indonesian mobile numbers, written `08…`, `62…` or `+62…`, normalised to E.164 (`+628…`).

use crate::codes;
use crate::error::FieldError;
use serde::Serialize;

/// An Indonesian mobile number in E.164 form, e.g. `+6281234567890`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// The last four digits: what a participant gives to look up a ticket.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }
}

// The national significant number of a mobile line: 8, then 8 to 11 more digits.
const NSN_LEN: core::ops::RangeInclusive<usize> = 9..=12;

/// Checks and normalises a mobile number. Spaces, dashes, dots and parentheses are ignored.
pub fn validate_phone(input: &str) -> Result<Phone, FieldError> {
    let compact: String =
        input.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}')).collect();
    if compact.is_empty() {
        return Err(FieldError::new(codes::REQUIRED));
    }
    let bad = FieldError::new(codes::PHONE_FORMAT);
    let nsn = if let Some(rest) = compact.strip_prefix("+62") {
        rest
    } else if let Some(rest) = compact.strip_prefix("62") {
        rest
    } else if let Some(rest) = compact.strip_prefix('0') {
        rest
    } else {
        return Err(bad);
    };
    if !nsn.bytes().all(|b| b.is_ascii_digit()) || nsn.starts_with('0') {
        return Err(bad);
    }
    if !nsn.starts_with('8') {
        // A fixed line (e.g. 021…): well-formed but cannot receive WhatsApp or SMS reliably.
        return Err(if (7..=11).contains(&nsn.len()) { FieldError::new(codes::PHONE_NOT_MOBILE) } else { bad });
    }
    if !NSN_LEN.contains(&nsn.len()) {
        return Err(bad);
    }
    Ok(Phone(format!("+62{nsn}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_the_three_forms() {
        for s in ["0812-3456-7890", "62 812 3456 7890", "+6281234567890", "(0812) 3456.7890"] {
            assert_eq!(validate_phone(s).unwrap().as_e164(), "+6281234567890", "{s}");
        }
        assert_eq!(validate_phone("0812345678").unwrap().last4(), "5678");
    }

    #[test]
    fn rejects_with_codes() {
        let code = |s: &str| validate_phone(s).unwrap_err().code;
        assert_eq!(code(""), codes::REQUIRED);
        assert_eq!(code("021 5551234"), codes::PHONE_NOT_MOBILE);
        assert_eq!(code("08123"), codes::PHONE_FORMAT);
        assert_eq!(code("0812345678901234"), codes::PHONE_FORMAT);
        assert_eq!(code("+1 415 555 0100"), codes::PHONE_FORMAT);
        assert_eq!(code("0812345678x"), codes::PHONE_FORMAT);
        assert_eq!(code("+62 0812345678"), codes::PHONE_FORMAT);
    }
}
