use yew::prelude::*;

use crate::content::ui;
use crate::state::{Action, Store};

/// Shown while a guide's steps are still downloading, with a retry when that failed.
pub fn loading(app: &Store) -> Html {
    let t = ui(app.lang);
    let retry = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::RetryContent))
    };
    html! {
        <section class="screen loading" aria-labelledby="screen-title" aria-busy={(!app.load_failed).to_string()}>
            <h1 id="screen-title" tabindex="-1">{ t.loading_title }</h1>
            if app.load_failed {
                <p class="notice" role="alert">{ t.loading_failed }</p>
                <p><button type="button" class="button primary" onclick={retry}>{ t.retry }</button></p>
            }
        </section>
    }
}
