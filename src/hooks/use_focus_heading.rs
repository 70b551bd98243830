use yew::prelude::*;

/// After every transition but the first render, moves focus to the screen's heading
/// (`#screen-title`), so screen readers announce the new step and keyboard users start there.
#[hook]
pub fn use_focus_heading(transitions: u32) {
    use_effect_with(transitions, |&transitions| {
        if transitions > 1 {
            let heading = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("screen-title"));
            if let Some(heading) = heading.and_then(|h| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h).ok()) {
                let _ = heading.focus();
            }
        }
    });
}
