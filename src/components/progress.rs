use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use yew::prelude::*;

use crate::state::GuideRef;

use crate::hooks::{use_app, use_ui};

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub guide: GuideRef,
    pub walk: Walk,
}

/// Breadcrumb: start › guide › step number.
#[function_component]
pub fn Progress(props: &ProgressProps) -> Html {
    let app = use_app();
    let t = use_ui();
    let guide = props.guide.0;
    let guide_start = Link { guide: Some(guide.id.to_string()), ..Link::start() };
    let step = t.step_count.replace("{n}", &(props.walk.answers().len() + 1).to_string());
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
