//! Shared helpers of jmo-form's browser tests (see browser.js).

#![allow(dead_code)]

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/tests/support/browser.js")]
extern "C" {
    pub fn fake_fetch(mode: &str);
    pub fn set_mode(mode: &str);
    fn calls_json() -> String;
    pub fn clear_calls();
    pub fn aborted_count() -> u32;
    pub fn restore_fetch();
    pub fn set_base(href: &str);
    pub fn remove_base();
    pub fn base_uri() -> String;
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_promise(ms: u32) -> js_sys::Promise;
    pub fn fire(name: &str);
    pub fn fire_storage(key: Option<&str>);
    pub fn read_item(key: &str) -> Option<String>;
    pub fn write_item(key: &str, value: &str);
    pub fn remove_item(key: &str);
    pub fn throwing_storage() -> web_sys::Storage;
    pub fn break_local_storage();
    #[wasm_bindgen(js_name = make_image)]
    fn make_image_promise(w: u32, h: u32, kind: &str, quality: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = with_exif)]
    fn with_exif_promise(file: &web_sys::File, orientation: u8) -> js_sys::Promise;
    #[wasm_bindgen(js_name = contains_text)]
    fn contains_text_promise(blob: &web_sys::Blob, text: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = image_size)]
    fn image_size_promise(url: &str) -> js_sys::Promise;
    pub fn text_file() -> web_sys::File;
    pub fn huge_file() -> web_sys::File;
    pub fn garbage_file(kind: &str) -> web_sys::File;
    pub fn empty_file() -> web_sys::File;
}

async fn wait(p: js_sys::Promise) -> JsValue {
    wasm_bindgen_futures::JsFuture::from(p).await.expect("the helper promise")
}

pub async fn sleep(ms: u32) {
    wait(sleep_promise(ms)).await;
}

/// Waits up to `ms` for `cond`; false if it never held.
pub async fn until(ms: u32, mut cond: impl FnMut() -> bool) -> bool {
    let mut waited = 0;
    while !cond() {
        if waited >= ms {
            return false;
        }
        sleep(20).await;
        waited += 20;
    }
    true
}

/// One request the fake fetch saw.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Call {
    pub url: String,
    pub method: Option<String>,
    pub key: Option<String>,
    pub content_type: Option<String>,
    pub body: Option<String>,
    pub body_kind: Option<String>,
    pub cache: Option<String>,
    pub has_signal: bool,
}

pub fn calls() -> Vec<Call> {
    serde_json::from_str(&calls_json()).expect("calls")
}

pub async fn make_image(w: u32, h: u32, kind: &str, quality: f64) -> web_sys::File {
    wait(make_image_promise(w, h, kind, quality)).await.into()
}

pub async fn with_exif(file: &web_sys::File, orientation: u8) -> web_sys::File {
    wait(with_exif_promise(file, orientation)).await.into()
}

pub async fn contains_text(blob: &web_sys::Blob, text: &str) -> bool {
    wait(contains_text_promise(blob, text)).await.as_bool().unwrap_or(false)
}

pub async fn image_size(url: &str) -> (u32, u32) {
    let v: js_sys::Array = wait(image_size_promise(url)).await.into();
    (v.get(0).as_f64().unwrap_or(0.0) as u32, v.get(1).as_f64().unwrap_or(0.0) as u32)
}
