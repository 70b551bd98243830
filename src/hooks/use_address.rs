use yew::prelude::*;

use crate::browser;

/// Calls `on_change` with the page's address whenever it may have changed: `popstate` for back
/// and forward (and for [`browser::navigate`]), `hashchange` for an old link (`#/login`) typed or
/// pasted into this page, which is rewritten to the path it stands for.
#[hook]
pub fn use_address(on_change: Callback<String>) {
    use_effect_with((), move |_| {
        let listeners = web_sys::window().map(|window| {
            let on_popstate = on_change.clone();
            [
                gloo_events::EventListener::new(&window, "hashchange", move |_| {
                    let address = browser::address();
                    if browser::old_link(&web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()).is_some() {
                        browser::replace_address(&address);
                        if crate::state::needs_guides(&address) && crate::content::full().is_none() {
                            let _ = web_sys::window().map(|w| w.location().reload());
                        } else {
                            on_change.emit(address);
                        }
                    }
                }),
                gloo_events::EventListener::new(&window, "popstate", move |_| {
                    let address = browser::address();
                    // A step this page cannot draw yet (its guides are still coming): the server's.
                    if crate::state::needs_guides(&address) && crate::content::full().is_none() {
                        let _ = web_sys::window().map(|w| w.location().reload());
                    } else {
                        on_popstate.emit(address);
                    }
                }),
            ]
        });
        move || drop(listeners)
    });
}
