use yew::prelude::*;

/// Calls `on_change` with the fragment whenever it may have changed: `hashchange` for typed or
/// pasted links, `popstate` for back and forward over entries the app pushed itself.
#[hook]
pub fn use_fragment(on_change: Callback<String>) {
    use_effect_with((), move |_| {
        let listeners = web_sys::window().map(|window| {
            let on_popstate = on_change.clone();
            [
                gloo_events::EventListener::new(&window, "hashchange", move |_| on_change.emit(crate::browser::hash())),
                gloo_events::EventListener::new(&window, "popstate", move |_| on_popstate.emit(crate::browser::hash())),
            ]
        });
        move || drop(listeners)
    });
}
