//! What the participant typed, as plain data, and how it becomes a [`ComplaintRequest`] checked
//! by the contract — the same check the server runs, so the browser refuses exactly what the
//! server would.

use jmo_contract::{
    validate_complaint, ClientContext, ComplaintRequest, Consent, Context, ErrorItem, EscalationContext, Language, Reporter, Timestamp,
};

/// The consent notice shown with the checkbox; bump when content/form.toml's `consent_note` changes.
pub const CONSENT_NOTICE_VERSION: &str = "2026-11";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Field {
    Name,
    Nik,
    KpjCard,
    KpjApp,
    Phone,
    Email,
    ReplyChannel,
    Description,
    IncidentAt,
    Attachments,
    Consent,
}

impl Field {
    /// In the order of the page (the error summary follows it).
    pub const ALL: [Field; 11] = [
        Field::Name,
        Field::Nik,
        Field::KpjCard,
        Field::KpjApp,
        Field::Phone,
        Field::Email,
        Field::ReplyChannel,
        Field::Description,
        Field::IncidentAt,
        Field::Attachments,
        Field::Consent,
    ];

    /// The field's path in the contract (and in the server's errors).
    pub fn path(self) -> &'static str {
        match self {
            Field::Name => "reporter.name",
            Field::Nik => "reporter.nik",
            Field::KpjCard => "reporter.kpj_card",
            Field::KpjApp => "reporter.kpj_app",
            Field::Phone => "reporter.phone",
            Field::Email => "reporter.email",
            Field::ReplyChannel => "reply_channel",
            Field::Description => "description",
            Field::IncidentAt => "incident_at",
            Field::Attachments => "attachments",
            Field::Consent => "consent.personal_data",
        }
    }

    /// The id of its input on the page (the error summary links to it).
    pub fn dom_id(self) -> &'static str {
        match self {
            Field::Name => "field-name",
            Field::Nik => "field-nik",
            Field::KpjCard => "field-kpj_card",
            Field::KpjApp => "field-kpj_app",
            Field::Phone => "field-phone",
            Field::Email => "field-email",
            Field::ReplyChannel => "field-reply_channel",
            Field::Description => "field-description",
            Field::IncidentAt => "field-incident_at",
            Field::Attachments => "field-attachments",
            Field::Consent => "field-consent",
        }
    }

    /// The form field an error path belongs to (`attachments[2]` → attachments); `None` for
    /// what the participant cannot change (the guide trail, the client context).
    pub fn of_path(path: &str) -> Option<Field> {
        let base = path.split('[').next().unwrap_or(path);
        Field::ALL.into_iter().find(|f| f.path() == base)
    }
}

/// A refused field, or the request as a whole (`field: None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: Option<Field>,
    /// The contract path, for the field's own error text.
    pub path: String,
    pub code: String,
}

impl Problem {
    pub fn from_item(item: &ErrorItem) -> Problem {
        let path = item.field.clone().unwrap_or_default();
        Problem { field: Field::of_path(&path), path: path.split('[').next().unwrap_or_default().to_owned(), code: item.code.clone() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Draft {
    pub name: String,
    pub nik: String,
    pub kpj_card: String,
    pub kpj_app: String,
    pub phone: String,
    pub email: String,
    pub reply_channel: String,
    pub description: String,
    /// As a `datetime-local` input gives it: `2026-11-24T08:30`.
    pub incident_at: String,
    pub consent: bool,
}

impl Draft {
    /// An empty form, with WhatsApp (the most used channel) chosen for the reply.
    pub fn fresh() -> Draft {
        Draft { reply_channel: "whatsapp".into(), ..Draft::default() }
    }

    pub fn value(&self, field: Field) -> &str {
        match field {
            Field::Name => &self.name,
            Field::Nik => &self.nik,
            Field::KpjCard => &self.kpj_card,
            Field::KpjApp => &self.kpj_app,
            Field::Phone => &self.phone,
            Field::Email => &self.email,
            Field::ReplyChannel => &self.reply_channel,
            Field::Description => &self.description,
            Field::IncidentAt => &self.incident_at,
            Field::Attachments | Field::Consent => "",
        }
    }

    pub fn set(&mut self, field: Field, value: String) {
        match field {
            Field::Name => self.name = value,
            Field::Nik => self.nik = value,
            Field::KpjCard => self.kpj_card = value,
            Field::KpjApp => self.kpj_app = value,
            Field::Phone => self.phone = value,
            Field::Email => self.email = value,
            Field::ReplyChannel => self.reply_channel = value,
            Field::Description => self.description = value,
            Field::IncidentAt => self.incident_at = value,
            Field::Consent => self.consent = value == "true",
            Field::Attachments => {}
        }
    }

    /// The request exactly as it will be sent. `utc_offset_minutes` is the device's (420 for WIB).
    pub fn request(&self, ctx: &EscalationContext, attachments: Vec<String>, lang: Language, utc_offset_minutes: i32) -> ComplaintRequest {
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        ComplaintRequest {
            guide: ctx.trail.clone(),
            category: ctx.category.as_str().into(),
            urgency: ctx.urgency.as_str().into(),
            reporter: Reporter {
                name: self.name.clone(),
                nik: self.nik.clone(),
                birth_date: None,
                kpj_card: optional(&self.kpj_card),
                kpj_app: if ctx.asks_both_kpj() { optional(&self.kpj_app) } else { None },
                email: optional(&self.email),
                phone: self.phone.clone(),
            },
            reply_channel: self.reply_channel.clone(),
            description: self.description.clone(),
            incident_at: optional(&self.incident_at).map(|local| with_offset(&local, utc_offset_minutes)),
            attachments,
            consent: Consent { personal_data: self.consent, notice_version: Some(CONSENT_NOTICE_VERSION.into()) },
            client: ClientContext { language: lang.as_str().into(), app_version: None, embedding: Some("web".into()) },
        }
    }

    /// A saved complaint back in the form (to correct it after the server refused it).
    pub fn of_request(req: &ComplaintRequest) -> Draft {
        let r = &req.reporter;
        Draft {
            name: r.name.clone(),
            nik: r.nik.clone(),
            kpj_card: r.kpj_card.clone().unwrap_or_default(),
            kpj_app: r.kpj_app.clone().unwrap_or_default(),
            phone: r.phone.clone(),
            email: r.email.clone().unwrap_or_default(),
            reply_channel: req.reply_channel.clone(),
            description: req.description.clone(),
            incident_at: req.incident_at.as_deref().map(|t| t.chars().take(16).collect()).unwrap_or_default(),
            consent: req.consent.personal_data,
        }
    }
}

/// `2026-11-24T08:30` at UTC+07:00 → `2026-11-24T08:30:00+07:00`. Anything else is passed on
/// as typed, for the contract to refuse with its own code.
pub fn with_offset(local: &str, utc_offset_minutes: i32) -> String {
    let minutes_only = local.len() == 16 && local.as_bytes().get(10) == Some(&b'T');
    if !minutes_only {
        return local.to_owned();
    }
    let sign = if utc_offset_minutes < 0 { '-' } else { '+' };
    let off = utc_offset_minutes.unsigned_abs();
    format!("{local}:00{sign}{:02}:{:02}", off / 60, off % 60)
}

/// The contract's check, as problems in page order. `now_unix` makes "not in the future" checks.
pub fn check(req: &ComplaintRequest, now_unix: i64) -> Result<String, Vec<Problem>> {
    match validate_complaint(req, &Context { now: Some(Timestamp::from_unix(now_unix)) }) {
        Ok(valid) => Ok(valid.reporter.phone.last4().to_owned()),
        Err(items) => Err(in_page_order(items.iter().map(Problem::from_item).collect())),
    }
}

/// One problem per field (the first), in the order of the page; request-level ones last.
pub fn in_page_order(problems: Vec<Problem>) -> Vec<Problem> {
    let mut ordered: Vec<Problem> = Vec::new();
    for field in Field::ALL {
        if let Some(p) = problems.iter().find(|p| p.field == Some(field)) {
            ordered.push(p.clone());
        }
    }
    if let Some(p) = problems.iter().find(|p| p.field.is_none()) {
        ordered.push(p.clone());
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(category: &str) -> EscalationContext {
        EscalationContext::decode(&format!("/login/escalate?a=start.otp&v=v1&c={category}&u=normal"))
    }

    fn filled() -> Draft {
        Draft {
            name: "Siti Rahayu".into(),
            nik: "3201014507900003".into(),
            phone: "0812 3456 7890".into(),
            description: "Kode OTP tidak pernah masuk.".into(),
            consent: true,
            ..Draft::fresh()
        }
    }

    const NOW: i64 = 1_795_000_000;

    #[test]
    fn a_complete_draft_passes_and_gives_the_phones_last_digits() {
        let req = filled().request(&ctx("login"), vec![], Language::Id, 420);
        assert_eq!(check(&req, NOW), Ok("7890".to_owned()));
        assert_eq!(req.client.language, "id");
        assert_eq!(req.guide.path[0].answer, "otp");
    }

    #[test]
    fn an_empty_draft_names_every_required_field_in_page_order() {
        let req = Draft::fresh().request(&ctx("login"), vec![], Language::En, 420);
        let problems = check(&req, NOW).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Some(Field::Name), Some(Field::Nik), Some(Field::Phone), Some(Field::Description), Some(Field::Consent)]);
    }

    #[test]
    fn the_mismatch_case_needs_both_kpj_numbers_and_email_replies_need_an_email() {
        let mut d = filled();
        d.reply_channel = "email".into();
        let problems = check(&d.request(&ctx("kpj_mismatch"), vec![], Language::Id, 420), NOW).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| (p.field, p.code.as_str())).collect();
        assert_eq!(fields, [(Some(Field::KpjCard), "required"), (Some(Field::KpjApp), "required"), (Some(Field::Email), "required")]);
    }

    #[test]
    fn the_app_kpj_is_only_sent_in_the_mismatch_case() {
        let mut d = filled();
        d.kpj_app = "12345678901".into();
        assert_eq!(d.request(&ctx("login"), vec![], Language::Id, 420).reporter.kpj_app, None);
        assert!(d.request(&ctx("kpj_mismatch"), vec![], Language::Id, 420).reporter.kpj_app.is_some());
    }

    #[test]
    fn the_incident_time_gets_the_devices_offset_and_the_future_is_refused() {
        assert_eq!(with_offset("2026-11-24T08:30", 420), "2026-11-24T08:30:00+07:00");
        assert_eq!(with_offset("2026-11-24T08:30", -90), "2026-11-24T08:30:00-01:30");
        assert_eq!(with_offset("yesterday", 420), "yesterday");
        let mut d = filled();
        d.incident_at = "2099-01-01T00:00".into();
        let problems = check(&d.request(&ctx("login"), vec![], Language::Id, 420), NOW).unwrap_err();
        assert_eq!((problems[0].field, problems[0].code.as_str()), (Some(Field::IncidentAt), "date_in_future"));
    }

    #[test]
    fn server_error_paths_map_to_fields() {
        assert_eq!(Field::of_path("attachments[2]"), Some(Field::Attachments));
        assert_eq!(Field::of_path("reporter.nik"), Some(Field::Nik));
        assert_eq!(Field::of_path("guide.path[0].node"), None);
        let p = Problem::from_item(&ErrorItem { field: Some("attachments[1]".into()), code: "attachment_unknown".into() });
        assert_eq!((p.field, p.path.as_str()), (Some(Field::Attachments), "attachments"));
    }

    #[test]
    fn a_saved_request_comes_back_as_the_same_draft() {
        let mut d = filled();
        d.incident_at = "2026-11-20T07:15".into();
        let req = d.request(&ctx("login"), vec![], Language::Id, 420);
        assert_eq!(Draft::of_request(&req), Draft { phone: d.phone.clone(), ..d });
    }
}
