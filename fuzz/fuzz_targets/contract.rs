//! The whole complaint: arbitrary bytes read as the JSON body the server gets, then checked by
//! `validate_complaint`. It must never panic, whatever arrives, and whatever it accepts must be
//! clean: no control or bidi-override characters in any accepted text.
#![no_main]

use jmo_contract::text::is_forbidden_char;
use jmo_contract::{validate_complaint, ComplaintRequest, Context, Timestamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(req) = serde_json::from_slice::<ComplaintRequest>(data) else { return };
    for ctx in [Context { now: None }, Context { now: Some(Timestamp::from_unix(1_764_000_000)) }] {
        match validate_complaint(&req, &ctx) {
            Ok(valid) => {
                let r = &valid.reporter;
                assert!(!r.name.chars().any(|c| is_forbidden_char(c, false)));
                assert!(!valid.description.chars().any(|c| is_forbidden_char(c, true)));
                assert_eq!(r.phone.last4().len(), 4);
                let _ = r.nik.birth_day_month_yy();
                let _ = serde_json::to_string(&valid).expect("a valid complaint serialises");
            }
            Err(errors) => assert!(!errors.is_empty()),
        }
    }
});
