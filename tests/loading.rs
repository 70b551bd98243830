//! Before a guide is downloaded in a language (the widget took over the start screen, or one
//! guide's page, and the other files are still on their way): links to its steps are left to the
//! browser, which gets the page from the server, while links the widget can draw change the page
//! in-page. (Its own test binary: the page starts with no guides, and the test server has no
//! guide files, so the downloads keep failing like a dropped connection.)

#![cfg(target_arch = "wasm32")]

mod support;

use jmo_guide::Language;
use jmo_selfhelp::content::Part;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn until_the_guides_are_here_steps_are_the_servers_pages() {
    let _app = open("/").await;
    assert!(jmo_selfhelp::content::with_calendar().is_none());
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
    // One guide in one language here (the widget is told by its download; here by hand): its
    // steps are in-page, the other guides and the other language still the server's.
    install_part(Part::of("login", Language::Id).unwrap());
    let _app = open("/").await;
    assert!(!kept_in_page(".start .choice[href='/kpj?lang=id']").await, "another guide's step in-page without its file");
    assert!(kept_in_page(".start .choice[href='/login?lang=id']").await);
    assert_eq!(heading(), "Apa yang terjadi saat Anda mencoba masuk (login)?");
    assert!(kept_in_page("[data-option='asked_again']").await, "a step of the same guide");
    assert_eq!(address(), "/login/session_expired?a=what_happens.asked_again&lang=id");
    assert!(!kept_in_page("a.lang[lang='en']").await, "English without the English login guide");
    assert_eq!(address(), "/login/session_expired?a=what_happens.asked_again&lang=id");
    assert!(kept_in_page("a.brand").await, "the start screen is compiled in");
    assert_eq!(heading(), "Apa kendala Anda?");
    forget_language();
}
