use jmo_guide::walk::Walk;
use jmo_guide::Guide;
use jmo_guide::{Category, NodeKind, Urgency};
use jmo_contract::EscalationContext;
use jmo_guide::link::Link;
use yew::prelude::*;

use super::{CopyButton, FormSlot};
use crate::content::{attachment_name, category_name, ui, urgency_name, Steps, HEAD};
use crate::state::State;

/// The end of a guide: solved, or passed on to an officer with a summary of what was tried.
pub fn outcome(app: &State, t: &Steps, guide: &'static Guide, walk: &Walk) -> Html {
    let node = walk.current_node(guide);
    let NodeKind::Escalate(escalation) = &node.kind else {
        return html! { <p class="badge resolved">{ t.resolved_badge }</p> };
    };
    let lang = app.lang;
    let category = escalation.category.map(|c| category_name(t, c)).unwrap_or_default();
    let urgency = urgency_name(t, escalation.urgency);
    let tried: Vec<(String, String)> = walk
        .answers()
        .iter()
        .map(|a| {
            let asked = &guide.nodes[a.node];
            (asked.title.get(lang).to_owned(), asked.options[a.option].label.get(lang).to_owned())
        })
        .collect();
    let reference = format!("{}/{} · {}", guide.id, node.id, HEAD.version);
    let summary = summary_text(t, ui(lang).app_name, category, urgency, &tried, &reference);
    let context = escalation_context(guide, walk);

    html! {
        <>
            <p class="badge escalate">{ t.escalate_badge }</p>
            if !escalation.attachments.is_empty() {
                <section class="attachments" aria-labelledby="attachments-title">
                    <h2 id="attachments-title">{ t.attachments_heading }</h2>
                    <ul>{ for escalation.attachments.iter().map(|&k| html! { <li>{ attachment_name(t, k) }</li> }) }</ul>
                </section>
            }
            <section class="summary" aria-labelledby="summary-title">
                <h2 id="summary-title">{ t.what_we_send }</h2>
                <p class="hint">{ t.what_we_send_note }</p>
                <dl>
                    <dt>{ t.summary_category }</dt><dd>{ category }</dd>
                    <dt>{ t.summary_urgency }</dt><dd>{ urgency }</dd>
                    if !tried.is_empty() {
                        <dt>{ t.summary_tried }</dt>
                        <dd><ul>{ for tried.iter().map(|(q, a)| html! { <li>{ q }{ " — " }<strong>{ a }</strong></li> }) }</ul></dd>
                    }
                    <dt>{ t.summary_reference }</dt><dd><code>{ reference }</code></dd>
                </dl>
                <CopyButton text={AttrValue::from(summary)} label={t.copy_summary} done={t.summary_copied} lang={lang} />
            </section>
            <FormSlot kind="form" {context} {lang} loading={t.form_loading} failed={t.form_failed} retry={ui(lang).retry} />
        </>
    }
}

/// What the complaint form of an escalation is given: the contract's [`EscalationContext`],
/// written from the step's link (ids only, never anything typed). The widget hands it to the
/// form module; the server draws the form with it for a page without JavaScript.
pub fn escalation_context(guide: &Guide, walk: &Walk) -> String {
    let (category, urgency) = match &walk.current_node(guide).kind {
        NodeKind::Escalate(e) => (e.category.unwrap_or(Category::Other), e.urgency),
        _ => (Category::Other, Urgency::Normal),
    };
    EscalationContext::encode_at(&Link::to_step(guide, walk).encode(), &HEAD.version, category, urgency)
}

/// The summary as plain text, for pasting into WhatsApp or an email to the agency.
fn summary_text(t: &Steps, app_name: &str, category: &str, urgency: &str, tried: &[(String, String)], reference: &str) -> String {
    let mut text = format!("{app_name}\n{}: {category}\n{}: {urgency}\n", t.summary_category, t.summary_urgency);
    if !tried.is_empty() {
        text += &format!("{}:\n", t.summary_tried);
        for (question, answer) in tried {
            text += &format!("- {question} — {answer}\n");
        }
    }
    text + &format!("{}: {reference}\n", t.summary_reference)
}
