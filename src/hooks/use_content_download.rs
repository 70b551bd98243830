use yew::prelude::*;

#[cfg(feature = "csr")]
use crate::state::Action;
use crate::state::State;

/// Downloads, once the widget took over a page, every guide not here yet in each language (this
/// page's guide in the other language, then the page's language first), in the background: each one then opens in-page, and keeps working
/// offline. A failed download is tried again whenever the device comes back online.
#[hook]
pub fn use_content_download(state: &UseReducerHandle<State>) {
    let dispatcher = state.dispatcher();
    let lang = state.lang;
    let here = match &state.screen {
        crate::state::Screen::Step { guide, .. } => Some(guide.id.to_string()),
        _ => None,
    };
    use_effect_with((), move |_| {
        #[cfg(not(feature = "csr"))]
        let _ = (lang, here, dispatcher);
        #[cfg(feature = "csr")]
        wasm_bindgen_futures::spawn_local(async move {
            crate::content::download_the_rest(lang, here.as_deref(), || dispatcher.dispatch(Action::GuidesLoaded(crate::content::loaded()))).await;
        });
    });
}
