use yew::prelude::*;

use crate::browser;
use crate::components::{header, not_found, start_screen, step_page, FormSlot};
use crate::content::ui;
use crate::hooks::{use_address, use_carried_over, use_content_download, use_focus_heading, use_shown};
use crate::state::{drawable, Action, Opening, Screen, State, CHECK_PAGE};

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The page to draw: the server's request, or the browser's page when the widget takes over.
    pub opening: Opening,
}

/// The whole page inside `#app`: drawn by the server for every request and, in the browser, by
/// the widget, which then follows links in-page.
#[function_component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer(|| State::new(&props.opening));
    {
        let dispatcher = state.dispatcher();
        use_address(state.remembered_lang, Callback::from(move |address| dispatcher.dispatch(Action::Open(address))));
    }
    use_carried_over();
    use_content_download(&state);
    use_shown(&state);
    use_focus_heading(state.transitions);
    let t = ui(state.lang);
    let in_guide = matches!(state.screen, Screen::Step { .. });
    use_effect_with((state.lang, state.title(), in_guide), |(lang, title, in_guide)| {
        browser::set_document_lang_and_title(*lang, title);
        // The form module follows the language (it never reads the page for it), and is fetched
        // ahead on a guide's page.
        crate::form_module::page(lang.as_str(), *in_guide);
    });
    // The language last shown (every link names one) is the one a link without it opens in.
    let shown = state.lang;
    use_effect_with(shown, |lang| browser::store_lang(*lang));

    // The page's own links (`/…`) are followed in-page: the state updates at once, no request.
    // Ctrl/Cmd/Shift-clicks (new tab or window) and other links behave as usual; middle clicks
    // fire no `click`.
    let follow = {
        let dispatcher = state.dispatcher();
        let (guides, remembered_lang) = (state.guides, state.remembered_lang);
        Callback::from(move |e: MouseEvent| {
            if e.default_prevented() || e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() {
                return;
            }
            let anchor = e.target_dyn_into::<web_sys::Element>().and_then(|t| t.closest("a[href^='/']:not([target])").ok().flatten());
            let Some(anchor) = anchor else { return };
            let Some(href) = anchor.get_attribute("href").filter(|h| !h.starts_with("//")) else { return };
            // A step of a guide not here yet: the browser goes there (the server draws it).
            if !drawable(guides, &href, remembered_lang) || !browser::push_address(&href) {
                return;
            }
            e.prevent_default();
            dispatcher.dispatch(Action::Open(href));
        })
    };
    let screen = match &state.screen {
        Screen::Start => start_screen(&state),
        Screen::Step { guide, walk, changed } => step_page(&state, *guide, walk, *changed),
        Screen::NotFound => not_found(&state),
        Screen::Check => html! {
            <FormSlot kind="check" lang={state.lang} loading={t.loading_title} failed={t.loading_failed} retry={t.retry} />
        },
        // The server fills it with the receipt; the widget leaves it as it is.
        Screen::Received => html! { <FormSlot kind="receipt" lang={state.lang} /> },
    };
    // Complaints kept on this device (waiting, delivered, refused) are shown, and their delivery
    // resumed, on every page but the check screen (which offers the last ticket anyway).
    let complaints = state.stored_complaints && !matches!(state.screen, Screen::Check | Screen::Received);
    // A data attribute, not a computed class: `classes!` would bring a hash set into the wasm, and
    // a `~className` property cannot be drawn by the server.
    let embed = state.embed.then_some("1");
    html! {
        <div class="page" data-embed={embed} onclick={follow}>
            <a class="skip-link" href="#main">{ t.skip_to_content }</a>
            { header(&state) }
            <main id="main" tabindex="-1">
                if complaints { <FormSlot kind="complaints" lang={state.lang} /> }
                { screen }
                if state.embed {
                    <p class="close"><button type="button" class="button" onclick={Callback::from(|_| crate::host::close())}>{ t.close }</button></p>
                }
            </main>
            <footer class="footer">
                <p>{ t.privacy_note }</p>
                <p><a href={state.href_to(CHECK_PAGE)}>{ t.check_link }</a></p>
            </footer>
        </div>
    }
}
