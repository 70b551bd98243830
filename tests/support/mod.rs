//! Mounting the real app in the test page and driving it like a person: clicking links and
//! buttons, waiting for the address change and the render, reading what is on screen.

#![allow(dead_code)]

use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

pub fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

include!(concat!(env!("OUT_DIR"), "/parts.rs"));

/// The file the page would download for `part` (build.rs writes the same files into dist/).
pub fn part_text(part: jmo_selfhelp::content::Part) -> &'static str {
    let file = part.file();
    PARTS.iter().find(|(name, _)| *name == file).map(|(_, text)| *text).unwrap_or_else(|| panic!("build.rs wrote no {file}"))
}

/// One guide in one language, as the page would download it.
pub fn install_part(part: jmo_selfhelp::content::Part) {
    jmo_selfhelp::content::install(part, part_text(part)).expect("the built part");
}

/// Every guide in both languages, as the page would download them.
pub fn install_content() {
    for part in jmo_selfhelp::content::Part::all() {
        install_part(part);
    }
}

pub struct Mounted {
    handle: Option<yew::AppHandle<jmo_selfhelp::App>>,
    root: Element,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

/// The real stylesheet, for checks of layout (widths, target sizes), on a page marked as one
/// the widget runs in (`data-js`, as index.html's inline script does where WebAssembly exists).
pub fn use_stylesheet() {
    let _ = document().document_element().unwrap().set_attribute("data-js", "");
    if find("style#app-css").is_none() {
        let style = document().create_element("style").unwrap();
        style.set_id("app-css");
        style.set_text_content(Some(include_str!("../../styles/app.css")));
        document().head().unwrap().append_child(&style).unwrap();
    }
}

/// Opens the app at `address` (`/login?a=…`), as if the page had been loaded with that link and
/// the widget had taken it over.
pub async fn open(address: &str) -> Mounted {
    let history = web_sys::window().unwrap().history().unwrap();
    let url = if address.is_empty() { "/" } else { address };
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url)).unwrap();
    // A test that panicked could not unmount its app: clear what it left so failures stay apart.
    for leftover in all(".test-root") {
        leftover.remove();
    }
    let root = document().create_element("div").unwrap();
    root.set_class_name("test-root");
    document().body().unwrap().append_child(&root).unwrap();
    let handle = jmo_selfhelp::mount(root.clone(), jmo_selfhelp::take_over::browser_opening());
    settle().await;
    Mounted { handle: Some(handle), root }
}

/// Clicks `selector` and tells whether the widget kept the click in-page (prevented the
/// browser's navigation). The browser's own navigation is stopped here either way.
pub async fn kept_in_page(selector: &str) -> bool {
    let prevented = std::rc::Rc::new(std::cell::Cell::new(None));
    let seen = prevented.clone();
    let window = web_sys::window().unwrap();
    // Bubbling on window: after the widget's own listener on its root.
    let options = gloo_events::EventListenerOptions::enable_prevent_default();
    let listener = gloo_events::EventListener::new_with_options(&window, "click", options, move |e| {
        seen.set(Some(e.default_prevented()));
        e.prevent_default();
    });
    get(selector).dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
    drop(listener);
    prevented.get().expect("the click reached the window")
}

/// Waits (up to 10 s) until `done` holds.
pub async fn wait_until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("waited 10 s for {what}");
}

/// Lets address changes, effects and renders finish.
pub async fn settle() {
    for _ in 0..3 {
        TimeoutFuture::new(25).await;
        yew::scheduler::flush().await;
    }
}

pub fn find(selector: &str) -> Option<Element> {
    document().query_selector(selector).unwrap()
}

pub fn get(selector: &str) -> Element {
    find(selector).unwrap_or_else(|| panic!("nothing on screen matches {selector}"))
}

pub fn all(selector: &str) -> Vec<Element> {
    let list = document().query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

pub fn text(selector: &str) -> String {
    get(selector).text_content().unwrap_or_default().trim().to_owned()
}

pub fn heading() -> String {
    text("#screen-title")
}

pub async fn click(selector: &str) {
    get(selector).dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
}

/// Clicks the link or button whose visible text is exactly `label`.
pub async fn click_text(label: &str) {
    let target = all("a, button")
        .into_iter()
        .find(|e| e.text_content().unwrap_or_default().trim() == label)
        .unwrap_or_else(|| panic!("no link or button labelled {label:?}"));
    target.dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
}

pub fn root_of(mounted: &Mounted) -> Element {
    mounted.root.clone()
}

/// The page's address: path and query.
pub fn address() -> String {
    let location = web_sys::window().unwrap().location();
    location.pathname().unwrap() + &location.search().unwrap()
}

pub fn focused_id() -> String {
    document().active_element().map(|e| e.id()).unwrap_or_default()
}

pub async fn history_back() {
    web_sys::window().unwrap().history().unwrap().back().unwrap();
    TimeoutFuture::new(100).await;
    settle().await;
}
