//! What the walks came to, for supervisors and admins (`/staff/walks`): the counts of a period
//! per guide, version and step, named as content names them, and each guide's map with the
//! period's walks drawn on it (`/staff/walks/map.svg`, laid out by Graphviz; when the server has
//! no Graphviz, an image that says so — the same numbers are in the page's tables).

use super::{page, signed_in, LangQuery, PageQuery, Workspace};
use crate::accounts::Role;
use crate::pages::today;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jmo_contract::Language;
use jmo_workspace::texts::texts;
use jmo_workspace::{Badge, GuideWalks, Page, WalksView};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct WalksQuery {
    lang: Option<String>,
    from: Option<String>,
    to: Option<String>,
    guide: Option<String>,
}

impl WalksQuery {
    fn lang(&self) -> Language {
        LangQuery { lang: self.lang.clone() }.lang()
    }
}

/// `GET /staff/walks?from=&to=`.
pub async fn show(State(ws): State<Workspace>, headers: HeaderMap, PageQuery(q): PageQuery<WalksQuery>) -> Response {
    let lang = q.lang();
    let session = match signed_in(&ws.app, &headers, lang).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let badge = Badge { name: session.account.display_name.clone(), role: session.role().as_str() };
    if session.role() == Role::Agent {
        return page(StatusCode::NOT_FOUND, lang, Page::NotFound { badge, csrf: session.csrf }).await;
    }
    // A period that is not one shows the last 30 days (the form's fields say which).
    let today = today();
    let (from, to) = crate::walks::period(q.from.as_deref(), q.to.as_deref(), today).unwrap_or((today.add_days(-29), today));
    let stats = match stats(&ws, from, to, None).await {
        Ok(stats) => stats,
        Err(response) => return response,
    };
    let catalog = jmo_selfhelp::content::bundled();
    let guides = stats
        .guides
        .into_iter()
        .map(|stats| {
            let guide = catalog.guide(&stats.guide);
            GuideWalks {
                title: guide.map_or_else(|| stats.guide.clone(), |g| g.title.get(lang).to_owned()),
                node_titles: guide.map(|g| g.nodes.iter().map(|n| (n.id.to_string(), n.title.get(lang).to_owned())).collect()).unwrap_or_default(),
                stats,
            }
        })
        .collect();
    let walks = WalksView { from: from.to_string(), to: to.to_string(), guides };
    page(StatusCode::OK, lang, Page::Walks { badge, csrf: session.csrf, walks: Box::new(walks) }).await
}

/// `GET /staff/walks/map.svg?guide=&from=&to=`: the guide's map with the period's walks.
pub async fn map(State(ws): State<Workspace>, headers: HeaderMap, PageQuery(q): PageQuery<WalksQuery>) -> Response {
    let lang = q.lang();
    let session = match signed_in(&ws.app, &headers, lang).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let not_found = || (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response();
    let catalog = jmo_selfhelp::content::bundled();
    let (Some(guide), false) = (q.guide.as_deref().and_then(|g| catalog.guide(g)), session.role() == Role::Agent) else { return not_found() };
    let Ok((from, to)) = crate::walks::period(q.from.as_deref(), q.to.as_deref(), today()) else { return not_found() };
    let stats = match stats(&ws, from, to, Some(&guide.id)).await {
        Ok(stats) => stats.guides.into_iter().next().unwrap_or_else(|| jmo_contract::GuideStats { guide: guide.id.to_string(), ..Default::default() }),
        Err(response) => return response,
    };
    let t = texts(lang);
    let source = jmo_guide::map::dot(guide, lang, Some((&stats, jmo_guide::map::MapTexts { visits: t.map_visits, ended: t.map_ended })));
    let laid_out = tokio::time::timeout(std::time::Duration::from_secs(10), tokio::task::spawn_blocking(move || jmo_guide::map::svg(&source))).await;
    let svg = match laid_out {
        Ok(Ok(Ok(svg))) => svg,
        outcome => {
            tracing::warn!(guide = %guide.id, error = ?outcome.map(|r| r.map(|r| r.err())), "the guide's map could not be laid out");
            unavailable(t.map_unavailable)
        }
    };
    let mut response = svg.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// An image that says the map cannot be drawn here.
fn unavailable(message: &str) -> String {
    let escaped = message.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"48\" role=\"img\" aria-label=\"{escaped}\">\
         <text x=\"8\" y=\"28\" font-family=\"sans-serif\" font-size=\"14\">{escaped}</text></svg>"
    )
}

async fn stats(ws: &Workspace, from: jmo_contract::Date, to: jmo_contract::Date, guide: Option<&str>) -> Result<jmo_contract::WalkStats, Response> {
    let catalog = jmo_selfhelp::content::bundled();
    if let Err(e) = ws.app.page_counts.write(&ws.app.store, &catalog.version).await {
        tracing::warn!(error = %e, "page counts not written yet");
    }
    ws.app.store.walk_stats(from, to, guide).await.map_err(|e| {
        tracing::error!(error = %e, "reading the walk counts");
        crate::error::ApiError::overloaded().into_response()
    })
}
