use yew::prelude::*;

#[cfg(feature = "csr")]
use crate::state::Action;
use crate::state::State;

/// Downloads the full guides after the widget took over a page without them (the start screen,
/// the check page), again whenever the device comes back online until they are here.
#[hook]
pub fn use_content_download(state: &UseReducerHandle<State>) {
    let dispatcher = state.dispatcher();
    let needed = state.catalog.is_none();
    use_effect_with((), move |_| {
        #[cfg(not(feature = "csr"))]
        let _ = (needed, dispatcher);
        #[cfg(feature = "csr")]
        if needed {
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(Action::ContentLoaded(crate::content::download_until_done().await));
            });
        }
    });
}
