//! One `fetch` with a time limit, shared by delivery, uploads and lookups.
//!
//! Paths are resolved against the page's origin: every page of the widget (`/`, `/login/otp`)
//! talks to the same `/api/v1/…`. Everything fails soft: a missing `fetch`, `AbortController` or `setTimeout`
//! (old or locked-down webviews) gives an error value, never a panic or a JS exception through
//! the wasm stack. Nothing here logs, and bodies never go into a URL.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why no complete answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchError {
    /// No connection, refused, blocked (CORS, CSP, mixed content), cut off mid-body, or no `fetch`.
    Network,
    /// No complete answer within the time limit; the request was aborted.
    Timeout,
}

/// A complete HTTP answer (any status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// The `Retry-After` header, as sent.
    pub retry_after: Option<String>,
    pub text: String,
}

/// Options of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Time for the whole exchange, headers and body, in milliseconds.
    pub timeout_ms: u32,
    /// Neither read from nor written to the HTTP cache (`cache: "no-store"`).
    pub no_store: bool,
}

/// An API path (`api/v1/…`, no leading slash) on the page's origin, whatever page the form is on:
/// `https://host/login/otp` + `api/v1/status` → `https://host/api/v1/status`.
pub fn endpoint(path: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let origin = location.origin().ok().filter(|o| o != "null")?;
    web_sys::Url::new_with_base(&format!("/{}", path.trim_start_matches('/')), &origin).ok().map(|u| u.href())
}

/// Sends one request and reads the whole answer as text within `options.timeout_ms`.
pub async fn send(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&JsValue>,
    options: Options,
) -> Result<Answer, FetchError> {
    let window = web_sys::window().ok_or(FetchError::Network)?;
    let url = endpoint(path).ok_or(FetchError::Network)?;

    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let header_map = web_sys::Headers::new().map_err(|_| FetchError::Network)?;
    for (name, value) in headers {
        header_map.set(name, value).map_err(|_| FetchError::Network)?;
    }
    init.set_headers(&header_map);
    if let Some(body) = body {
        init.set_body(body);
    }
    if options.no_store {
        let _ = Reflect::set(&init, &"cache".into(), &"no-store".into());
    }
    let controller = web_sys::AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }

    // `window.fetch` looked up and called with exception catching: it may be missing or throw.
    let fetch = Reflect::get(&window, &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or(FetchError::Network)?;
    let started = fetch.call2(&window, &JsValue::from_str(&url), &init).map_err(|_| FetchError::Network)?;
    let started = Promise::resolve(&started);

    let (timer, handle) = timer(&window, options.timeout_ms);
    let result = read(started, &timer).await;
    if let Some(handle) = handle {
        window.clear_timeout_with_handle(handle);
    }
    if result == Err(FetchError::Timeout) {
        if let Some(c) = &controller {
            c.abort();
        }
    }
    result
}

async fn read(started: Promise, timer: &Promise) -> Result<Answer, FetchError> {
    let response = race(&started, timer).await?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| FetchError::Network)?;
    let status = response.status();
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    let text = response.text().map_err(|_| FetchError::Network)?;
    let text = race(&text, timer).await?.as_string().unwrap_or_default();
    Ok(Answer { status, retry_after, text })
}

/// A promise resolving to `undefined` after `ms`, and its timer handle (`None`: no timer could be
/// set, so no time limit).
fn timer(window: &web_sys::Window, ms: u32) -> (Promise, Option<i32>) {
    let mut handle = None;
    let promise = Promise::new(&mut |resolve, _reject| {
        let ms = i32::try_from(ms).unwrap_or(i32::MAX);
        handle = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).ok();
    });
    (promise, handle)
}

/// The value of `work`, or `Timeout` if `timer` (resolving to `undefined`) comes first.
async fn race(work: &Promise, timer: &Promise) -> Result<JsValue, FetchError> {
    match JsFuture::from(Promise::race(&Array::of2(work, timer))).await {
        Ok(v) if v.is_undefined() => Err(FetchError::Timeout),
        Ok(v) => Ok(v),
        Err(e) if is_abort(&e) => Err(FetchError::Timeout),
        Err(_) => Err(FetchError::Network),
    }
}

fn is_abort(error: &JsValue) -> bool {
    Reflect::get(error, &"name".into()).ok().and_then(|n| n.as_string()).is_some_and(|n| n == "AbortError" || n == "TimeoutError")
}

/// The server's first error code in `{"errors":[{"code":…}]}`, if the text is that.
pub fn error_code(text: &str) -> Option<String> {
    let body: jmo_contract::ErrorBody = serde_json::from_str(text).ok()?;
    body.errors.into_iter().map(|e| e.code).find(|c| !c.is_empty() && c.len() <= 64)
}
