//! A webview where `localStorage` throws (storage disabled): the complaint is kept in memory,
//! the caller is told, and it is still delivered while the page is open. (Its own test binary:
//! the page's storage stays broken.)

#![cfg(target_arch = "wasm32")]

mod support;

use jmo_form::delivery;
use jmo_outbox::State;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn without_storage_the_complaint_is_kept_in_memory_and_still_delivered() {
    break_local_storage();
    assert!(!delivery::has_stored_complaints());
    fake_fetch("refuse");
    clear_calls();
    delivery::start();
    let id = match delivery::submit("{}".into(), "7890".into()) {
        Err(delivery::NotSaved { id }) => id,
        Ok(id) => panic!("claimed saved: {id}"),
    };
    assert!(delivery::unsaved());
    assert!(delivery::has_stored_complaints(), "this page's memory counts");
    assert!(until(5_000, || matches!(delivery::entry(&id).map(|e| e.state), Some(State::Waiting { .. }))).await);
    set_mode("201");
    fire("online");
    assert!(until(5_000, || matches!(delivery::entry(&id).map(|e| e.state), Some(State::Delivered(_)))).await);
    let keys: Vec<_> = calls().into_iter().map(|c| c.key).collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
    restore_fetch();
}
