use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::browser;

/// Calls `on_change` with the page's address after back and forward (`popstate`, also fired by
/// [`browser::navigate`]). A step this page cannot draw yet (its guides are still on their way)
/// is reloaded: the server draws it.
#[hook]
pub fn use_address(on_change: Callback<String>) {
    use_effect_with((), move |_| {
        let listener = Closure::<dyn Fn()>::new(move || {
            let address = browser::address();
            if crate::state::needs_guides(&address) && crate::content::full().is_none() {
                let _ = web_sys::window().map(|w| w.location().reload());
            } else {
                on_change.emit(address);
            }
        });
        let window = web_sys::window();
        if let Some(window) = &window {
            let _ = window.add_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(window) = window {
                let _ = window.remove_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref());
            }
        }
    });
}
