use yew::prelude::*;

#[cfg(feature = "csr")]
use crate::state::Action;
use crate::state::State;

/// Downloads, once the widget took over a page, every guide not here yet in each language (the
/// page's language first), in the background: each one then opens in-page, and keeps working
/// offline. A failed download is tried again whenever the device comes back online.
#[hook]
pub fn use_content_download(state: &UseReducerHandle<State>) {
    let dispatcher = state.dispatcher();
    let lang = state.lang;
    use_effect_with((), move |_| {
        #[cfg(not(feature = "csr"))]
        let _ = (lang, dispatcher);
        #[cfg(feature = "csr")]
        wasm_bindgen_futures::spawn_local(async move {
            crate::content::download_the_rest(lang, || dispatcher.dispatch(Action::GuidesLoaded(crate::content::loaded()))).await;
        });
    });
}
