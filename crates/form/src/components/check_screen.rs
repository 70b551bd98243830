use jmo_contract::{ComplaintStatus, Language, TicketStatus};
use jmo_outbox::State;
use yew::prelude::*;

use super::delivery_status::local_time;
use super::fields::label_text;
use crate::api::{self, LookupError};
use crate::delivery;
use crate::hooks::use_lang;
use crate::texts::texts;

#[derive(Clone, PartialEq)]
enum Lookup {
    Idle,
    Checking,
    Found(TicketStatus),
    Failed(LookupError),
}

/// "Check my complaint": the status of a ticket, found by its number and the last 4 digits of
/// the phone given with it. Prefilled from the last complaint delivered from this device.
#[function_component]
pub fn CheckScreen() -> Html {
    let lang = use_lang();
    let t = texts(lang);
    let ticket = use_state(|| last_delivered().map(|(t, _)| t).unwrap_or_default());
    let last4 = use_state(|| last_delivered().map(|(_, l)| l).unwrap_or_default());
    let lookup = use_state(|| Lookup::Idle);
    use_effect_with((), |_| super::fields::focus("screen-title"));

    let onsubmit = {
        let (ticket, last4, lookup) = (ticket.clone(), last4.clone(), lookup.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *lookup == Lookup::Checking {
                return;
            }
            lookup.set(Lookup::Checking);
            let (number, digits, lookup) = (ticket.trim().to_ascii_uppercase(), last4.trim().to_owned(), lookup.clone());
            wasm_bindgen_futures::spawn_local(async move {
                lookup.set(match api::ticket_status(&number, &digits).await {
                    Ok(status) => Lookup::Found(status),
                    Err(e) => Lookup::Failed(e),
                });
            });
        })
    };
    let input = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                handle.set(input.value());
            }
        })
    };
    let result = match &*lookup {
        Lookup::Idle => Html::default(),
        Lookup::Checking => html! { <p>{ t.checking }</p> },
        Lookup::Found(status) => found(lang, status),
        Lookup::Failed(e) => {
            let text = match e {
                LookupError::NotFound => t.check_not_found,
                LookupError::RateLimited => t.check_rate_limited,
                _ => t.check_network,
            };
            html! { <p class="notice">{ text }</p> }
        }
    };
    html! {
        <section class="check">
            <h1 id="screen-title" tabindex="-1">{ t.check_heading }</h1>
            <p class="lead">{ t.check_intro }</p>
            <form id="check-form" novalidate=true {onsubmit}>
                <div class="field">
                    <label for="check-ticket">{ label_text(lang, t.label_ticket, true) }</label>
                    <p class="hint" id="check-ticket-hint">{ t.hint_ticket }</p>
                    <input id="check-ticket" name="ticket" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false"
                        maxlength="40" value={(*ticket).clone()} aria-required="true" aria-describedby="check-ticket-hint" oninput={input(&ticket)} />
                </div>
                <div class="field">
                    <label for="check-last4">{ label_text(lang, t.label_last4, true) }</label>
                    <input id="check-last4" name="last4" type="text" inputmode="numeric" autocomplete="off" maxlength="4"
                        value={(*last4).clone()} aria-required="true" oninput={input(&last4)} />
                </div>
                <button type="submit" class="button primary" id="check-submit">{ t.check_submit }</button>
            </form>
            <div id="check-result" role="status">{ result }</div>
        </section>
    }
}

fn found(lang: Language, status: &TicketStatus) -> Html {
    let t = texts(lang);
    let state = match status.status {
        ComplaintStatus::Received => t.state_received,
        ComplaintStatus::InProgress => t.state_in_progress,
        ComplaintStatus::Resolved => t.state_resolved,
    };
    html! {
        <dl class="check-status">
            <dt>{ t.status_ticket }</dt><dd><strong>{ status.ticket.clone() }</strong></dd>
            <dt>{ t.check_status }</dt><dd>{ state }</dd>
            <dt>{ t.check_received_at }</dt><dd>{ local_time(&status.received_at, lang) }</dd>
            <dt>{ t.check_due_at }</dt><dd>{ local_time(&status.response_due_at, lang) }</dd>
            <dt>{ t.check_updated_at }</dt><dd>{ local_time(&status.updated_at, lang) }</dd>
        </dl>
    }
}

/// The ticket and phone digits of the newest complaint delivered from this device.
fn last_delivered() -> Option<(String, String)> {
    delivery::start();
    delivery::entries().into_iter().rev().find_map(|e| match e.state {
        State::Delivered(r) => Some((r.ticket, e.phone_last4)),
        _ => None,
    })
}
