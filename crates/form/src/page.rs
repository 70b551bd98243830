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

/// Once per page: the form's stylesheet, delivered tickets reported to the host, and distinct
/// Yew tree ids.
///
/// The widget's own Yew app (another wasm module, with its own counter) has tree id 1 and
/// listens on an ancestor of every form element. Yew tells apps apart by that id, so a form app
/// that also had id 1 would see its clicks handled by the widget's handlers too. Rendering and
/// dropping a few empty apps first moves this module's ids past the widget's.
pub fn prepare() {
    if PREPARED.with(|p| p.replace(true)) {
        return;
    }
    crate::delivery::on_delivered(|receipt| crate::host::delivered(&receipt.ticket));
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    for _ in 0..4 {
        if let Ok(detached) = document.create_element("div") {
            yew::Renderer::<Nothing>::with_root(detached).render().destroy();
        }
    }
    let linked = document.query_selector("link[data-form-styles]").ok().flatten().is_some();
    if let (false, Ok(link), Some(head)) = (linked, document.create_element("link"), document.head()) {
        let _ = link.set_attribute("rel", "stylesheet");
        // From the root: the form is mounted on pages at any depth (`/login/escalate_login`).
        let _ = link.set_attribute("href", "/form.css");
        let _ = link.set_attribute("data-form-styles", "");
        let _ = head.append_child(&link);
    }
}
