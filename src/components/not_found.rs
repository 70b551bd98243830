use jmo_guide::link::Link;
use yew::prelude::*;

use crate::content::ui;
use crate::state::State;

/// The friendly page for an unknown, outdated or malformed link.
pub fn not_found(app: &State) -> Html {
    let t = ui(app.lang);
    html! {
        <section class="screen not-found" aria-labelledby="screen-title">
            <h1 id="screen-title" tabindex="-1">{ t.not_found_title }</h1>
            <p>{ t.not_found_body }</p>
            <p><a class="button primary" href={app.href(Link::start())}>{ t.not_found_action }</a></p>
        </section>
    }
}
