//! The complaint a participant files: its wire form ([`ComplaintRequest`], every field lenient so
//! that a missing or mistyped value becomes a field error rather than a parse failure) and its
//! checked form ([`ValidComplaint`]), produced by [`validate_complaint`].

use crate::codes;
use crate::date::{Date, Timestamp};
use crate::email::{validate_email, Email};
use crate::error::{ErrorItem, FieldError};
use crate::kpj::{validate_kpj, Kpj};
use crate::nik::{validate_nik, Nik};
use crate::phone::{validate_phone, Phone};
use crate::text::{validate_description, validate_ident, validate_name, validate_text};
use serde::{Deserialize, Serialize};

pub const MAX_PATH_STEPS: usize = 100;
pub const MAX_ATTACHMENTS: usize = 3;
pub const APP_VERSION_MAX_CHARS: usize = 32;
/// How far in the future a client clock may be before its times are rejected.
pub const CLOCK_SKEW_SECS: i64 = 3600;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        // The variant names are the wire texts in CamelCase (checked by a test), so the OpenAPI
        // schema, which does not see through the macro, agrees with serde.
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

string_enum!(
    /// The problem family; also what a service disruption affects.
    Category { Login = "login", KpjMismatch = "kpj_mismatch", Balance = "balance", JhtClaim = "jht_claim", Other = "other" }
);
string_enum!(Urgency { Normal = "normal", High = "high" });
string_enum!(
    /// How the agency answers: through the channel the participant chose.
    ReplyChannel { Whatsapp = "whatsapp", Email = "email", Phone = "phone" }
);
string_enum!(
    /// The two languages every text exists in, on the wire and in the guides; Indonesian first.
    Language { Id = "id", En = "en" }
);

impl Default for Language {
    fn default() -> Self {
        Language::Id
    }
}
string_enum!(ComplaintStatus { Received = "received", InProgress = "in_progress", Resolved = "resolved" });

impl ComplaintStatus {
    /// Where staff may move a complaint from here: a received one is taken up (or resolved at
    /// once), one in progress is resolved, a resolved one reopened.
    pub fn next(self) -> &'static [ComplaintStatus] {
        match self {
            ComplaintStatus::Received => &[ComplaintStatus::InProgress, ComplaintStatus::Resolved],
            ComplaintStatus::InProgress => &[ComplaintStatus::Resolved],
            ComplaintStatus::Resolved => &[ComplaintStatus::InProgress],
        }
    }
}

/// `POST /api/v1/complaints` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ComplaintRequest {
    pub guide: GuideTrail,
    #[cfg_attr(feature = "openapi", schema(value_type = Category))]
    pub category: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Urgency))]
    pub urgency: String,
    pub reporter: Reporter,
    #[cfg_attr(feature = "openapi", schema(value_type = ReplyChannel))]
    pub reply_channel: String,
    pub description: String,
    /// RFC 3339, e.g. `2025-03-01T08:30:00+07:00`.
    pub incident_at: Option<String>,
    /// Ids returned by `POST /api/v1/attachments`, at most 3.
    pub attachments: Vec<String>,
    pub consent: Consent,
    pub client: ClientContext,
}

/// Where in the guide the participant was: the (node, answer) pairs taken and the escalation node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct GuideTrail {
    pub guide_id: String,
    pub content_version: String,
    pub path: Vec<PathStep>,
    pub escalation_node: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PathStep {
    pub node: String,
    pub answer: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Reporter {
    /// Full name as on the KTP.
    pub name: String,
    pub nik: String,
    /// `YYYY-MM-DD`; when given, the NIK must encode it.
    pub birth_date: Option<String>,
    /// The number on the KPJ card (11 digits).
    pub kpj_card: Option<String>,
    /// The number the JMO app shows; with `kpj_card`, required for `kpj_mismatch`.
    pub kpj_app: Option<String>,
    /// Required when the reply channel is `email`.
    pub email: Option<String>,
    /// Indonesian mobile number (`08…`, `62…`, `+62…`). Always required: its last 4 digits look
    /// the ticket up.
    pub phone: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Consent {
    /// Explicit consent to processing personal data (UU 27/2022); must be `true`.
    pub personal_data: bool,
    /// Version of the consent notice the participant was shown.
    pub notice_version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ClientContext {
    #[cfg_attr(feature = "openapi", schema(value_type = Language))]
    pub language: String,
    pub app_version: Option<String>,
    /// Where the guide runs, e.g. `web`, `jmo_android`, `jmo_ios`.
    pub embedding: Option<String>,
}

/// A complaint that passed [`validate_complaint`], normalised (trimmed text, E.164 phone, …).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidComplaint {
    pub guide: GuideTrail,
    pub category: Category,
    pub urgency: Urgency,
    pub reporter: ValidReporter,
    pub reply_channel: ReplyChannel,
    pub description: String,
    pub incident_at: Option<Timestamp>,
    pub attachments: Vec<String>,
    pub consent: Consent,
    pub client: ValidClient,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidReporter {
    pub name: String,
    pub nik: Nik,
    pub birth_date: Option<Date>,
    pub kpj_card: Option<Kpj>,
    pub kpj_app: Option<Kpj>,
    pub email: Option<Email>,
    pub phone: Phone,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidClient {
    pub language: Language,
    pub app_version: Option<String>,
    pub embedding: Option<String>,
}

/// What validation may need from outside: the current time, for "not in the future" checks
/// (skipped when `None`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    pub now: Option<Timestamp>,
}

/// Collects field errors under their dotted paths.
struct Errors(Vec<ErrorItem>);

impl Errors {
    fn check<T>(&mut self, field: &str, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e.at(field))).ok()
    }

    fn push(&mut self, field: &str, code: &'static str) {
        self.0.push(FieldError::new(code).at(field));
    }
}

fn non_empty(o: &Option<String>) -> Option<&str> {
    o.as_deref().filter(|s| !s.trim().is_empty())
}

fn choice<T>(s: &str, parse: fn(&str) -> Option<T>) -> Result<T, FieldError> {
    if s.is_empty() {
        return Err(FieldError::new(codes::REQUIRED));
    }
    parse(s).ok_or(FieldError::new(codes::INVALID_CHOICE))
}

/// A canonical attachment id: a lower-case hyphenated UUID.
pub fn validate_attachment_id(s: &str) -> Result<String, FieldError> {
    let b = s.as_bytes();
    let ok = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        });
    ok.then(|| s.to_ascii_lowercase()).ok_or(FieldError::new(codes::INVALID_FORMAT))
}

fn not_future(ts: Timestamp, ctx: &Context) -> Result<Timestamp, FieldError> {
    match ctx.now {
        Some(now) if ts.unix() > now.unix() + CLOCK_SKEW_SECS => Err(FieldError::new(codes::DATE_IN_FUTURE)),
        _ => Ok(ts),
    }
}

/// Checks a whole complaint; on failure returns every field error, each with its dotted path
/// (`reporter.nik`, `guide.path[3].answer`, `attachments[1]`).
pub fn validate_complaint(req: &ComplaintRequest, ctx: &Context) -> Result<ValidComplaint, Vec<ErrorItem>> {
    let mut e = Errors(Vec::new());

    let g = &req.guide;
    let guide_id = e.check("guide.guide_id", validate_ident(&g.guide_id));
    let content_version = e.check("guide.content_version", validate_ident(&g.content_version));
    let escalation_node = e.check("guide.escalation_node", validate_ident(&g.escalation_node));
    if g.path.len() > MAX_PATH_STEPS {
        e.push("guide.path", codes::TOO_MANY);
    }
    let mut path = Vec::with_capacity(g.path.len().min(MAX_PATH_STEPS));
    for (i, step) in g.path.iter().enumerate().take(MAX_PATH_STEPS) {
        let node = e.check(&format!("guide.path[{i}].node"), validate_ident(&step.node));
        let answer = e.check(&format!("guide.path[{i}].answer"), validate_ident(&step.answer));
        if let (Some(node), Some(answer)) = (node, answer) {
            path.push(PathStep { node, answer });
        }
    }

    let category = e.check("category", choice(&req.category, Category::parse));
    let urgency = e.check("urgency", choice(&req.urgency, Urgency::parse));
    let reply_channel = e.check("reply_channel", choice(&req.reply_channel, ReplyChannel::parse));

    let r = &req.reporter;
    let name = e.check("reporter.name", validate_name(&r.name));
    let birth_date = match non_empty(&r.birth_date) {
        None => None,
        Some(s) => e.check(
            "reporter.birth_date",
            Date::parse(s.trim()).and_then(|d| {
                let midnight = Timestamp(d.days_since_epoch() * 86_400);
                not_future(midnight, ctx).map(|_| d)
            }),
        ),
    };
    // Without a valid birth date there is nothing to cross-check against.
    let nik = e.check("reporter.nik", validate_nik(&r.nik, birth_date));
    let mut kpj = |field: &str, value: &Option<String>| match non_empty(value) {
        Some(s) => e.check(field, validate_kpj(s)).map(Some),
        None if category == Some(Category::KpjMismatch) => {
            e.push(field, codes::REQUIRED);
            None
        }
        None => Some(None),
    };
    let kpj_card = kpj("reporter.kpj_card", &r.kpj_card);
    let kpj_app = kpj("reporter.kpj_app", &r.kpj_app);
    let email = match non_empty(&r.email) {
        Some(s) => e.check("reporter.email", validate_email(s)).map(Some),
        None if reply_channel == Some(ReplyChannel::Email) => {
            e.push("reporter.email", codes::REQUIRED);
            None
        }
        None => Some(None),
    };
    let phone = e.check("reporter.phone", validate_phone(&r.phone));

    let description = e.check("description", validate_description(&req.description));
    let incident_at = match non_empty(&req.incident_at) {
        None => Some(None),
        Some(s) => e.check("incident_at", Timestamp::parse(s.trim()).and_then(|t| not_future(t, ctx))).map(Some),
    };

    if req.attachments.len() > MAX_ATTACHMENTS {
        e.push("attachments", codes::TOO_MANY);
    }
    let mut attachments: Vec<String> = Vec::new();
    for (i, a) in req.attachments.iter().enumerate().take(MAX_ATTACHMENTS) {
        if let Some(id) = e.check(&format!("attachments[{i}]"), validate_attachment_id(a)) {
            if attachments.contains(&id) {
                e.push(&format!("attachments[{i}]"), codes::DUPLICATE);
            } else {
                attachments.push(id);
            }
        }
    }

    if !req.consent.personal_data {
        e.push("consent.personal_data", codes::CONSENT_REQUIRED);
    }
    let notice_version = match non_empty(&req.consent.notice_version) {
        Some(s) => e.check("consent.notice_version", validate_ident(s)).map(Some),
        None => Some(None),
    };

    let c = &req.client;
    let language = e.check("client.language", choice(&c.language, Language::parse));
    let app_version = match non_empty(&c.app_version) {
        Some(s) => e.check("client.app_version", validate_text(s, 1, APP_VERSION_MAX_CHARS, false)).map(Some),
        None => Some(None),
    };
    let embedding = match non_empty(&c.embedding) {
        Some(s) => e.check("client.embedding", validate_ident(s)).map(Some),
        None => Some(None),
    };

    if !e.0.is_empty() {
        return Err(e.0);
    }
    // No errors were recorded, so every check above produced a value.
    let (Some(guide_id), Some(content_version), Some(escalation_node), Some(category), Some(urgency)) =
        (guide_id, content_version, escalation_node, category, urgency)
    else {
        return Err(vec![ErrorItem::request(codes::INTERNAL)]);
    };
    let (Some(reply_channel), Some(name), Some(nik), Some(kpj_card), Some(kpj_app), Some(email), Some(phone)) =
        (reply_channel, name, nik, kpj_card, kpj_app, email, phone)
    else {
        return Err(vec![ErrorItem::request(codes::INTERNAL)]);
    };
    let (Some(description), Some(incident_at), Some(notice_version), Some(language), Some(app_version), Some(embedding)) =
        (description, incident_at, notice_version, language, app_version, embedding)
    else {
        return Err(vec![ErrorItem::request(codes::INTERNAL)]);
    };
    Ok(ValidComplaint {
        guide: GuideTrail { guide_id, content_version, path, escalation_node },
        category,
        urgency,
        reporter: ValidReporter { name, nik, birth_date, kpj_card, kpj_app, email, phone },
        reply_channel,
        description,
        incident_at,
        attachments,
        consent: Consent { personal_data: true, notice_version },
        client: ValidClient { language, app_version, embedding },
    })
}
