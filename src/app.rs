use yew::prelude::*;

use crate::browser;
use crate::components::{header, loading, not_found, start_screen, step_page, FormSlot};
use crate::content::ui;
use crate::hooks::{use_content_download, use_focus_heading, use_fragment, use_host};
use crate::state::{Action, Screen, State, CHECK_PAGE};

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(|| State::new(&browser::hash(), browser::stored_lang()));
    {
        let dispatcher = state.dispatcher();
        use_fragment(Callback::from(move |fragment| dispatcher.dispatch(Action::Open(fragment))));
    }
    use_content_download(&state);
    use_host(&state);
    use_focus_heading(state.transitions);
    let t = ui(state.lang);
    let page_title = match &state.screen {
        Screen::Start | Screen::Loading => t.app_name.to_owned(),
        Screen::Step { guide, walk, .. } => format!("{} – {}", walk.current_node(guide).title.get(state.lang), t.app_name),
        Screen::NotFound => format!("{} – {}", t.not_found_title, t.app_name),
        Screen::Check => format!("{} – {}", t.check_link, t.app_name),
    };
    use_effect_with((state.lang, page_title), |(lang, title)| browser::set_document_lang_and_title(*lang, title));

    // Step links are followed in-page: the state updates at once instead of after the
    // browser's `hashchange`. Ctrl/Cmd/Shift-clicks (new tab or window) and other links behave
    // as usual; middle clicks fire no `click`.
    let follow = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            if e.default_prevented() || e.ctrl_key() || e.meta_key() || e.shift_key() {
                return;
            }
            let anchor = e.target_dyn_into::<web_sys::Element>().and_then(|t| t.closest("a[href^='#/']").ok().flatten());
            let Some(href) = anchor.and_then(|a| a.get_attribute("href")) else { return };
            if browser::push_hash(&href) {
                e.prevent_default();
                dispatcher.dispatch(Action::Open(href));
            }
        })
    };
    let skip = Callback::from(|e: MouseEvent| {
        // A plain `#main` link would be read as a step link, so focus the content by hand.
        e.prevent_default();
        let main = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main"));
        if let Some(main) = main.and_then(|m| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(m).ok()) {
            let _ = main.focus();
        }
    });
    let screen = match &state.screen {
        Screen::Start => start_screen(&state),
        Screen::Loading => loading(&state),
        Screen::Step { guide, walk, changed } => step_page(&state, *guide, walk, *changed),
        Screen::NotFound => not_found(&state),
        Screen::Check => html! {
            <FormSlot kind="check" loading={t.loading_title} failed={t.loading_failed} retry={t.retry} />
        },
    };
    // Complaints kept on this device (waiting, delivered, refused) are shown, and their delivery
    // resumed, on every page but the check screen (which offers the last ticket anyway).
    let complaints = browser::has_stored_complaints() && state.screen != Screen::Check;
    // Plain strings: `classes!` would bring a hash set into the wasm.
    let class = if state.embed { "page embed" } else { "page" };
    html! {
        <div ~className={class} onclick={follow}>
            <a class="skip-link" href="#main" onclick={skip}>{ t.skip_to_content }</a>
            { header(&state) }
            <main id="main" tabindex="-1">
                if complaints { <FormSlot kind="complaints" /> }
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
