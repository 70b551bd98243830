//! Photos and screenshots for a complaint: decoded in the browser (EXIF orientation applied),
//! downscaled so the long side is at most [`MAX_SIDE`] px, re-encoded as JPEG — which drops EXIF,
//! GPS and any other metadata — and uploaded to the intake API.
//!
//! A phone photo of several MB becomes a few hundred KB. Every browser call may be missing or
//! throw inside a webview: the result is an error value with a stable [`ImageError::code`] /
//! [`UploadError::code`] for the UI to translate, never a panic.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, Document, HtmlCanvasElement, HtmlImageElement, ImageBitmap, Url};

use crate::fetch::{self, FetchError};

/// Files larger than this (20 MiB) are refused before decoding.
pub const MAX_INPUT_BYTES: f64 = 20.0 * 1024.0 * 1024.0;
/// The long side of a prepared image, at most.
pub const MAX_SIDE: u32 = 1600;
/// The long side of the preview, at most.
pub const PREVIEW_SIDE: u32 = 320;
pub const JPEG_QUALITY: f64 = 0.8;
const PREVIEW_QUALITY: f64 = 0.7;
/// Where images go, on the page's origin (`fetch::endpoint`).
pub const ENDPOINT: &str = "api/v1/attachments";
/// A few hundred KB over a slow mobile connection.
pub const UPLOAD_TIMEOUT_MS: u32 = 60_000;

/// An image ready for upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The re-encoded image (`image/jpeg`), without metadata.
    pub blob: Blob,
    pub width: u32,
    pub height: u32,
    /// Size of `blob`.
    pub bytes: u64,
    /// `blob:` URL of a small JPEG (long side ≤ [`PREVIEW_SIDE`] px) for an `<img>`; release it
    /// with [`Prepared::revoke_preview`] when the image is removed or the form goes away.
    pub preview_url: String,
}

impl Prepared {
    pub fn revoke_preview(&self) {
        let _ = Url::revoke_object_url(&self.preview_url);
    }
}

/// Why a file cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageError {
    /// Not an image by its type (a PDF, a video…), or a file without type that does not decode.
    NotAnImage,
    /// Over [`MAX_INPUT_BYTES`]; refused without reading it.
    TooLarge,
    /// Says it is an image but this browser cannot decode it (damaged, or a format such as HEIC
    /// that the browser does not read), or it is empty.
    Unreadable,
    /// Decoded, but drawing or encoding failed (often: not enough memory on the device).
    Failed,
}

impl ImageError {
    /// Stable code for the UI: `image_type_unsupported` and `image_corrupt` are the contract's own
    /// (the server uses them for the same cases); `image_too_large`, `image_processing_failed`.
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::NotAnImage => jmo_contract::codes::IMAGE_TYPE_UNSUPPORTED,
            ImageError::TooLarge => "image_too_large",
            ImageError::Unreadable => jmo_contract::codes::IMAGE_CORRUPT,
            ImageError::Failed => "image_processing_failed",
        }
    }
}

/// Decodes `file`, downscales it to at most [`MAX_SIDE`] px on the long side (never upscales) and
/// re-encodes it as JPEG (quality [`JPEG_QUALITY`]).
pub async fn prepare(file: web_sys::File) -> Result<Prepared, ImageError> {
    let kind = file.type_();
    if !kind.is_empty() && !kind.starts_with("image/") {
        return Err(ImageError::NotAnImage);
    }
    let size = file.size();
    if size > MAX_INPUT_BYTES {
        return Err(ImageError::TooLarge);
    }
    if size.is_nan() || size <= 0.0 {
        return Err(ImageError::Unreadable);
    }
    let window = web_sys::window().ok_or(ImageError::Failed)?;
    let document = window.document().ok_or(ImageError::Failed)?;

    // Some Android pickers give no type: then only decoding can tell.
    let undecodable = if kind.is_empty() { ImageError::NotAnImage } else { ImageError::Unreadable };
    let source = Source::decode(&window, &file).await.ok_or(undecodable)?;
    let drawn = draw_prepared(&document, &source).await;
    source.release();
    let (blob, width, height, canvas) = drawn?;

    // The preview is drawn from the prepared canvas: quick, and small to keep in memory.
    let preview = {
        let (w, h) = fit(width, height, PREVIEW_SIDE);
        match canvas_2d(&document, w, h) {
            Some((small, ctx)) => {
                let drawn = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&canvas, 0.0, 0.0, w as f64, h as f64).is_ok();
                let blob = if drawn { to_jpeg(&small, PREVIEW_QUALITY).await } else { None };
                release_canvas(&small);
                blob
            }
            None => None,
        }
    };
    release_canvas(&canvas);
    let preview_url = Url::create_object_url_with_blob(preview.as_ref().unwrap_or(&blob)).map_err(|_| ImageError::Failed)?;
    Ok(Prepared { bytes: blob.size() as u64, blob, width, height, preview_url })
}

async fn draw_prepared(document: &Document, source: &Source) -> Result<(Blob, u32, u32, HtmlCanvasElement), ImageError> {
    let (w, h) = source.size();
    if w == 0 || h == 0 {
        return Err(ImageError::Unreadable);
    }
    let (width, height) = fit(w, h, MAX_SIDE);
    let (canvas, ctx) = canvas_2d(document, width, height).ok_or(ImageError::Failed)?;
    if source.draw(&ctx, width, height).is_err() {
        release_canvas(&canvas);
        return Err(ImageError::Failed);
    }
    match to_jpeg(&canvas, JPEG_QUALITY).await {
        Some(blob) => Ok((blob, width, height, canvas)),
        None => {
            release_canvas(&canvas);
            Err(ImageError::Failed)
        }
    }
}

/// `(w, h)` scaled so the long side is at most `max` (never up), each side at least 1.
pub fn fit(w: u32, h: u32, max: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= max || long == 0 {
        return (w, h);
    }
    let scale = |side: u32| ((side as u64 * max as u64 + long as u64 / 2) / long as u64).max(1) as u32;
    (scale(w), scale(h))
}

enum Source {
    Bitmap(ImageBitmap),
    Image(HtmlImageElement, String),
}

impl Source {
    /// `createImageBitmap` (EXIF orientation applied), else an `<img>` on an object URL.
    async fn decode(window: &web_sys::Window, file: &Blob) -> Option<Source> {
        if let Ok(promise) = window.create_image_bitmap_with_blob(file) {
            if let Ok(bitmap) = JsFuture::from(promise).await {
                if let Ok(bitmap) = bitmap.dyn_into::<ImageBitmap>() {
                    return Some(Source::Bitmap(bitmap));
                }
            }
        }
        let url = Url::create_object_url_with_blob(file).ok()?;
        let Ok(img) = HtmlImageElement::new() else {
            let _ = Url::revoke_object_url(&url);
            return None;
        };
        let loaded = Promise::new(&mut |resolve, reject| {
            img.set_onload(Some(&resolve));
            img.set_onerror(Some(&reject));
        });
        img.set_src(&url);
        let result = JsFuture::from(loaded).await;
        img.set_onload(None);
        img.set_onerror(None);
        let source = Source::Image(img, url);
        if result.is_err() {
            source.release();
            return None;
        }
        Some(source)
    }

    fn size(&self) -> (u32, u32) {
        match self {
            Source::Bitmap(b) => (b.width(), b.height()),
            Source::Image(img, _) => (img.natural_width(), img.natural_height()),
        }
    }

    fn draw(&self, ctx: &CanvasRenderingContext2d, w: u32, h: u32) -> Result<(), JsValue> {
        let (w, h) = (w as f64, h as f64);
        match self {
            Source::Bitmap(b) => ctx.draw_image_with_image_bitmap_and_dw_and_dh(b, 0.0, 0.0, w, h),
            Source::Image(img, _) => ctx.draw_image_with_html_image_element_and_dw_and_dh(img, 0.0, 0.0, w, h),
        }
    }

    /// Frees the decoded pixels now rather than at the next garbage collection.
    fn release(self) {
        match self {
            Source::Bitmap(b) => call_method(&b, "close"),
            Source::Image(_, url) => {
                let _ = Url::revoke_object_url(&url);
            }
        }
    }
}

/// A canvas of `w`×`h` with a white background (JPEG has no transparency) and smooth scaling.
fn canvas_2d(document: &Document, w: u32, h: u32) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let canvas: HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, w as f64, h as f64);
    let _ = Reflect::set(&ctx, &"imageSmoothingQuality".into(), &"high".into());
    Some((canvas, ctx))
}

/// `canvas.toBlob(…, "image/jpeg", quality)`; `None` if it fails or gives nothing.
async fn to_jpeg(canvas: &HtmlCanvasElement, quality: f64) -> Option<Blob> {
    let promise = Promise::new(&mut |resolve, reject| {
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &JsValue::from_f64(quality)) {
            let _ = reject.call1(&JsValue::UNDEFINED, &e);
        }
    });
    let blob: Blob = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    (blob.size() > 0.0).then_some(blob)
}

/// Safari keeps canvas memory until the canvas is shrunk.
fn release_canvas(canvas: &HtmlCanvasElement) {
    canvas.set_width(0);
    canvas.set_height(0);
}

/// `target[name]()`, ignoring a missing method or an exception.
fn call_method(target: &JsValue, name: &str) {
    if let Some(f) = Reflect::get(target, &name.into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) {
        let _ = f.call0(target);
    }
}

// ---------------------------------------------------------------------------------------------
// Upload

/// Why an upload did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    /// No connection. Retryable.
    Network,
    /// No answer in time. Retryable.
    Timeout,
    /// 408, 429, 5xx, or an answer that is not the server's (a captive portal). Retryable, not
    /// before `retry_after_ms` when given. `code`: the server's, else `rate_limited`,
    /// `request_timeout`, `overloaded` or `unexpected_answer`.
    Unavailable { status: u16, code: String, retry_after_ms: Option<u64> },
    /// The server refused this image (413, 415, 422, other 4xx): the participant needs another.
    /// `code`: the server's, else `body_too_large` (413), `image_type_unsupported` (415),
    /// `image_corrupt` (422) or `upload_rejected`.
    Rejected { status: u16, code: String },
}

impl UploadError {
    /// Stable code for the UI: `network`, `timeout`, or the server's code (see the variants).
    pub fn code(&self) -> &str {
        match self {
            UploadError::Network => "network",
            UploadError::Timeout => "timeout",
            UploadError::Unavailable { code, .. } | UploadError::Rejected { code, .. } => code,
        }
    }

    /// Trying the same image again later may work.
    pub fn retryable(&self) -> bool {
        !matches!(self, UploadError::Rejected { .. })
    }
}

/// `POST api/v1/attachments` with the image as the raw body.
pub async fn upload(blob: &Blob) -> Result<jmo_contract::AttachmentReceipt, UploadError> {
    let kind = blob.type_();
    let content_type = if kind.starts_with("image/") { kind.as_str() } else { "image/jpeg" };
    let options = fetch::Options { timeout_ms: UPLOAD_TIMEOUT_MS, no_store: true };
    let answer = fetch::send("POST", ENDPOINT, &[("Content-Type", content_type)], Some(blob.as_ref()), options)
        .await
        .map_err(|e| match e {
            FetchError::Network => UploadError::Network,
            FetchError::Timeout => UploadError::Timeout,
        })?;
    upload_answer(answer.status, answer.retry_after.as_deref(), &answer.text)
}

/// What an answer to an upload means (separate for testing).
pub fn upload_answer(status: u16, retry_after: Option<&str>, text: &str) -> Result<jmo_contract::AttachmentReceipt, UploadError> {
    let code = fetch::error_code(text);
    match status {
        200..=299 => serde_json::from_str(text).map_err(|_| UploadError::Unavailable {
            status,
            code: "unexpected_answer".into(),
            retry_after_ms: None,
        }),
        408 | 425 | 429 | 500..=599 => Err(UploadError::Unavailable {
            status,
            code: code.unwrap_or_else(|| {
                match status {
                    429 => jmo_contract::codes::RATE_LIMITED,
                    408 => jmo_contract::codes::REQUEST_TIMEOUT,
                    _ => jmo_contract::codes::OVERLOADED,
                }
                .into()
            }),
            retry_after_ms: retry_after.and_then(jmo_outbox::response::parse_retry_after),
        }),
        400..=499 => Err(UploadError::Rejected {
            status,
            code: code.unwrap_or_else(|| {
                match status {
                    413 => jmo_contract::codes::BODY_TOO_LARGE,
                    415 => jmo_contract::codes::IMAGE_TYPE_UNSUPPORTED,
                    422 => jmo_contract::codes::IMAGE_CORRUPT,
                    _ => "upload_rejected",
                }
                .into()
            }),
        }),
        _ => Err(UploadError::Unavailable { status, code: "unexpected_answer".into(), retry_after_ms: None }),
    }
}
