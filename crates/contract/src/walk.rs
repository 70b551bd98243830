//! `POST /api/v1/walks`: the one anonymous report a walk through a guide leaves — where it went
//! and how it ended, by ids, and the day. Nothing about the participant or their device: the
//! fields below are all there is (unknown ones are refused), and none can hold what was typed.
//! The server checks the step against the guides and keeps daily counts only (docs/learning.md).

use serde::{Deserialize, Serialize};

use crate::{Date, Language};

/// Longest `step` accepted: a step link's own cap.
pub const MAX_STEP_LEN: usize = 2048;
/// How many days late a report kept on an offline device may still arrive.
pub const MAX_DAYS_LATE: i64 = 7;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WalkReport {
    /// Where the walk ended, as the step's link writes it without `lang` or `embed`:
    /// `/login/otp_missing?a=what_happens.no_otp` (the guide, the last node, the answers taken).
    pub step: String,
    /// The content version the walk ran on.
    pub version: String,
    pub outcome: WalkOutcome,
    /// On an escalation: whether the complaint was delivered before the walk ended.
    #[serde(default)]
    pub delivered: bool,
    pub lang: Language,
    pub embedding: WalkEmbedding,
    /// The walk's day in Jakarta (WIB), `YYYY-MM-DD`: no finer time.
    pub day: String,
    /// Random, to drop the same report sent twice: 16–64 of `A-Z a-z 0-9 - _`.
    pub nonce: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WalkOutcome {
    /// Ended on a step that solved the problem.
    Resolved,
    /// Ended on an escalation (see `delivered`).
    Escalated,
    /// Left on a question.
    Left,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WalkEmbedding {
    /// A browser on its own.
    Web,
    /// A frame in another site's page.
    Embed,
    /// The JMO app's help webview.
    App,
}

impl WalkOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            WalkOutcome::Resolved => "resolved",
            WalkOutcome::Escalated => "escalated",
            WalkOutcome::Left => "left",
        }
    }
}

impl WalkEmbedding {
    pub fn as_str(self) -> &'static str {
        match self {
            WalkEmbedding::Web => "web",
            WalkEmbedding::Embed => "embed",
            WalkEmbedding::App => "app",
        }
    }
}

/// Why a report is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkReportError {
    /// `step` too long, `nonce` malformed, `delivered` off an escalation.
    Malformed,
    /// `day` not a date, in the future or older than [`MAX_DAYS_LATE`].
    Day,
}

impl WalkReport {
    /// The checks that need no guide: returns the day. `today` is Jakarta's.
    pub fn check(&self, today: Date) -> Result<Date, WalkReportError> {
        let nonce_ok = (16..=64).contains(&self.nonce.len())
            && self.nonce.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let delivered_ok = !self.delivered || self.outcome == WalkOutcome::Escalated;
        if self.step.len() > MAX_STEP_LEN || !self.step.starts_with('/') || !nonce_ok || !delivered_ok || self.version.len() > 64 {
            return Err(WalkReportError::Malformed);
        }
        let day = Date::parse(&self.day).map_err(|_| WalkReportError::Day)?;
        let late = today.days_since_epoch() - day.days_since_epoch();
        if !(0..=MAX_DAYS_LATE).contains(&late) {
            return Err(WalkReportError::Day);
        }
        Ok(day)
    }
}

/// `GET /api/v1/staff/walks`: what the walks of a period came to, per guide (docs/learning.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalkStats {
    /// The first and last day counted (Jakarta), `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    pub guides: Vec<GuideStats>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideStats {
    pub guide: String,
    /// Every version of the period together.
    pub total: Outcomes,
    /// The same per content version, so that an edit's effect shows.
    pub versions: Vec<VersionStats>,
    /// The same per language (`id`, `en`) and per embedding (`web`, `embed`, `app`).
    pub languages: Vec<KeyedOutcomes>,
    pub embeddings: Vec<KeyedOutcomes>,
    /// Per node: walks that passed it and how many ended there, and how.
    pub nodes: Vec<NodeStats>,
    /// Per answer taken: how many walks took it.
    pub edges: Vec<EdgeStats>,
}

/// How walks ended. `escalated` counts those whose complaint was `delivered` too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcomes {
    pub walks: u64,
    pub resolved: u64,
    pub escalated: u64,
    pub delivered: u64,
    pub left: u64,
    /// resolved ÷ (resolved + escalated); absent when neither happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deflection: Option<f64>,
    /// Step pages the server drew (the first page of every walk, and each page of a walk in a
    /// browser without JavaScript), which no report follows.
    pub pages: u64,
}

impl Outcomes {
    /// Adds `count` walks that ended as `outcome` (`delivered`: escalated, complaint delivered).
    pub fn add(&mut self, outcome: WalkOutcome, delivered: bool, count: u64) {
        self.walks += count;
        match outcome {
            WalkOutcome::Resolved => self.resolved += count,
            WalkOutcome::Escalated => {
                self.escalated += count;
                if delivered {
                    self.delivered += count;
                }
            }
            WalkOutcome::Left => self.left += count,
        }
        let decided = self.resolved + self.escalated;
        self.deflection = (decided > 0).then(|| self.resolved as f64 / decided as f64);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionStats {
    pub version: String,
    pub outcomes: Outcomes,
}

/// [`Outcomes`] of one language or one embedding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyedOutcomes {
    pub key: String,
    pub outcomes: Outcomes,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeStats {
    pub node: String,
    /// Walks that reached this node (ended there or went on).
    pub visits: u64,
    /// Walks that ended here, by how (`walks` is their sum, `pages` the server's pages of it).
    pub ended: Outcomes,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EdgeStats {
    pub node: String,
    pub answer: String,
    pub walks: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> WalkReport {
        WalkReport {
            step: "/login/otp_missing?a=what_happens.no_otp".into(),
            version: "8dba6e5b5770".into(),
            outcome: WalkOutcome::Resolved,
            delivered: false,
            lang: Language::Id,
            embedding: WalkEmbedding::Web,
            day: "2026-12-03".into(),
            nonce: "abcdefghij0123456789".into(),
        }
    }

    #[test]
    fn a_report_of_today_or_the_last_week_passes() {
        let today = Date::new(2026, 12, 3).unwrap();
        assert_eq!(report().check(today), Ok(today));
        assert_eq!(WalkReport { day: "2026-11-26".into(), ..report() }.check(today), Ok(Date::new(2026, 11, 26).unwrap()));
    }

    #[test]
    fn a_day_in_the_future_too_old_or_not_a_date_is_refused() {
        let today = Date::new(2026, 12, 3).unwrap();
        for day in ["2026-12-04", "2026-11-25", "2026-02-30", "yesterday", ""] {
            assert_eq!(WalkReport { day: day.into(), ..report() }.check(today), Err(WalkReportError::Day), "{day}");
        }
    }

    #[test]
    fn malformed_fields_are_refused() {
        let today = Date::new(2026, 12, 3).unwrap();
        let bad = [
            WalkReport { nonce: "short".into(), ..report() },
            WalkReport { nonce: "has spaces in it, sixteen+".into(), ..report() },
            WalkReport { nonce: "x".repeat(65), ..report() },
            WalkReport { step: "login/otp_missing".into(), ..report() },
            WalkReport { step: format!("/login/{}", "a".repeat(MAX_STEP_LEN)), ..report() },
            WalkReport { delivered: true, ..report() },
        ];
        for r in bad {
            assert_eq!(r.check(today), Err(WalkReportError::Malformed), "{r:?}");
        }
        assert!(WalkReport { outcome: WalkOutcome::Escalated, delivered: true, ..report() }.check(today).is_ok());
    }

    #[test]
    fn deflection_is_resolved_over_resolved_and_escalated() {
        let mut o = Outcomes::default();
        assert_eq!(o.deflection, None);
        o.add(WalkOutcome::Left, false, 5);
        assert_eq!(o.deflection, None, "walks left on a question decide nothing");
        o.add(WalkOutcome::Resolved, false, 3);
        o.add(WalkOutcome::Escalated, true, 1);
        assert_eq!((o.walks, o.resolved, o.escalated, o.delivered, o.left), (9, 3, 1, 1, 5));
        assert_eq!(o.deflection, Some(0.75));
    }

    #[test]
    fn the_wire_form_has_only_these_fields() {
        let json = r#"{"step":"/kpj/escalate","version":"v","outcome":"escalated","delivered":true,"lang":"en","embedding":"app","day":"2026-12-03","nonce":"abcdefghij0123456789"}"#;
        let r: WalkReport = serde_json::from_str(json).unwrap();
        assert_eq!((r.outcome, r.embedding, r.lang), (WalkOutcome::Escalated, WalkEmbedding::App, Language::En));
        let with_name = json.replace(r#""day""#, r#""name":"Ani","day""#);
        assert!(serde_json::from_str::<WalkReport>(&with_name).is_err());
    }
}
