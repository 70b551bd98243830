//! Before the guides are downloaded (the widget took over the start screen, the pack is still on
//! its way): links to steps are left to the browser, which gets the page from the server, while
//! links to the start screen change it in-page. (Its own test binary: the page starts with no
//! guides, and the test server has no pack, so the download keeps failing like a dropped
//! connection.)

#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::Cell;
use std::rc::Rc;

use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Clicks `selector` and tells whether the widget kept the click in-page (prevented the
/// browser's navigation). The browser's own navigation is stopped here either way.
async fn kept_in_page(selector: &str) -> bool {
    let prevented = Rc::new(Cell::new(None));
    let seen = prevented.clone();
    let window = web_sys::window().unwrap();
    // Bubbling on window: after the widget's own listener on its root.
    let options = gloo_events::EventListenerOptions::enable_prevent_default();
    let listener = gloo_events::EventListener::new_with_options(&window, "click", options, move |e| {
        seen.set(Some(e.default_prevented()));
        e.prevent_default();
    });
    get(selector).dyn_into::<web_sys::HtmlElement>().unwrap().click();
    settle().await;
    drop(listener);
    prevented.get().expect("the click reached the window")
}

#[wasm_bindgen_test]
async fn until_the_guides_are_here_steps_are_the_servers_pages() {
    let _app = open("/").await;
    assert!(jmo_selfhelp::content::full().is_none());
    assert_eq!(heading(), "Apa kendala Anda?");
    assert!(!kept_in_page(".start .choice[href='/login?lang=id']").await, "a step link was kept in-page without its guide");
    assert_eq!(heading(), "Apa kendala Anda?", "nothing changed in-page");
    // The language switch of the start screen needs no guide: in-page.
    assert!(kept_in_page("a.lang[lang='en']").await);
    assert_eq!(heading(), "What problem are you having?");
    assert_eq!(address(), "/?lang=en");

    let forget_language = || {
        if let Ok(Some(storage)) = web_sys::window().unwrap().local_storage() {
            let _ = storage.remove_item("jmo.lang");
        }
    };
    forget_language();
    install_content();
    // Once here (the widget is told by its download; here by hand), steps are in-page.
    let _app = open("/").await;
    assert!(kept_in_page(".start .choice[href='/login?lang=id']").await);
    assert_eq!(heading(), "Apa yang terjadi saat Anda mencoba masuk (login)?");
    forget_language();
}
