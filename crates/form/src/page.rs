//! What the form needs from the page it is loaded into, set up once.

use std::cell::Cell;

use yew::prelude::*;

thread_local! {
    static PREPARED: Cell<bool> = const { Cell::new(false) };
}

#[function_component]
fn Nothing() -> Html {
    Html::default()
}

/// Once per page: the form's stylesheet, delivered tickets reported to the host (and to the walk
/// report), and distinct Yew tree ids.
///
/// The widget's own Yew app (another wasm module, with its own counter) has tree id 1 and
/// listens on an ancestor of every form element. Yew tells apps apart by that id, so a form app
/// that also had id 1 would see its clicks handled by the widget's handlers too. Rendering and
/// dropping a few empty apps first moves this module's ids past the widget's.
pub fn prepare() {
    if PREPARED.with(|p| p.replace(true)) {
        return;
    }
    crate::delivery::on_delivered(|receipt| {
        crate::host::delivered(&receipt.ticket);
        walk_report_delivered();
    });
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    for _ in 0..4 {
        if let Ok(detached) = document.create_element("div") {
            yew::Renderer::<Nothing>::with_root(detached).render().destroy();
        }
    }
    // The server inlines the styles into the pages it draws the form on (a `<style>` in the head).
    let linked = document.query_selector("[data-form-styles]").ok().flatten().is_some();
    if let (false, Ok(link), Some(head)) = (linked, document.create_element("link"), document.head()) {
        let _ = link.set_attribute("rel", "stylesheet");
        // From the root: the form is mounted on pages at any depth (`/login/escalate_login`).
        let _ = link.set_attribute("href", "/form.css");
        let _ = link.set_attribute("data-form-styles", "");
        let _ = head.append_child(&link);
    }
}

/// What was typed into the form the server drew (a page without JavaScript, until this module
/// arrived) and the problems it showed, so the module's form starts from there; `None` when
/// `root` holds no such form.
pub fn server_form(root: &web_sys::Element) -> Option<crate::components::Start> {
    use wasm_bindgen::JsCast;
    use crate::draft::{Draft, Field, Problem};
    let form = root.query_selector("form#complaint-form").ok()??;
    let mut draft = Draft::fresh();
    let mut files = Vec::new();
    for field in Field::ALL {
        let Some(element) = form.query_selector(&format!("[name=\"{}\"]", field.dom_id())).ok().flatten() else { continue };
        if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
            match input.type_().as_str() {
                "checkbox" => draft.set(field, input.checked().to_string()),
                "file" => files = crate::components::chosen_files(input),
                _ => draft.set(field, input.value()),
            }
        } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            draft.set(field, area.value());
        }
    }
    if let Some(channel) = form.query_selector("input[name=\"reply_channel\"]:checked").ok().flatten() {
        if let Some(input) = channel.dyn_ref::<web_sys::HtmlInputElement>() {
            draft.set(Field::ReplyChannel, input.value());
        }
    }
    let problems = form
        .get_attribute("data-problems")
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.split_once('='))
        .map(|(path, code)| Problem::from_item(&jmo_contract::ErrorItem { field: Some(path.to_owned()), code: code.to_owned() }))
        .collect();
    Some(crate::components::Start { draft: Some(draft), problems, replacing: None, focus: None, files })
}

/// The check screen the server drew in `root` for a page without JavaScript (`ssr::check`): what
/// was typed and what the lookup found, for the module to start from (`None` while it is empty).
pub fn server_check(root: &web_sys::Element) -> Option<crate::components::CheckStart> {
    use wasm_bindgen::JsCast;
    let form = root.query_selector("form#check-form").ok()??;
    let value = |id: &str| {
        form.query_selector(&format!("#{id}")).ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default()
    };
    let result = root.query_selector("#check-result").ok().flatten();
    let data = |name: &str| result.as_ref().and_then(|r| r.get_attribute(name));
    let lookup = crate::components::Lookup::from_data(data("data-lookup").as_deref(), data("data-status").as_deref());
    let start = crate::components::CheckStart { ticket: value("check-ticket"), last4: value("check-last4"), lookup };
    // Untouched: the module prefills it from this device's last complaint instead.
    (start != Default::default()).then_some(start)
}

/// The id of the focused element, if it is inside `root`.
pub fn focused_in(root: &web_sys::Element) -> Option<String> {
    let active = web_sys::window()?.document()?.active_element()?;
    (root.contains(Some(&active)) && !active.id().is_empty()).then(|| active.id())
}

/// Tells the widget's walk report (`src/on_demand.js`) that the walk's complaint was delivered:
/// an event with no detail, not even the ticket.
fn walk_report_delivered() {
    if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new("jmo-delivered")) {
        let _ = window.dispatch_event(&event);
    }
}
