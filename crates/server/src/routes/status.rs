//! `GET /api/v1/status`: the service disruptions in force, for the guide to show before filing.

use crate::clock;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use jmo_contract::ServiceStatus;

#[utoipa::path(get, path = "/api/v1/status", tag = "status",
    responses((status = 200, description = "Known disruptions, newest first", body = ServiceStatus)))]
pub async fn status(State(app): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let disruptions = app.store.active_disruptions(clock::now()).await?;
    Ok(([(header::CACHE_CONTROL, "public, max-age=15")], Json(ServiceStatus { disruptions })))
}
