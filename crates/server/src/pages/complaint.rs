//! The complaint form on a page without JavaScript: the server draws the escalation's form
//! (jmo-form's own components) into the page's form slot, takes it back as a multipart POST to the
//! escalation's address, checks it with the contract like the browser form does, stores it once
//! under the form's hidden key and answers `303` to its receipt page (Post/Redirect/Get); refused,
//! the same page again (`422`) with the messages beside the fields and what was typed.

use std::time::Duration;

use axum::extract::multipart::{Field as Part, MultipartError};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jmo_contract::{codes, validate_complaint, ComplaintReceipt, Context, Language, MAX_ATTACHMENTS};
use jmo_form::components::KEY_FIELD;
use jmo_form::draft::{check, Draft, Field, Problem};
use jmo_form::ssr::Refused;
use jmo_guide::link::{Link, Opened};
use jmo_guide::walk::Walk;
use jmo_guide::{Guide, NodeKind};
use jmo_selfhelp::state::{fixed_page, Opening, CHECK_PAGE, RECEIVED_PAGE};

use super::Pages;
use crate::clock;
use crate::images::{self, ImageError, MAX_UPLOAD_BYTES};
use crate::routes::complaints;
use crate::state::AppState;

/// A posted form: its fields, at most three photos as they come from a camera, and the envelope.
pub const FORM_BODY_LIMIT: usize = MAX_ATTACHMENTS * MAX_UPLOAD_BYTES + 64 * 1024;
/// Longest text field kept (the contract's limits are far below: a longer one is refused).
const MAX_FIELD_CHARS: usize = 8 * 1024;
/// How long a receipt page shows its complaint after it was filed.
const RECEIPT_SECS: i64 = jmo_form::ssr::RECEIPT_DAYS * 24 * 3600;

/// Puts `html` into the page's empty form slot of `kind` (the widget's `FormSlot`, drawn as
/// `<div class="form-slot" data-kind="…"></div>`); `false` when the page has none.
fn fill_slot(body: &mut String, kind: &str, html: &str) -> bool {
    let Some(at) = body.find(&format!(" data-kind=\"{kind}\"")) else { return false };
    let Some(end) = body[at..].find('>').map(|i| at + i + 1) else { return false };
    if !body[end..].starts_with("</div>") {
        return false;
    }
    body.insert_str(end, html);
    true
}

/// What goes into the page's form slot.
pub enum Slot {
    /// A new form (with a new key), or the receipt the address names.
    Fresh,
    /// The form as posted and refused, keeping its key.
    Refused { key: String, refused: Box<Refused> },
    /// The check form as posted, with what the lookup found.
    Checked(Box<jmo_form::components::CheckStart>),
}

/// The escalation an address shows, if it is one.
pub fn escalation(address: &str) -> Option<(&'static Guide, Walk, Link)> {
    let catalog = jmo_selfhelp::content::bundled();
    let link = Link::decode(address).ok()?;
    let Opened::Step { guide, walk, .. } = catalog.open(&link) else { return None };
    let guide = &catalog.guides[guide];
    matches!(walk.current_node(guide).kind, NodeKind::Escalate(_)).then_some((guide, walk, link))
}

fn language(code: &str) -> Language {
    Language::parse(code).unwrap_or(Language::Id)
}

/// What [`fill`] did to a page.
#[derive(Default)]
pub struct Filled {
    /// A slot now holds the form's markup: the page needs the form's styles.
    pub slot: bool,
    /// The status the page should have when that differs from the rendered page's (a receipt
    /// that is gone).
    pub status: Option<StatusCode>,
}

/// Fills the form slot of an escalation page, the check page's slot, or the receipt slot of a
/// receipt page.
pub async fn fill(app: &AppState, address: &str, page: &mut jmo_selfhelp::ssr::Page, slot: Slot) -> Filled {
    let lang = language(page.lang);
    if let Some((guide, walk, _)) = escalation(address) {
        let (key, refused) = match slot {
            Slot::Refused { key, refused } => (key, Some(*refused)),
            Slot::Fresh | Slot::Checked(_) => (uuid::Uuid::new_v4().hyphenated().to_string(), None),
        };
        let action = address.to_owned();
        let form = jmo_form::ssr::form(&jmo_selfhelp::components::escalation_context(guide, &walk), lang, action, key, refused).await;
        return Filled { slot: fill_slot(&mut page.body, "form", &form), status: None };
    }
    if fixed_page(address, CHECK_PAGE).is_some() {
        let start = if let Slot::Checked(start) = slot { *start } else { Default::default() };
        let html = jmo_form::ssr::check(lang, address.to_owned(), start).await;
        return Filled { slot: fill_slot(&mut page.body, "check", &html), status: None };
    }
    if let Some(key) = address.strip_prefix(RECEIVED_PAGE) {
        let key = &key[..key.find('?').unwrap_or(key.len())];
        let receipt = receipt_of(app, key).await;
        let missing = receipt.is_none();
        let html = jmo_form::ssr::receipt(lang, receipt).await;
        return Filled { slot: fill_slot(&mut page.body, "receipt", &html), status: missing.then_some(StatusCode::NOT_FOUND) };
    }
    Filled::default()
}

async fn receipt_of(app: &AppState, key: &str) -> Option<ComplaintReceipt> {
    let key = uuid::Uuid::try_parse(key).ok()?.hyphenated().to_string();
    let (json, created_at) = app.store.receipt_of_key(&key).await.ok()??;
    (clock::now().unix() - created_at < RECEIPT_SECS).then(|| serde_json::from_str(&json).ok()).flatten()
}

/// What a posted form held.
struct Posted {
    draft: Draft,
    key: Option<String>,
    photos: Vec<axum::body::Bytes>,
    /// A problem reading it (too large, cut off): the fields read so far are kept.
    problem: Option<Problem>,
}

fn problem(field: Option<Field>, code: &str) -> Problem {
    Problem { field, path: field.map_or("", |f| f.path()).to_owned(), code: code.to_owned() }
}

fn read_problem(e: &MultipartError) -> Problem {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        problem(Some(Field::Attachments), codes::BODY_TOO_LARGE)
    } else {
        problem(None, codes::MALFORMED_BODY)
    }
}

async fn text_of(part: Part<'_>) -> Result<String, MultipartError> {
    let text = part.text().await?;
    Ok(text.chars().take(MAX_FIELD_CHARS).collect())
}

async fn read(request: Request) -> Posted {
    // No radio chosen is the contract's `required`, not WhatsApp by default.
    let mut posted = Posted { draft: Draft::default(), key: None, photos: Vec::new(), problem: None };
    let mut form = match Multipart::from_request(request, &()).await {
        Ok(form) => form,
        Err(_) => {
            posted.problem = Some(problem(None, codes::MALFORMED_BODY));
            return posted;
        }
    };
    loop {
        let part = match form.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(e) => {
                posted.problem = Some(read_problem(&e));
                break;
            }
        };
        let name = part.name().unwrap_or_default().to_owned();
        let result = if name == Field::Attachments.dom_id() {
            // A file input with nothing chosen still sends an empty part.
            match part.bytes().await {
                Ok(bytes) if bytes.is_empty() => Ok(()),
                Ok(_) if posted.photos.len() >= MAX_ATTACHMENTS => {
                    posted.problem = Some(problem(Some(Field::Attachments), codes::TOO_MANY));
                    Ok(())
                }
                Ok(bytes) => {
                    posted.photos.push(bytes);
                    Ok(())
                }
                Err(e) => Err(e),
            }
        } else {
            text_of(part).await.map(|text| match name.as_str() {
                KEY_FIELD => posted.key = Some(text),
                "reply_channel" => posted.draft.reply_channel = text,
                _ => {
                    if let Some(field) = Field::ALL.into_iter().find(|f| f.dom_id() == name) {
                        // A checked box sends `on`; an unchecked one sends nothing.
                        posted.draft.set(field, if field == Field::Consent { "true".into() } else { text });
                    }
                }
            })
        };
        if let Err(e) = result {
            posted.problem = Some(read_problem(&e));
            break;
        }
    }
    posted
}

/// Re-encodes and stores the posted photos for the complaint under `key` (so only it can claim
/// them); their ids, or the problem with the first that is refused.
async fn store_photos(app: &AppState, key: &str, photos: Vec<axum::body::Bytes>) -> Result<Vec<String>, Problem> {
    let mut ids = Vec::new();
    for bytes in photos {
        let refused = |code: &str| problem(Some(Field::Attachments), code);
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(refused(codes::BODY_TOO_LARGE));
        }
        if images::sniff(&bytes).is_none() {
            return Err(refused(codes::IMAGE_TYPE_UNSUPPORTED));
        }
        let permit = tokio::time::timeout(Duration::from_secs(10), app.image_slots.clone().acquire_owned())
            .await
            .map_err(|_| problem(None, codes::OVERLOADED))?
            .map_err(|_| problem(None, codes::OVERLOADED))?;
        let image = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            images::reencode_within(&bytes, jmo_form::images::MAX_SIDE)
        })
        .await
        .map_err(|_| problem(None, codes::OVERLOADED))?
        .map_err(|e| match e {
            ImageError::Unsupported => refused(codes::IMAGE_TYPE_UNSUPPORTED),
            ImageError::Corrupt => refused(codes::IMAGE_CORRUPT),
            ImageError::TooLarge { width, height } => {
                tracing::info!(width, height, "posted image refused: too many pixels");
                refused(crate::messages::server_codes::IMAGE_TOO_LARGE)
            }
        })?;
        let id = uuid::Uuid::new_v4().hyphenated().to_string();
        app.store
            .insert_attachment(&id, Some(key), image.content_type, image.data, image.width, image.height, clock::now())
            .await
            .map_err(|_| problem(None, codes::OVERLOADED))?;
        ids.push(id);
    }
    Ok(ids)
}

/// A complaint form posted to the escalation at `address`.
pub async fn post(pages: &Pages, address: String, (guide, walk, link): (&'static Guide, Walk, Link), request: Request) -> Response {
    let app = &pages.app;
    let limited = pages.complaints.check(&request).err();
    let posted = read(request).await;
    let key = posted.key.as_deref().and_then(|k| uuid::Uuid::try_parse(k.trim()).ok()).unwrap_or_else(uuid::Uuid::new_v4).hyphenated().to_string();
    let lang = link.lang.unwrap_or_default();
    let refuse = |draft: Draft, problems: Vec<Problem>, status: StatusCode| {
        let (key, address) = (key.clone(), address.clone());
        async move {
            let slot = Slot::Refused { key, refused: Box::new(Refused { draft, problems }) };
            super::render(pages, Opening::new(address, super::today()), Some(status), slot).await
        }
    };
    if let Some(wait) = limited {
        let mut response = refuse(posted.draft, vec![problem(None, codes::RATE_LIMITED)], StatusCode::TOO_MANY_REQUESTS).await;
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, wait.into());
        return response;
    }
    if let Some(problem) = posted.problem {
        return refuse(posted.draft, vec![problem], StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    // A second press while the first is still being stored: wait for it, then answer as it did.
    let mut waited = Duration::ZERO;
    let claim = loop {
        if let Some(claim) = app.claim_key(&key) {
            break claim;
        }
        if waited > Duration::from_secs(10) {
            return refuse(posted.draft, vec![problem(None, codes::OVERLOADED)], StatusCode::SERVICE_UNAVAILABLE).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += Duration::from_millis(50);
    };
    if app.store.receipt_of_key(&key).await.ok().flatten().is_some() {
        return received(&key, &link);
    }
    let ctx = jmo_contract::EscalationContext::decode(&jmo_selfhelp::components::escalation_context(guide, &walk));
    let language = lang;
    // The posted time is the participant's clock in Jakarta (WIB), like the device's in the form.
    let now = clock::now();
    let problems_or_request = match store_photos(app, &key, posted.photos).await {
        Ok(ids) => {
            let request = posted.draft.request(&ctx, ids, language, 7 * 60);
            check(&request, now.unix()).map(|_| request)
        }
        Err(problem) => Err(vec![problem]),
    };
    let request = match problems_or_request {
        Ok(request) => request,
        Err(problems) => {
            drop(claim);
            return refuse(posted.draft, problems, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let Ok(complaint) = validate_complaint(&request, &Context { now: Some(now) }) else {
        drop(claim);
        return refuse(posted.draft, vec![problem(None, codes::MALFORMED_BODY)], StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let fingerprint = complaints::fingerprint(&serde_json::to_value(&request).unwrap_or_default());
    let filed = complaints::file(app, key.clone(), fingerprint, complaint, now).await;
    drop(claim);
    match filed {
        Ok(_) => received(&key, &link),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY && e.body.errors.iter().any(|i| i.code == codes::IDEMPOTENCY_KEY_REUSED) => received(&key, &link),
        Err(e) => {
            let status = if e.status.is_server_error() { StatusCode::SERVICE_UNAVAILABLE } else { e.status };
            let problems = e.body.errors.iter().map(Problem::from_item).collect();
            refuse(posted.draft, problems, status).await
        }
    }
}

/// `303` to the receipt page of the complaint filed under `key`, in the page's language and
/// embed mode.
fn received(key: &str, link: &Link) -> Response {
    let query = Link::start().with_lang(link.lang).with_embed(link.embed).encode();
    Redirect::to(&format!("{RECEIVED_PAGE}{key}{}", query.trim_start_matches('/'))).into_response()
}
