use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::{Guide, NodeKind};
use yew::prelude::*;

use crate::state::{GuideRef, Kept};

use super::{answers, contact, options, outcome, progress, CopyButton, DateForm};
use crate::browser;
use crate::content::steps_text;
use crate::state::State;

/// One step of a guide: where you are, the question or instructions, the answers so far.
pub fn step_page(app: &State, guide: GuideRef, walk: &Walk, changed: bool) -> Html {
    let t = steps_text(app.lang);
    let lang = app.lang;
    let guide: &'static Guide = guide.0;
    let node = walk.current_node(guide);

    let main_part = match node.kind {
        NodeKind::Question | NodeKind::Step => options(app, &t, guide, walk),
        NodeKind::Date => html! {
            <DateForm guide={Kept(guide)} walk={walk.clone()} lang={app.lang} embed={app.embed} today={app.today}
                action={app.href(Link::to_step(guide, walk))} refused={app.refused_date.clone()} />
        },
        NodeKind::Resolved | NodeKind::Escalate(_) => outcome(app, &t, guide, walk),
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
    // Without a language: whoever opens it sees their own.
    let share = Link::to_step(guide, walk).encode();
    // What follows from a date entered at the question before, on this page only (the server
    // never sees the date).
    let from_the_date = super::date_form::entered_before(guide, walk)
        .and_then(|date| walk.date_text(crate::content::common(lang)?, guide, date, app.today, lang));

    html! {
        <section class="screen step" aria-labelledby="screen-title">
            { progress(app, &t, guide, walk) }
            if changed {
                <p class="notice" role="status">{ t.guide_changed }</p>
            }
            <h1 id="screen-title" tabindex="-1">{ node.title.get(lang) }</h1>
            if let Some(text) = &from_the_date {
                <p class="notice date-result">{ text.clone() }</p>
            }
            { for node.body.paragraphs(lang).map(|p| html! { <p>{ p }</p> }) }
            if !node.steps.is_empty() {
                if node.kind == NodeKind::Step {
                    <p class="steps-intro">{ t.try_these_steps }</p>
                }
                <ol class="steps">{ for node.steps.iter().map(|s| html! { <li>{ s.get(lang) }</li> }) }</ol>
            }
            { main_part }
            { contact(app, &t, node) }
            if !walk.is_at_start() {
                { answers(app, &t, guide, walk) }
            }
            // Not a second landmark: the breadcrumb above is the page's one "where you are" nav.
            <div class="actions">
                { for back }
                <a class="button" href={app.href(Link::start())}>{ t.start_again }</a>
                <CopyButton text={AttrValue::from(share)} address=true label={t.copy_link} done={t.link_copied} lang={app.lang} />
            </div>
        </section>
    }
}
