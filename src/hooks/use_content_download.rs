use yew::prelude::*;

#[cfg(feature = "csr")]
use crate::content;
use crate::state::{Action, State};

/// Downloads the full guides after the first paint, again on each retry, and retries by itself
/// when the device comes back online.
#[hook]
pub fn use_content_download(state: &UseReducerHandle<State>) {
    let dispatcher = state.dispatcher();
    let needed = state.catalog.is_none();
    use_effect_with(state.load_attempt, move |_| {
        #[cfg(not(feature = "csr"))]
        let _ = (needed, dispatcher);
        #[cfg(feature = "csr")]
        if needed {
            wasm_bindgen_futures::spawn_local(async move {
                match content::download().await {
                    Ok(catalog) => dispatcher.dispatch(Action::ContentLoaded(catalog)),
                    Err(()) => dispatcher.dispatch(Action::ContentFailed),
                }
            });
        }
    });
    let dispatcher = state.dispatcher();
    use_effect_with((), move |_| {
        let listener = web_sys::window().map(|window| {
            gloo_events::EventListener::new(&window, "online", move |_| dispatcher.dispatch(Action::RetryContent))
        });
        move || drop(listener)
    });
}
