use yew::prelude::*;

/// Calls `on_change` with the new fragment whenever it changes (links, back, forward).
#[hook]
pub fn use_fragment(on_change: Callback<String>) {
    use_effect_with((), move |_| {
        let listener = web_sys::window().map(|window| {
            gloo_events::EventListener::new(&window, "hashchange", move |_| on_change.emit(crate::browser::hash()))
        });
        move || drop(listener)
    });
}
