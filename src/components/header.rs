use jmo_guide::link::Link;
use jmo_guide::Language;
use yew::prelude::*;

use crate::content::ui;
use crate::state::State;

/// App name and the language switch: links to this page in each language (the widget follows
/// them in-page; the language last shown is remembered on this device).
pub fn header(app: &State) -> Html {
    let t = ui(app.lang);
    let choice = |lang: Language, name: &'static str| {
        let current = (app.lang == lang).then_some("true");
        html! {
            <a class="lang" lang={lang.as_str()} href={app.here_in(lang)} aria-current={current}>{ name }</a>
        }
    };
    html! {
        <header class="header">
            <a class="brand" href={app.href(Link::start())}>{ t.app_name }</a>
            <div class="lang-switch" role="group" aria-label={t.language}>
                { choice(Language::Id, t.lang_id_name) }
                { choice(Language::En, t.lang_en_name) }
            </div>
        </header>
    }
}
