//! `POST /api/v1/walks`: a walk's anonymous report, sent by the widget with `sendBeacon`
//! (`text/plain`, so no preflight; JSON accepted too). `202` when counted or already counted,
//! `422` with the reason when it is not a walk the guides shipped today can make; never a
//! partial count. `GET /api/v1/staff/walks`: the counts of a period (docs/learning.md).

use crate::body::{parse_json, read_limited};
use crate::error::ApiError;
use crate::pages::today;
use crate::state::AppState;
use crate::walks::tally;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use jmo_contract::{codes, WalkReport, WalkStats};
use serde::Deserialize;

/// A report is a few hundred bytes; a step link is at most 2 KB.
pub const WALK_BODY_LIMIT: usize = 4 * 1024;

#[utoipa::path(post, path = "/api/v1/walks", tag = "walks", request_body = WalkReport,
    responses((status = 202, description = "Counted (or counted before: same nonce)"),
        (status = 413, body = jmo_contract::ErrorBody), (status = 422, body = jmo_contract::ErrorBody),
        (status = 429, body = jmo_contract::ErrorBody)))]
pub async fn report(State(app): State<AppState>, headers: HeaderMap, body: Body) -> Result<StatusCode, ApiError> {
    let bytes = read_limited(&headers, body, WALK_BODY_LIMIT, app.body_idle_timeout).await?;
    let (_, report): (_, WalkReport) = parse_json(&bytes)?;
    let catalog = jmo_selfhelp::content::bundled();
    let counted = tally(catalog, &report, today()).map_err(|why| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, why.code()))?;
    app.store.add_walk(&report.nonce, &counted).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PeriodQuery {
    /// First day (Jakarta), `YYYY-MM-DD`; default: 29 days before `to`.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD`; default: today.
    to: Option<String>,
    /// One guide's id; default: every guide.
    guide: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/staff/walks", tag = "staff", security(("staff" = [])), params(PeriodQuery),
    responses((status = 200, body = WalkStats), (status = 400, body = jmo_contract::ErrorBody), (status = 401, body = jmo_contract::ErrorBody)))]
pub async fn stats(State(app): State<AppState>, headers: HeaderMap, query: Result<Query<PeriodQuery>, QueryRejection>) -> Result<Json<WalkStats>, ApiError> {
    crate::routes::staff::require_staff(&app, &headers)?;
    let Query(q) = query.map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_FORMAT))?;
    let (from, to) = crate::walks::period(q.from.as_deref(), q.to.as_deref(), today())
        .map_err(|field| ApiError::field(StatusCode::BAD_REQUEST, field, codes::INVALID_FORMAT))?;
    let catalog = jmo_selfhelp::content::bundled();
    if let Err(e) = app.page_counts.write(&app.store, &catalog.version).await {
        tracing::warn!(error = %e, "page counts not written yet");
    }
    let guide = q.guide.as_deref().filter(|g| !g.is_empty());
    Ok(Json(app.store.walk_stats(from, to, guide).await?))
}
