use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::Guide;
use yew::prelude::*;


use crate::content::Steps;
use crate::state::State;

/// Breadcrumb: start › guide › step number.
pub fn progress(app: &State, t: &Steps, guide: &'static Guide, walk: &Walk) -> Html {
    let guide_start = Link { guide: Some(guide.id.to_string()), ..Link::start() };
    let step = t.step_count.replace("{n}", &(walk.answers().len() + 1).to_string());
    html! {
        <nav class="crumbs" aria-label={t.progress_label}>
            <ol>
                <li><a href={app.href(Link::start())}>{ t.start_crumb }</a></li>
                <li><a href={app.href(guide_start)}>{ guide.title.get(app.lang) }</a></li>
                <li aria-current="step">{ step }</li>
            </ol>
        </nav>
    }
}
