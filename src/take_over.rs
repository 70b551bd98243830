//! The widget taking over the page the server drew. The server's HTML already shows the step and
//! its links work as plain links; once the guides a step needs are here, the widget draws the
//! same markup in its place within one task (nothing is painted in between, so nothing moves) and
//! carries over what the participant did meanwhile: the focus, what was typed, the scroll.

use std::cell::RefCell;

use wasm_bindgen::JsCast;

use crate::state::{needs_guides, Opening};
use crate::{browser, content, App};

/// What the participant did on the server's page, put back after the first render.
struct Carried {
    /// The focused element, as its index among the root's descendants.
    focus: Option<u32>,
    /// The value of every `input`, `textarea` and `select`, in document order.
    values: Vec<String>,
    scroll: (f64, f64),
}

thread_local! {
    static CARRIED: RefCell<Option<(web_sys::Element, Carried)>> = const { RefCell::new(None) };
}

/// Starts the widget on the server's page in `#app`: at once for the start screen, the check
/// page or a not-found page; after the guides are downloaded for a step (until then, and if that
/// fails, the server's page keeps working; a failed download is tried again when the device is
/// back online).
pub fn start() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(root) = document.get_element_by_id("app") else { return };
    let address = browser::address();
    if browser::old_link(&web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()).is_some() {
        browser::replace_address(&address);
    }
    if !needs_guides(&address) || content::full().is_some() {
        take_over(root);
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            if content::download().await.is_ok() {
                take_over(root);
                return;
            }
            online().await;
        }
    });
}

/// Resolves when the device is back online.
async fn online() {
    let Some(window) = web_sys::window() else { return };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let once = web_sys::AddEventListenerOptions::new();
        once.set_once(true);
        let _ = window.add_event_listener_with_callback_and_add_event_listener_options("online", &resolve, &once);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Replaces the server's markup in `root` with the widget's (the same markup) in this task.
pub fn take_over(root: web_sys::Element) -> yew::AppHandle<App> {
    let carried = capture(&root);
    CARRIED.with(|c| *c.borrow_mut() = Some((root.clone(), carried)));
    crate::mount(root, browser_opening())
}

/// What the browser knows of its page.
pub fn browser_opening() -> Opening {
    Opening {
        address: browser::address(),
        today: browser::today(),
        remembered_lang: browser::stored_lang(),
        stored_complaints: browser::has_stored_complaints(),
        refused_date: None,
    }
}

fn capture(root: &web_sys::Element) -> Carried {
    let window = web_sys::window();
    let active = window.as_ref().and_then(|w| w.document()).and_then(|d| d.active_element());
    let all = root.query_selector_all("*").ok();
    let focus = active.zip(all).and_then(|(active, all)| (0..all.length()).find(|&i| all.get(i).is_some_and(|n| n.is_same_node(Some(&active)))));
    Carried {
        focus,
        values: fields(root).iter().map(value_of).collect(),
        scroll: window.map_or((0.0, 0.0), |w| (w.scroll_x().unwrap_or(0.0), w.scroll_y().unwrap_or(0.0))),
    }
}

/// Puts back what [`take_over`] captured, once (called after the widget's first render).
pub fn restore() {
    let Some((root, carried)) = CARRIED.with(|c| c.borrow_mut().take()) else { return };
    for (field, value) in fields(&root).iter().zip(&carried.values) {
        if value_of(field) != *value {
            set_value(field, value);
        }
    }
    if let Some(index) = carried.focus {
        let element = root.query_selector_all("*").ok().and_then(|all| all.get(index));
        if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    }
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(carried.scroll.0, carried.scroll.1);
    }
}

fn fields(root: &web_sys::Element) -> Vec<web_sys::Element> {
    let Ok(list) = root.query_selector_all("input, textarea, select") else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)?.dyn_into().ok()).collect()
}

fn value_of(field: &web_sys::Element) -> String {
    if let Some(input) = field.dyn_ref::<web_sys::HtmlInputElement>() {
        return input.value();
    }
    if let Some(area) = field.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return area.value();
    }
    js_sys::Reflect::get(field, &"value".into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

fn set_value(field: &web_sys::Element, value: &str) {
    let _ = js_sys::Reflect::set(field, &"value".into(), &value.into());
}
