use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::browser;

/// Calls `on_change` with the page's address after back and forward (`popstate`, also fired by
/// [`browser::navigate`]). A step this page cannot draw yet (its guide is still on its way) is
/// reloaded: the server draws it. (`remembered_lang`: the page's, for links that name none.)
#[hook]
pub fn use_address(remembered_lang: Option<jmo_guide::Language>, on_change: Callback<String>) {
    use_effect_with((), move |_| {
        let listener = Closure::<dyn Fn()>::new(move || {
            let address = browser::address();
            if !crate::state::drawable(crate::content::loaded(), &address, remembered_lang) {
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
