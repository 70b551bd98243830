use jmo_guide::Lang;
use yew::prelude::*;

use crate::browser;
use crate::content::ui;
use crate::state::{Action, Store};

/// App name and the language switch (remembered on this device).
pub fn header(app: &Store) -> Html {
    let t = ui(app.lang);
    let choose = |lang: Lang| {
        let app = app.clone();
        Callback::from(move |_| {
            browser::store_lang(lang);
            // A `lang=` in the link would override the choice on reload: drop it.
            let fragment = browser::hash();
            if fragment.contains("lang=") {
                if let Ok(link) = jmo_guide::link::Link::decode(&fragment) {
                    browser::replace_hash(&link.with_lang(None).encode());
                }
            }
            app.dispatch(Action::SetLang(lang));
        })
    };
    let button = |lang: Lang, name: &'static str| {
        let current = app.lang == lang;
        html! {
            <button type="button" class="lang" lang={lang.code()} aria-pressed={current.to_string()} onclick={choose(lang)}>
                { name }
            </button>
        }
    };
    html! {
        <header class="header">
            <a class="brand" href={app.href(jmo_guide::link::Link::start())}>{ t.app_name }</a>
            <div class="lang-switch" role="group" aria-label={t.language}>
                { button(Lang::Id, t.lang_id_name) }
                { button(Lang::En, t.lang_en_name) }
            </div>
        </header>
    }
}
