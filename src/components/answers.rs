use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::Guide;
use yew::prelude::*;


use crate::content::Steps;
use crate::state::State;

/// "Your answers": each earlier question, the chosen answer, and a link to change it.
pub fn answers(app: &State, t: &Steps, guide: &'static Guide, walk: &Walk) -> Html {
    let lang = app.lang;
    let rows = walk.answers().iter().enumerate().map(|(i, answer)| {
        let node = &guide.nodes[answer.node];
        let question = node.title.get(lang);
        let href = app.href(Link::to_step(guide, &walk.rewind_to(i)));
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
