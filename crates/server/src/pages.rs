//! The widget's pages, drawn by the server with the widget's own components
//! ([`jmo_selfhelp::ssr`]) into the built `index.html`: every address that is not a file (`/`,
//! `/login/otp_missing?a=…`, `/check`) gets its page, with the question and its answer links in
//! the first bytes; the wasm takes it over in the browser. Without JavaScript the links are plain
//! links, a date question is a form posted here (the date never goes into a URL), and so is an
//! escalation's complaint form ([`complaint`]) and "check my complaint" ([`check`]).

mod check;
mod complaint;

pub use complaint::FORM_BODY_LIMIT;
use complaint::Slot;

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use jmo_guide::date::Date;
use jmo_guide::link::{Link, Opened};
use jmo_guide::NodeKind;
use jmo_selfhelp::components::{answer_date, DateProblem, RefusedDate};
use jmo_selfhelp::state::{fixed_page, Opening, CHECK_PAGE};
use sha2::Digest as _;

/// Longest body a date form may post (`date=YYYY-MM-DD` is 15 bytes).
const MAX_FORM_BYTES: usize = 1024;

/// `index.html`, cut where a page puts its language, title and body; the complaint form's
/// styles, inlined into the pages that draw it (so nothing is fetched after the HTML); the hashes
/// of the inline scripts and styles, for the Content-Security-Policy.
pub struct Shell {
    parts: [String; 4],
    form_styles: String,
    pub script_hashes: Vec<String>,
    pub style_hashes: Vec<String>,
}

/// Used when `WIDGET_DIR` has no `index.html` (an API-only deployment, the server's own tests).
pub const BARE_SHELL: &str = "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">\
    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>JMO</title></head>\
    <body><div id=\"app\"></div></body></html>";

impl Shell {
    /// Reads `index.html` and `form.css` from the built widget (or uses a bare page when there
    /// is none).
    pub fn load(widget_dir: &std::path::Path) -> Result<Shell, String> {
        let path = widget_dir.join("index.html");
        let shell = match std::fs::read_to_string(&path) {
            Ok(html) => Shell::parse(&html).map_err(|e| format!("{}: {e}", path.display()))?,
            Err(_) => {
                tracing::warn!(path = %path.display(), "no built widget: pages are drawn without its scripts and styles");
                Shell::parse(BARE_SHELL)?
            }
        };
        match std::fs::read_to_string(widget_dir.join("form.css")) {
            Ok(css) => shell.with_form_styles(&css),
            Err(_) => Ok(shell),
        }
    }

    /// The complaint form's stylesheet, inlined (`<style data-form-styles>`, which the form module
    /// finds and does not fetch again) after the title of the pages that draw the form.
    pub fn with_form_styles(mut self, css: &str) -> Result<Shell, String> {
        if css.contains("</") {
            return Err("form.css must not contain \"</\"".into());
        }
        self.form_styles = format!("<style data-form-styles>{css}</style>");
        self.style_hashes.extend(inline_hashes(&self.form_styles, "style"));
        Ok(self)
    }

    pub fn parse(html: &str) -> Result<Shell, String> {
        let lang_at = ["<html lang=\"id\"", "<html lang=id"].iter().find_map(|t| html.find(t).map(|i| (i, t.len())));
        let (lang_start, lang_len) = lang_at.ok_or("no <html lang=\"id\">")?;
        let quoted = html[..lang_start + lang_len].ends_with('"');
        let lang_value = lang_start + lang_len - if quoted { 3 } else { 2 };
        let title_start = html.find("<title>").ok_or("no <title>")? + "<title>".len();
        let title_end = title_start + html[title_start..].find("</title>").ok_or("no </title>")?;
        let app = ["<div id=\"app\">", "<div id=app>"].iter().find_map(|t| html.find(t).map(|i| i + t.len())).ok_or("no <div id=\"app\">")?;
        let app_end = app + html[app..].find("</div>").ok_or("no </div> after #app")?;
        if !(lang_value < title_start && title_end < app && html[app..app_end].trim().is_empty()) {
            return Err("expected <html lang>, then <title>, then an empty <div id=\"app\">".into());
        }
        let after_title = title_end + "</title>".len();
        let parts = [
            html[..lang_value].to_owned(),
            html[lang_value + 2..title_start].to_owned(),
            html[after_title..app].to_owned(),
            html[app_end..].to_owned(),
        ];
        Ok(Shell { parts, form_styles: String::new(), script_hashes: inline_hashes(html, "script"), style_hashes: inline_hashes(html, "style") })
    }

    /// The page around `page`'s body; with the form's styles when it draws the form.
    fn page(&self, page: &jmo_selfhelp::ssr::Page, with_form: bool) -> String {
        let [head, to_title, to_app, tail] = &self.parts;
        let styles = if with_form { self.form_styles.as_str() } else { "" };
        let mut out = String::with_capacity(head.len() + to_title.len() + to_app.len() + tail.len() + styles.len() + page.body.len() + 128);
        out.push_str(head);
        out.push_str(page.lang);
        out.push_str(to_title);
        out.push_str(&escape(&page.title));
        out.push_str("</title>");
        out.push_str(styles);
        out.push_str(to_app);
        out.push_str(&page.body);
        out.push_str(tail);
        out
    }
}

/// `'sha256-…'` of the content of every inline `<tag>` (no `src`).
fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let Some(tag_end) = rest[start..].find('>').map(|i| start + i) else { break };
        let Some(end) = rest[tag_end..].find(&close).map(|i| tag_end + i) else { break };
        if !rest[start..tag_end].contains("src=") {
            let digest = sha2::Sha256::digest(&rest.as_bytes()[tag_end + 1..end]);
            hashes.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &rest[end..];
    }
    hashes
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Today in Jakarta (WIB, UTC+7), by the server's clock: the day date questions check against,
/// as the widget does in the browser.
pub fn today() -> Date {
    Date::in_jakarta(crate::clock::now().0)
}

/// What drawing pages needs: the page shell, and the intake (for the complaint form).
#[derive(Clone)]
pub struct Pages {
    pub shell: Arc<Shell>,
    pub app: crate::state::AppState,
    /// A complaint form posted counts like a complaint sent to the API.
    pub complaints: crate::limits::IpLimit,
    /// A check form posted counts like a lookup through the API.
    pub lookups: crate::limits::IpLimit,
}

/// Any request that is not for a file: a page.
pub async fn handle(State(pages): State<Pages>, request: Request) -> Response {
    let shell = &pages;
    let address = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
    // A link an app percent-encoded (`%7E` for `~`): to the address the widget writes.
    if address.contains('%') {
        if let Some(plain) = jmo_guide::link::unescape_ids(&address).filter(|a| a.starts_with('/') && !a.starts_with("//")) {
            return Redirect::permanent(&plain).into_response();
        }
    }
    if request.method() == Method::GET && !prefetched(request.headers()) {
        if let Ok(link) = Link::decode(&address) {
            pages.app.page_counts.count(jmo_selfhelp::content::bundled(), &link, today());
        }
    }
    match *request.method() {
        Method::GET | Method::HEAD => render(shell, Opening::new(address, today()), None, Slot::Fresh).await,
        Method::POST if fixed_page(&address, CHECK_PAGE).is_some() => check::post(&pages, address, request).await,
        Method::POST => match complaint::escalation(&address) {
            Some(escalation) => complaint::post(&pages, address, escalation, request).await,
            None => answer(shell, address, request.into_body()).await,
        },
        _ => {
            let mut response = render(shell, Opening::new(address, today()), Some(StatusCode::METHOD_NOT_ALLOWED), Slot::Fresh).await;
            response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD, POST"));
            response
        }
    }
}

/// A page the browser fetched ahead (`Sec-Purpose: prefetch`), which nobody may ever see.
fn prefetched(headers: &axum::http::HeaderMap) -> bool {
    ["sec-purpose", "purpose"].iter().any(|h| headers.get(*h).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("prefetch")))
}

async fn render(pages: &Pages, opening: Opening, status: Option<StatusCode>, slot: Slot) -> Response {
    let address = opening.address.clone();
    let mut page = jmo_selfhelp::ssr::render(opening).await;
    // A page that echoes what was posted (a refused form: name, NIK, phone) is kept like a receipt.
    let echoes_a_post = matches!(slot, Slot::Refused { .. } | Slot::Checked(_)) || status == Some(StatusCode::UNPROCESSABLE_ENTITY);
    let filled = complaint::fill(&pages.app, &address, &mut page, slot).await;
    let status = status.or(filled.status).unwrap_or(if page.found { StatusCode::OK } else { StatusCode::NOT_FOUND });
    let mut response = (status, pages.shell.page(&page, filled.slot)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // A receipt names a ticket: kept out of shared caches and the browser's.
    let private = echoes_a_post || address.starts_with(jmo_selfhelp::state::RECEIVED_PAGE);
    let cache = if private { "no-store" } else { "no-cache" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(page.lang));
    response
}

/// A date question answered without JavaScript: on to the branch's page (303), or this page
/// again with the message beside the field (422).
async fn answer(pages: &Pages, address: String, body: Body) -> Response {
    let today = today();
    let catalog = jmo_selfhelp::content::bundled();
    let link = Link::decode(&address).ok();
    let step = link.as_ref().map(|l| (l, catalog.open(l)));
    let Some((link, Opened::Step { guide, walk, .. })) = step else {
        return Redirect::to(&address).into_response();
    };
    let guide = &catalog.guides[guide];
    if walk.current_node(guide).kind != NodeKind::Date {
        return Redirect::to(&address).into_response();
    }
    let value = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => date_field(&bytes),
        Err(_) => None,
    };
    let result = match &value {
        Some(value) => answer_date(catalog, guide, &walk, value, today),
        None => Err(RefusedDate { value: String::new(), problem: DateProblem::Invalid }),
    };
    match result {
        Ok(next) => {
            let next = Link::to_step(guide, &next).with_lang(link.lang).with_embed(link.embed);
            Redirect::to(&next.encode()).into_response()
        }
        Err(refused) => {
            let opening = Opening { refused_date: Some(refused), ..Opening::new(address, today) };
            render(pages, opening, Some(StatusCode::UNPROCESSABLE_ENTITY), Slot::Fresh).await
        }
    }
}

/// The `date` field of a posted form (`application/x-www-form-urlencoded`).
fn date_field(body: &Bytes) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == "date").map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_is_cut_around_lang_title_and_app() {
        let html = "<!doctype html><html lang=id><head><title>Bantuan</title><script>a()</script><style>b{}</style>\
                    <script type=module src=/x.js></script></head><body><div id=app></div></body></html>";
        let shell = Shell::parse(html).unwrap();
        let page = jmo_selfhelp::ssr::Page { body: "<p>B</p>".into(), title: "T <x>".into(), lang: "en", found: true };
        assert_eq!(
            shell.page(&page, false),
            "<!doctype html><html lang=en><head><title>T &lt;x&gt;</title><script>a()</script><style>b{}</style>\
             <script type=module src=/x.js></script></head><body><div id=app><p>B</p></div></body></html>"
        );
        // `printf 'a()' | openssl dgst -sha256 -binary | base64`
        assert_eq!(shell.script_hashes, ["'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='"]);
        assert_eq!(shell.style_hashes.len(), 1);
        assert!(Shell::parse("<html lang=id><title></title><div id=app>x</div>").is_err(), "#app must be empty");
        let bare = Shell::parse(BARE_SHELL).unwrap();
        assert!(bare.page(&page, false).starts_with("<!doctype html><html lang=\"en\"><head>"), "{}", bare.page(&page, false));

        // A page with the form gets its styles after the title, allowed by their hash.
        let with_form = Shell::parse(html).unwrap().with_form_styles("b{}").unwrap();
        assert!(with_form.page(&page, true).contains("<title>T &lt;x&gt;</title><style data-form-styles>b{}</style><script>a()</script>"));
        assert!(!with_form.page(&page, false).contains("data-form-styles"));
        assert_eq!(with_form.style_hashes.len(), 2);
        assert_eq!(with_form.style_hashes[0], with_form.style_hashes[1], "the same text, the same hash");
        assert!(Shell::parse(html).unwrap().with_form_styles("</style><script>").is_err());
    }
}
