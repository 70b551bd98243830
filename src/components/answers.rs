use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use yew::prelude::*;

use crate::state::GuideRef;

use crate::hooks::{use_app, use_ui};

#[derive(Properties, PartialEq)]
pub struct AnswersProps {
    pub guide: GuideRef,
    pub walk: Walk,
}

/// "Your answers": each earlier question, the chosen answer, and a link to change it.
#[function_component]
pub fn Answers(props: &AnswersProps) -> Html {
    let app = use_app();
    let t = use_ui();
    let lang = app.lang;
    let guide = props.guide.0;
    let rows = props.walk.answers().iter().enumerate().map(|(i, answer)| {
        let node = &guide.nodes[answer.node];
        let question = node.title.get(lang);
        let href = app.href(Link::to_step(guide, &props.walk.rewind_to(i)));
        html! {
            <div class="answer">
                <dt>{ question }</dt>
                <dd>
                    <span>{ node.options[answer.option].label.get(lang) }</span>
                    <a {href} class="change">
                        { t.change }
                        <span class="visually-hidden">{ " " }{ t.change_hidden.replace("{question}", question) }</span>
                    </a>
                </dd>
            </div>
        }
    });
    html! {
        <section class="answers" aria-labelledby="answers-title">
            <h2 id="answers-title">{ t.your_answers }</h2>
            <dl>{ for rows }</dl>
        </section>
    }
}
