use jmo_guide::link::Link;
use yew::prelude::*;

use crate::hooks::{use_app, use_ui};

/// The friendly page for an unknown, outdated or malformed link.
#[function_component]
pub fn NotFound() -> Html {
    let app = use_app();
    let t = use_ui();
    html! {
        <section class="screen not-found" aria-labelledby="screen-title">
            <h1 id="screen-title" tabindex="-1">{ t.not_found_title }</h1>
            <p>{ t.not_found_body }</p>
            <p><a class="button primary" href={app.href(Link::start())}>{ t.not_found_action }</a></p>
        </section>
    }
}
