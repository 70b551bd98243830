//! Response bodies and the staff endpoints' request bodies.

use crate::codes;
use crate::complaint::{Category, ComplaintStatus};
use crate::date::Timestamp;
use crate::error::{ErrorItem, FieldError};
use crate::text::validate_text;
use serde::{Deserialize, Serialize};

/// 201 answer to `POST /api/v1/complaints`. Times are RFC 3339 UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintReceipt {
    /// Unguessable ticket number, e.g. `JMO-7K3M-9QX2-ABCD-EF01`.
    pub ticket: String,
    pub received_at: String,
    /// When the first response is due (24 hours after receipt).
    pub response_due_at: String,
}

/// Answer to `GET /api/v1/complaints/{ticket}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketStatus {
    pub ticket: String,
    pub status: ComplaintStatus,
    pub received_at: String,
    pub response_due_at: String,
    pub updated_at: String,
}

/// 201 answer to `POST /api/v1/attachments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentReceipt {
    pub id: String,
    /// The type after re-encoding: `image/jpeg` or `image/png`.
    pub content_type: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
}

/// A text in both languages of the guide.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Localized {
    pub id: String,
    pub en: String,
}

/// A known service disruption, so the guide can say "this is a known problem" before filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Disruption {
    pub id: String,
    /// The problem family it affects.
    pub family: Category,
    pub title: Localized,
    pub message: Localized,
    pub since: String,
}

/// Answer to `GET /api/v1/status`: the disruptions in force now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceStatus {
    pub disruptions: Vec<Disruption>,
}

/// Staff: `POST /api/v1/staff/disruptions` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewDisruption {
    #[cfg_attr(feature = "openapi", schema(value_type = Category))]
    pub family: String,
    pub title: Localized,
    pub message: Localized,
    /// RFC 3339; defaults to now.
    pub since: Option<String>,
}

pub const DISRUPTION_TITLE_MAX_CHARS: usize = 200;
pub const DISRUPTION_MESSAGE_MAX_CHARS: usize = 2000;

/// A checked [`NewDisruption`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDisruption {
    pub family: Category,
    pub title: Localized,
    pub message: Localized,
    pub since: Option<Timestamp>,
}

pub fn validate_new_disruption(d: &NewDisruption) -> Result<ValidDisruption, Vec<ErrorItem>> {
    let mut errors = Vec::new();
    let mut check = |field: &str, r: Result<String, FieldError>| r.map_err(|e| errors.push(e.at(field))).unwrap_or_default();
    let title = Localized {
        id: check("title.id", validate_text(&d.title.id, 1, DISRUPTION_TITLE_MAX_CHARS, false)),
        en: check("title.en", validate_text(&d.title.en, 1, DISRUPTION_TITLE_MAX_CHARS, false)),
    };
    let message = Localized {
        id: check("message.id", validate_text(&d.message.id, 0, DISRUPTION_MESSAGE_MAX_CHARS, true)),
        en: check("message.en", validate_text(&d.message.en, 0, DISRUPTION_MESSAGE_MAX_CHARS, true)),
    };
    let family = match Category::parse(&d.family) {
        Some(f) => Some(f),
        None => {
            let code = if d.family.is_empty() { codes::REQUIRED } else { codes::INVALID_CHOICE };
            errors.push(FieldError::new(code).at("family"));
            None
        }
    };
    let since = match d.since.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Timestamp::parse(s).map_err(|e| errors.push(e.at("since"))).ok(),
    };
    match family {
        Some(family) if errors.is_empty() => Ok(ValidDisruption { family, title, message, since }),
        _ => Err(errors),
    }
}

/// Staff: `PATCH /api/v1/staff/complaints/{ticket}` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct StatusUpdate {
    #[cfg_attr(feature = "openapi", schema(value_type = ComplaintStatus))]
    pub status: String,
}
