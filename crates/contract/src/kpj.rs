//! KPJ, the BPJS Ketenagakerjaan participant card number.

use crate::codes;
use crate::error::FieldError;
use crate::text::strip_spaces;
use serde::Serialize;

/// Digits in a KPJ number. From secondary sources and unverified: this is the one place to
/// change it.
pub const KPJ_DIGITS: usize = 11;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Kpj(String);

impl Kpj {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a KPJ number; spaces between digit groups are allowed and dropped.
pub fn validate_kpj(input: &str) -> Result<Kpj, FieldError> {
    let digits = strip_spaces(input);
    if digits.is_empty() {
        return Err(FieldError::new(codes::REQUIRED));
    }
    if digits.len() != KPJ_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(codes::KPJ_FORMAT));
    }
    Ok(Kpj(digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_digits() {
        assert_eq!(validate_kpj("123 4567 8901").unwrap().as_str(), "12345678901");
        assert_eq!(validate_kpj("1234567890").unwrap_err().code, codes::KPJ_FORMAT);
        assert_eq!(validate_kpj("1234567890a").unwrap_err().code, codes::KPJ_FORMAT);
        assert_eq!(validate_kpj(" ").unwrap_err().code, codes::REQUIRED);
    }
}
