//! NIK, the 16-digit national identity number: 2 province + 2 regency + 2 district digits, the
//! birth date as DDMMYY (women: day + 40), then a 4-digit serial.

use crate::codes;
use crate::date::{days_in_month, Date};
use crate::error::FieldError;
use crate::text::strip_spaces;
use serde::Serialize;

/// Province codes (Kemendagri) that can start a NIK, including the Papua provinces created in
/// 2022. A plausibility check only: regency and district codes change too often to list here.
pub const PROVINCE_CODES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64,
    65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// A NIK that passed [`validate_nik`]; its digits, without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Nik(String);

impl Nik {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn province(&self) -> u8 {
        two(&self.0.as_bytes()[0..2])
    }

    pub fn is_female(&self) -> bool {
        two(&self.0.as_bytes()[6..8]) > 40
    }

    /// Birth day, month and the year's last two digits (the century is not encoded).
    pub fn birth_day_month_yy(&self) -> (u8, u8, u8) {
        let b = self.0.as_bytes();
        let dd = two(&b[6..8]);
        (if dd > 40 { dd - 40 } else { dd }, two(&b[8..10]), two(&b[10..12]))
    }
}

fn two(b: &[u8]) -> u8 {
    (b[0] - b'0') * 10 + (b[1] - b'0')
}

/// Checks a NIK; spaces between digit groups are allowed and dropped. With `birth_date`, the
/// date encoded in the NIK must be that date.
pub fn validate_nik(input: &str, birth_date: Option<Date>) -> Result<Nik, FieldError> {
    let digits = strip_spaces(input);
    if digits.is_empty() {
        return Err(FieldError::new(codes::REQUIRED));
    }
    let b = digits.as_bytes();
    if b.len() != 16 || !b.iter().all(u8::is_ascii_digit) {
        return Err(FieldError::new(codes::NIK_FORMAT));
    }
    if !PROVINCE_CODES.contains(&two(&b[0..2])) {
        return Err(FieldError::new(codes::NIK_PROVINCE));
    }
    let dd = two(&b[6..8]);
    let nik = Nik(digits);
    let (day, month, yy) = nik.birth_day_month_yy();
    if !encoded_date_exists(dd, month, yy) {
        return Err(FieldError::new(codes::NIK_BIRTH_DATE));
    }
    if let Some(d) = birth_date {
        if (d.day, d.month, (d.year % 100) as u8) != (day, month, yy) {
            return Err(FieldError::new(codes::NIK_BIRTH_DATE_MISMATCH));
        }
    }
    Ok(nik)
}

/// Whether DD (women +40), MM, YY names a real day in 19YY or 20YY.
fn encoded_date_exists(dd: u8, month: u8, yy: u8) -> bool {
    let day = match dd {
        1..=31 => dd,
        41..=71 => dd - 40,
        _ => return false,
    };
    if !(1..=12).contains(&month) {
        return false;
    }
    // 29 February exists in 19YY or 20YY exactly when YY is a multiple of 4 (2000 was leap).
    let year = if month == 2 && yy.is_multiple_of(4) { 2000 } else { 2001 };
    day <= days_in_month(year, month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_men_and_women() {
        let man = validate_nik("3201011705900001", None).unwrap();
        assert!(!man.is_female());
        assert_eq!(man.birth_day_month_yy(), (17, 5, 90));
        let woman = validate_nik("3201 0157 0590 0001", Date::new(1990, 5, 17)).unwrap();
        assert!(woman.is_female());
        assert_eq!(woman.as_str(), "3201015705900001");
    }

    #[test]
    fn rejects_with_codes() {
        let code = |s: &str| validate_nik(s, None).unwrap_err().code;
        assert_eq!(code(""), codes::REQUIRED);
        assert_eq!(code("320101170590000"), codes::NIK_FORMAT);
        assert_eq!(code("320101170590000x"), codes::NIK_FORMAT);
        assert_eq!(code("９２０１０１１７０５９００００１"), codes::NIK_FORMAT);
        assert_eq!(code("0001011705900001"), codes::NIK_PROVINCE);
        assert_eq!(code("3201013202900001"), codes::NIK_BIRTH_DATE);
        assert_eq!(code("3201017202900001"), codes::NIK_BIRTH_DATE);
        assert_eq!(code("3201012902010001"), codes::NIK_BIRTH_DATE);
        assert!(validate_nik("3201012902000001", None).is_ok());
        assert_eq!(
            validate_nik("3201011705900001", Date::new(1990, 5, 18)).unwrap_err().code,
            codes::NIK_BIRTH_DATE_MISMATCH
        );
    }
}
