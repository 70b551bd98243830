//! Each field validator on its own, on arbitrary text: never a panic, and accepted values keep
//! the promises the types make (digits only, E.164, no control characters, limits in chars).
#![no_main]

use jmo_contract::text::{is_forbidden_char, DESCRIPTION_MAX_CHARS, NAME_MAX_CHARS};
use jmo_contract::{
    validate_description, validate_email, validate_kpj, validate_name, validate_nik, validate_phone, Date, Timestamp,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let s = text.as_ref();

    let birth = Date::parse(s).ok();
    let _ = Timestamp::parse(s).map(|t| (t.unix(), t.date()));
    for birth_date in [None, birth, Date::new(1990, 5, 17)] {
        if let Ok(nik) = validate_nik(s, birth_date) {
            assert!(nik.as_str().len() == 16 && nik.as_str().bytes().all(|b| b.is_ascii_digit()));
            let _ = (nik.province(), nik.is_female(), nik.birth_day_month_yy());
        }
    }
    if let Ok(kpj) = validate_kpj(s) {
        assert!(kpj.as_str().bytes().all(|b| b.is_ascii_digit()));
    }
    if let Ok(phone) = validate_phone(s) {
        assert!(phone.as_e164().starts_with("+628"));
        assert!(phone.as_e164()[1..].bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(phone.last4().len(), 4);
    }
    if let Ok(email) = validate_email(s) {
        assert!(email.as_str().is_ascii() && email.as_str().len() <= 254);
        assert_eq!(email.as_str().matches('@').count(), 1);
    }
    if let Ok(name) = validate_name(s) {
        assert!(!name.chars().any(|c| is_forbidden_char(c, false)));
        assert!(name.chars().count() <= NAME_MAX_CHARS);
        assert!(!name.chars().any(|c| matches!(c, '<' | '>' | '"' | '&')));
    }
    if let Ok(description) = validate_description(s) {
        assert!(!description.chars().any(|c| is_forbidden_char(c, true)));
        assert!(description.chars().count() <= DESCRIPTION_MAX_CHARS);
    }
});
