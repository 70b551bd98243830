use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::NodeKind;
use yew::prelude::*;

use crate::state::GuideRef;

use super::{Answers, Contact, CopyButton, DateForm, Options, Outcome, Progress};
use crate::browser;
use crate::hooks::{use_app, use_ui};

#[derive(Properties, PartialEq)]
pub struct StepPageProps {
    pub guide: GuideRef,
    pub walk: Walk,
    pub changed: bool,
}

/// One step of a guide: where you are, the question or instructions, the answers so far.
#[function_component]
pub fn StepPage(props: &StepPageProps) -> Html {
    let app = use_app();
    let t = use_ui();
    let lang = app.lang;
    let guide = props.guide.0;
    let walk = &props.walk;
    let node = walk.current_node(guide);

    let main_part = match node.kind {
        NodeKind::Question | NodeKind::Step => html! { <Options guide={props.guide} walk={walk.clone()} /> },
        NodeKind::Date => html! { <DateForm guide={props.guide} walk={walk.clone()} /> },
        NodeKind::Resolved | NodeKind::Escalate(_) => html! { <Outcome guide={props.guide} walk={walk.clone()} /> },
    };
    let back = (!walk.is_at_start()).then(|| {
        let href = app.href(Link::to_step(guide, &walk.back()));
        let onclick = {
            let use_history = app.came_from(&href);
            Callback::from(move |e: MouseEvent| {
                // Returning to the entry we came from keeps browser history tidy.
                if use_history {
                    e.prevent_default();
                    browser::history_back();
                }
            })
        };
        html! { <a class="button" {href} {onclick}>{ "← " }{ t.back }</a> }
    });
    let share = format!("{}{}", browser::page_url(), Link::to_step(guide, walk).encode());

    html! {
        <section class="screen step" aria-labelledby="screen-title">
            <Progress guide={props.guide} walk={walk.clone()} />
            if props.changed {
                <p class="notice" role="status">{ t.guide_changed }</p>
            }
            <h1 id="screen-title" tabindex="-1">{ node.title.get(lang) }</h1>
            { for node.body.paragraphs(lang).map(|p| html! { <p>{ p }</p> }) }
            if !node.steps.is_empty() {
                if node.kind == NodeKind::Step {
                    <p class="steps-intro">{ t.try_these_steps }</p>
                }
                <ol class="steps">{ for node.steps.iter().map(|s| html! { <li>{ s.get(lang) }</li> }) }</ol>
            }
            { main_part }
            <Contact links={node.links.clone()} channels={node.channels.clone()} />
            if !walk.is_at_start() {
                <Answers guide={props.guide} walk={walk.clone()} />
            }
            <nav class="actions" aria-label={t.progress_label}>
                { for back }
                <a class="button" href={app.href(Link::start())}>{ t.start_again }</a>
                <CopyButton text={AttrValue::from(share)} label={t.copy_link} done={t.link_copied} />
            </nav>
        </section>
    }
}
