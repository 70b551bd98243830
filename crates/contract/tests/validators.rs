//! Properties of the field validators and the whole-complaint validator, checked against an
//! independent calendar (the `time` crate).

use jmo_contract::nik::PROVINCE_CODES;
use jmo_contract::*;
use proptest::prelude::*;

fn date_exists(year: i32, month: u8, day: u8) -> bool {
    time::Month::try_from(month).is_ok_and(|m| time::Date::from_calendar_date(year, m, day).is_ok())
}

/// The oracle for a NIK's date digits: DD (women +40) MM YY is a real day in 19YY or 20YY.
fn nik_date_plausible(dd: u8, mm: u8, yy: u8) -> bool {
    let day = if dd > 40 { dd - 40 } else { dd };
    (1..=31).contains(&day) && (date_exists(1900 + yy as i32, mm, day) || date_exists(2000 + yy as i32, mm, day))
}

prop_compose! {
    fn birth_date()(year in 1940u16..=2025, month in 1u8..=12, day in 1u8..=31) -> Date {
        // Fold impossible days back into the month so every case is a real date.
        let mut d = day;
        while Date::new(year, month, d).is_none() { d -= 1; }
        Date::new(year, month, d).unwrap()
    }
}

prop_compose! {
    fn valid_nik()(province in prop::sample::select(PROVINCE_CODES), regency in 1u8..=99, district in 1u8..=99,
                   date in birth_date(), female in any::<bool>(), serial in 1u16..=9999) -> (String, Date) {
        let dd = date.day + if female { 40 } else { 0 };
        (format!("{province:02}{regency:02}{district:02}{dd:02}{:02}{:02}{serial:04}", date.month, date.year % 100), date)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_niks_are_accepted((nik, date) in valid_nik()) {
        let parsed = validate_nik(&nik, None).unwrap();
        prop_assert_eq!(parsed.birth_day_month_yy(), (date.day, date.month, (date.year % 100) as u8));
        prop_assert!(validate_nik(&nik, Some(date)).is_ok());
        let spaced = format!("{} {} {} {}", &nik[..4], &nik[4..8], &nik[8..12], &nik[12..]);
        prop_assert_eq!(validate_nik(&spaced, Some(date)).unwrap().as_str().to_string(), nik);
    }

    #[test]
    fn every_single_digit_corruption_of_the_date_is_judged_by_the_calendar((nik, _) in valid_nik()) {
        for pos in 6..12 {
            for digit in b'0'..=b'9' {
                let mut bytes = nik.clone().into_bytes();
                if bytes[pos] == digit { continue; }
                bytes[pos] = digit;
                let corrupted = String::from_utf8(bytes).unwrap();
                let n = |i: usize| corrupted[i..i + 2].parse::<u8>().unwrap();
                let result = validate_nik(&corrupted, None);
                if nik_date_plausible(n(6), n(8), n(10)) {
                    prop_assert!(result.is_ok(), "{} rejected", corrupted);
                } else {
                    prop_assert_eq!(result.unwrap_err().code, codes::NIK_BIRTH_DATE, "{} accepted", corrupted);
                }
            }
        }
    }

    #[test]
    fn a_different_birth_date_is_a_mismatch((nik, date) in valid_nik(), other in birth_date()) {
        prop_assume!((other.day, other.month, other.year % 100) != (date.day, date.month, date.year % 100));
        prop_assert_eq!(validate_nik(&nik, Some(other)).unwrap_err().code, codes::NIK_BIRTH_DATE_MISMATCH);
    }

    #[test]
    fn wrong_lengths_are_format_errors(digits in "[0-9]{1,15}|[0-9]{17,30}") {
        prop_assert_eq!(validate_nik(&digits, None).unwrap_err().code, codes::NIK_FORMAT);
    }

    #[test]
    fn validators_never_panic(s in "\\PC*|.*") {
        let _ = validate_nik(&s, None);
        let _ = validate_kpj(&s);
        let _ = validate_phone(&s);
        let _ = validate_email(&s);
        let _ = validate_name(&s);
        let _ = validate_description(&s);
        let _ = Timestamp::parse(&s);
        let _ = Date::parse(&s);
        let _ = ticket::normalize_ticket(&s);
    }

    #[test]
    fn mobile_numbers_in_every_form_normalise_alike(rest in "8[0-9]{8,11}") {
        let e164 = format!("+62{rest}");
        for form in [format!("0{rest}"), format!("62{rest}"), e164.clone(), format!("+62 {} {}", &rest[..3], &rest[3..])] {
            prop_assert_eq!(validate_phone(&form).unwrap().as_e164().to_string(), e164.clone());
        }
    }

    #[test]
    fn timestamps_round_trip(secs in 0i64..4_102_444_800) {
        let t = Timestamp(secs);
        prop_assert_eq!(Timestamp::parse(&t.to_string()), Ok(t));
    }
}

fn sample() -> ComplaintRequest {
    serde_json::from_value(serde_json::json!({
        "guide": {"guide_id": "login", "content_version": "2025.1", "escalation_node": "contact_agency",
                  "path": [{"node": "start", "answer": "cannot_login"}, {"node": "reset", "answer": "tried"}]},
        "category": "kpj_mismatch",
        "urgency": "normal",
        "reporter": {"name": "Siti Aminah", "nik": "3201015705900001", "birth_date": "1990-05-17",
                     "kpj_card": "12345678901", "kpj_app": "10987654321", "phone": "0812-3456-7890"},
        "reply_channel": "whatsapp",
        "description": "Nomor KPJ di kartu berbeda dengan di aplikasi.",
        "incident_at": "2025-03-01T08:30:00+07:00",
        "attachments": ["0b6f4f3e-9a39-4c36-9d4e-5f8b1f2a3c4d"],
        "consent": {"personal_data": true, "notice_version": "v1"},
        "client": {"language": "id", "app_version": "1.2.3", "embedding": "web"}
    }))
    .unwrap()
}

fn now() -> Context {
    Context { now: Some(Timestamp::parse("2025-06-01T00:00:00Z").unwrap()) }
}

#[test]
fn a_complete_complaint_is_valid_and_normalised() {
    let v = validate_complaint(&sample(), &now()).unwrap();
    assert_eq!(v.category, Category::KpjMismatch);
    assert_eq!(v.reporter.phone.as_e164(), "+6281234567890");
    assert_eq!(v.incident_at.unwrap().to_string(), "2025-03-01T01:30:00Z");
}

#[test]
fn every_problem_is_reported_with_its_path() {
    let mut c = sample();
    c.guide.path[1].answer = "Tried it!".into();
    c.category = "billing".into();
    c.urgency = String::new();
    c.reporter.nik = "3201013202900001".into();
    c.reporter.kpj_app = None;
    c.reporter.phone = "021 5551234".into();
    c.reply_channel = "email".into();
    c.incident_at = Some("2030-01-01T00:00:00Z".into());
    c.attachments = vec!["x".into(), "0b6f4f3e-9a39-4c36-9d4e-5f8b1f2a3c4d".into(), "0b6f4f3e-9a39-4c36-9d4e-5f8b1f2a3c4d".into()];
    c.consent.personal_data = false;
    c.client.language = "fr".into();
    let errors = validate_complaint(&c, &now()).unwrap_err();
    let got: Vec<(String, String)> = errors.into_iter().map(|e| (e.field.unwrap(), e.code)).collect();
    let expected = [
        ("guide.path[1].answer", "invalid_format"),
        ("category", "invalid_choice"),
        ("urgency", "required"),
        ("reporter.nik", "nik_birth_date"),
        ("reporter.email", "required"),
        ("reporter.phone", "phone_not_mobile"),
        ("incident_at", "date_in_future"),
        ("attachments[0]", "invalid_format"),
        ("attachments[2]", "duplicate"),
        ("consent.personal_data", "consent_required"),
        ("client.language", "invalid_choice"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(f, c)| (f.to_string(), c.to_string())).collect();
    assert_eq!(got, expected);
}

#[test]
fn kpj_numbers_are_required_only_for_a_mismatch() {
    let mut c = sample();
    c.reporter.kpj_card = None;
    let errors = validate_complaint(&c, &now()).unwrap_err();
    assert_eq!(errors, vec![FieldError::new(codes::REQUIRED).at("reporter.kpj_card")]);
    c.category = "login".into();
    c.reporter.kpj_app = None;
    assert!(validate_complaint(&c, &now()).is_ok());
}

#[test]
fn an_empty_body_names_every_required_field() {
    let errors = validate_complaint(&ComplaintRequest::default(), &Context::default()).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_deref().unwrap()).collect();
    for f in ["guide.guide_id", "category", "reporter.nik", "reporter.phone", "description", "consent.personal_data", "client.language"] {
        assert!(fields.contains(&f), "{f} missing in {fields:?}");
    }
}

#[test]
fn enums_serialize_as_their_wire_texts() {
    fn check<T: serde::Serialize>(all: &[T], text: fn(&T) -> &'static str) {
        for v in all {
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::Value::from(text(v)));
        }
    }
    check(&Category::ALL, |v| v.as_str());
    check(&Urgency::ALL, |v| v.as_str());
    check(&ReplyChannel::ALL, |v| v.as_str());
    check(&Language::ALL, |v| v.as_str());
    check(&ComplaintStatus::ALL, |v| v.as_str());
}
