//! A deep link in the browser: the widget downloads that guide in that language only, takes the
//! page over, then fetches every other guide file in the background; after that the other
//! language and every other guide open in-page, offline too. (Its own test binary: the page
//! starts with no guides; `fetch` is replaced by one that serves build.rs's files and records each
//! request.)

#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::{Cell, RefCell};

use jmo_guide::Language;
use jmo_selfhelp::content::Part;
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    /// Every file asked for, and whether the widget had drawn the page by then.
    static REQUESTS: RefCell<Vec<(String, bool)>> = const { RefCell::new(Vec::new()) };
    static OFFLINE: Cell<bool> = const { Cell::new(false) };
}

/// The guide files asked for (not the walk reports, which go to `/api/v1/walks`).
fn requests() -> Vec<(String, bool)> {
    REQUESTS.with(|r| r.borrow().iter().filter(|(file, _)| file != "walks").cloned().collect())
}

/// How many walk reports the widget tried to send.
fn walk_reports() -> usize {
    REQUESTS.with(|r| r.borrow().iter().filter(|(file, _)| file == "walks").count())
}

/// `fetch` answering with build.rs's files, or failing like a network that is gone.
fn serve_the_built_files() {
    let fetch = Closure::<dyn FnMut(String) -> js_sys::Promise>::new(|url: String| {
        let file = url.rsplit('/').next().unwrap_or_default().to_owned();
        REQUESTS.with(|r| r.borrow_mut().push((file.clone(), find("#app .page").is_some())));
        let text = PARTS.iter().find(|(name, _)| *name == file).map(|(_, text)| *text);
        match text.filter(|_| !OFFLINE.get()) {
            Some(text) => js_sys::Promise::resolve(&JsValue::from(web_sys::Response::new_with_opt_str(Some(text)).unwrap())),
            None => js_sys::Promise::reject(&JsValue::from_str("offline")),
        }
    });
    js_sys::Reflect::set(&web_sys::window().unwrap(), &"fetch".into(), fetch.as_ref()).unwrap();
    fetch.forget();
}

/// Follows a link to `href` from the page and tells whether the widget kept it in-page.
async fn follows_in_page(href: &str) -> bool {
    let link = document().create_element("a").unwrap();
    link.set_attribute("href", href).unwrap();
    link.set_id("test-link");
    get("#app .page").append_child(&link).unwrap();
    let kept = kept_in_page("#test-link").await;
    if let Some(link) = find("#test-link") {
        link.remove();
    }
    kept
}

#[wasm_bindgen_test]
async fn a_deep_link_waits_for_its_own_guide_only_and_the_others_follow_in_the_background() {
    if let Ok(Some(storage)) = web_sys::window().unwrap().local_storage() {
        let _ = storage.remove_item("jmo.lang");
    }
    serve_the_built_files();
    let jht = Part::of("jht", Language::En).unwrap();
    let guide = &jmo_guide::pack::unpack(part_text(jht)).unwrap().0.guides[0];
    let second = &guide.node(&guide.start).unwrap().options[0].next;
    let deep = format!("/jht/{second}?lang=en");
    web_sys::window().unwrap().history().unwrap().replace_state_with_url(&JsValue::NULL, "", Some(&deep)).unwrap();
    let root = document().create_element("div").unwrap();
    root.set_id("app");
    document().body().unwrap().append_child(&root).unwrap();

    jmo_selfhelp::take_over::start();
    wait_until("the widget to take the page over", || find("#app #screen-title").is_some()).await;
    assert_eq!(heading(), guide.node(second).unwrap().title.en, "the deep link's step, in English");
    let before: Vec<String> = requests().into_iter().filter(|(_, drawn)| !drawn).map(|(file, _)| file).collect();
    assert_eq!(before, [jht.file()], "one file before the take-over: that guide, in that language");

    let every: Vec<String> = Part::all().map(Part::file).collect();
    wait_until("every guide file", || requests().len() >= every.len()).await;
    settle().await;
    let mut asked: Vec<String> = requests().into_iter().map(|(file, _)| file).collect();
    asked.sort();
    let mut expected = every.clone();
    expected.sort();
    assert_eq!(asked, expected, "each file once");

    // Offline from here: the language and every guide in-page, with no request.
    OFFLINE.set(true);
    assert!(kept_in_page("a.lang[lang='id']").await, "the language switch");
    let in_id = &jmo_guide::pack::unpack(part_text(Part::of("jht", Language::Id).unwrap())).unwrap().0.guides[0];
    assert_eq!(heading(), in_id.node(second).unwrap().title.id);
    for part in Part::all() {
        let guide = &jmo_guide::pack::unpack(part_text(part)).unwrap().0.guides[0];
        let (id, lang) = (&guide.id, part.lang);
        assert!(follows_in_page(&format!("/{id}?lang={}", lang.as_str())).await, "{id} in {lang:?}");
        let start = guide.node(&guide.start).unwrap();
        assert_eq!(heading(), start.title.get(lang), "{id} in {lang:?}");
        // One step on, along the first answer (a date question is answered by a form instead).
        if let Some(first) = start.options.first().filter(|_| start.kind != jmo_guide::NodeKind::Date) {
            assert!(kept_in_page(&format!("[data-option='{}']", first.id)).await, "{id}: an answer");
            assert_eq!(heading(), guide.node(&first.next).unwrap().title.get(lang), "{id} in {lang:?} walks");
        }
    }
    assert_eq!(requests().len(), every.len(), "nothing more was fetched");
    // Each guide left for another ended a walk; offline, its report waits on the device.
    assert!(walk_reports() > 0, "no walk was reported");
    let kept = web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("jmo.walk-reports").unwrap().unwrap_or_default();
    assert!(kept.contains("\"outcome\":\"left\""), "the reports that could not be sent are not kept: {kept:?}");
}
