//! Images prepared in the browser: downscaled, re-encoded as JPEG without metadata, refused with
//! distinct codes when they cannot be used; upload answers mapped to codes.

#![cfg(target_arch = "wasm32")]

mod support;

use jmo_form::images::{self, ImageError, UploadError};
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_large_photo_becomes_a_small_jpeg_of_at_most_1600_px() {
    let file = make_image(4000, 3000, "image/jpeg", 0.97).await;
    let input = file.size();
    let prepared = images::prepare(file).await.expect("prepared");
    assert_eq!((prepared.width, prepared.height), (1600, 1200));
    assert_eq!(prepared.blob.type_(), "image/jpeg");
    assert_eq!(prepared.bytes as f64, prepared.blob.size());
    assert!((prepared.bytes as f64) * 4.0 < input, "{} bytes from {input}", prepared.bytes);
    console_log!("4000×3000 JPEG of {input} bytes → 1600×1200 JPEG of {} bytes", prepared.bytes);
    assert!(prepared.preview_url.starts_with("blob:"), "{}", prepared.preview_url);
    let (w, h) = image_size(&prepared.preview_url).await;
    assert_eq!((w, h), (320, 240), "the preview");
    // What was uploaded decodes at the reported size.
    let url = web_sys::Url::create_object_url_with_blob(&prepared.blob).unwrap();
    assert_eq!(image_size(&url).await, (1600, 1200));
    prepared.revoke_preview();
    assert_eq!(image_size(&prepared.preview_url).await, (0, 0), "revoked");
}

#[wasm_bindgen_test]
async fn a_png_screenshot_in_portrait_keeps_its_shape() {
    let file = make_image(1080, 2400, "image/png", 1.0).await;
    let prepared = images::prepare(file).await.expect("prepared");
    assert_eq!((prepared.width, prepared.height), (720, 1600));
    assert_eq!(prepared.blob.type_(), "image/jpeg");
}

#[wasm_bindgen_test]
async fn a_small_image_is_not_upscaled() {
    let file = make_image(800, 600, "image/png", 1.0).await;
    let prepared = images::prepare(file).await.expect("prepared");
    assert_eq!((prepared.width, prepared.height), (800, 600));
}

#[wasm_bindgen_test]
async fn exif_orientation_is_applied_and_metadata_dropped() {
    let plain = make_image(400, 200, "image/jpeg", 0.9).await;
    let rotated = with_exif(&plain, 6).await;
    assert!(contains_text(&rotated, "GPS-CANARY").await);
    let prepared = images::prepare(rotated).await.expect("prepared");
    assert_eq!((prepared.width, prepared.height), (200, 400), "turned upright");
    assert!(!contains_text(&prepared.blob, "Exif").await, "EXIF dropped");
    assert!(!contains_text(&prepared.blob, "GPS-CANARY").await, "metadata dropped");
}

#[wasm_bindgen_test]
async fn files_that_cannot_be_used_are_refused_with_distinct_codes() {
    assert_eq!(images::prepare(text_file()).await, Err(ImageError::NotAnImage));
    assert_eq!(images::prepare(huge_file()).await, Err(ImageError::TooLarge));
    assert_eq!(images::prepare(garbage_file("image/png")).await, Err(ImageError::Unreadable));
    assert_eq!(images::prepare(garbage_file("")).await, Err(ImageError::NotAnImage));
    assert_eq!(images::prepare(empty_file()).await, Err(ImageError::Unreadable));
    let codes = [ImageError::NotAnImage, ImageError::TooLarge, ImageError::Unreadable, ImageError::Failed].map(|e| e.code());
    assert_eq!(codes, ["image_type_unsupported", "image_too_large", "image_corrupt", "image_processing_failed"]);
}

#[wasm_bindgen_test]
fn fit_keeps_the_aspect_and_never_upscales() {
    assert_eq!(images::fit(4000, 3000, 1600), (1600, 1200));
    assert_eq!(images::fit(3000, 4000, 1600), (1200, 1600));
    assert_eq!(images::fit(1600, 1600, 1600), (1600, 1600));
    assert_eq!(images::fit(20_000, 3, 1600), (1600, 1));
    assert_eq!(images::fit(10, 10, 1600), (10, 10));
}

#[wasm_bindgen_test]
async fn upload_posts_the_raw_image_and_maps_the_answers() {
    fake_fetch("attachment");
    clear_calls();
    let file = make_image(64, 36, "image/jpeg", 0.8).await;
    let receipt = images::upload(&file).await.expect("uploaded");
    assert_eq!(receipt.id, "att_0123456789abcdef");
    let call = &calls()[0];
    assert!(call.url.ends_with("/api/v1/attachments"), "{}", call.url);
    assert_eq!(call.method.as_deref(), Some("POST"));
    assert_eq!(call.content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(call.body_kind.as_deref(), Some("[object File]"), "the raw image, not a form");

    let cases: [(&str, UploadError); 6] = [
        ("refuse", UploadError::Network),
        ("413", UploadError::Rejected { status: 413, code: "body_too_large".into() }),
        ("415-bare", UploadError::Rejected { status: 415, code: "image_type_unsupported".into() }),
        ("422", UploadError::Rejected { status: 422, code: "nik_birth_date".into() }),
        ("429", UploadError::Unavailable { status: 429, code: "rate_limited".into(), retry_after_ms: Some(60_000) }),
        ("portal", UploadError::Unavailable { status: 200, code: "unexpected_answer".into(), retry_after_ms: None }),
    ];
    for (mode, expected) in cases {
        set_mode(mode);
        let got = images::upload(&file).await.expect_err(mode);
        assert_eq!(got, expected, "{mode}");
        assert_eq!(got.retryable(), !matches!(expected, UploadError::Rejected { .. }), "{mode}");
    }
    set_mode("503");
    let e = images::upload(&file).await.expect_err("503");
    assert_eq!((e.code(), e.retryable()), ("overloaded", true));
    restore_fetch();
}
