//! Before the guides are downloaded: the start screen works, a step waits with a clear message,
//! and a failed download can be retried. (Its own test binary: the page starts with no guides.)

#![cfg(target_arch = "wasm32")]

mod support;

use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_failed_download_says_so_and_a_retry_recovers() {
    // The test server has no guide pack, so the download fails like a dropped connection.
    let _app = open("/login").await;
    gloo::timers::future::TimeoutFuture::new(300).await;
    settle().await;
    assert_eq!(heading(), "Memuat panduan…");
    assert!(text("[role='alert']").contains("Periksa koneksi internet Anda"), "{}", text("main"));

    install_content();
    click_text("Coba lagi").await;
    assert_eq!(heading(), "Apa yang terjadi saat Anda mencoba masuk (login)?");
}
