use jmo_guide::link::Link;
use yew::prelude::*;

use crate::content::HEAD;
use crate::state::State;

/// "Apa kendala Anda?": one link per guide.
pub fn start_screen(app: &State) -> Html {
    let lang = app.lang;
    let start = &HEAD.start;
    let guides = HEAD.start_guides().map(|guide| {
        let href = app.href(Link { guide: Some(guide.id.to_string()), ..Link::start() });
        html! {
            <li>
                <a class="choice" {href}>
                    <span class="choice-label">{ guide.title.get(lang) }</span>
                    if !guide.summary.is_empty() {
                        <span class="choice-hint">{ guide.summary.get(lang) }</span>
                    }
                </a>
            </li>
        }
    });
    html! {
        <section class="screen start" aria-labelledby="screen-title">
            <h1 id="screen-title" tabindex="-1">{ start.title.get(lang) }</h1>
            { for start.intro.paragraphs(lang).map(|p| html! { <p class="lead">{ p }</p> }) }
            <ul class="choices">{ for guides }</ul>
        </section>
    }
}
