use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::Guide;
use jmo_guide::NodeKind;
use yew::prelude::*;


use crate::content::Steps;
use crate::state::State;

/// The answers of a question or step, each a link to the step it leads to.
pub fn options(app: &State, t: &Steps, guide: &'static Guide, walk: &Walk) -> Html {
    let node = walk.current_node(guide);
    let items = node.options.iter().enumerate().filter_map(|(i, option)| {
        let next = walk.choose_index(guide, i).ok()?;
        let href = app.href(Link::to_step(guide, &next));
        Some(html! {
            <li><a class="choice" {href} data-option={option.id.to_string()}>
                <span class="choice-label">{ option.label.get(app.lang) }</span>
            </a></li>
        })
    });
    let heading = if node.kind == NodeKind::Step { t.did_it_work } else { t.choose_answer };
    html! {
        <div class="options">
            // Literal classes: a computed `class={…}` goes through `Classes`, a hash set.
            if node.kind == NodeKind::Step {
                <h2 id="options-title">{ heading }</h2>
            } else {
                <h2 id="options-title" class="visually-hidden">{ heading }</h2>
            }
            <ul class="choices" aria-labelledby="options-title">{ for items }</ul>
        </div>
    }
}
