use jmo_contract::{ComplaintStatus, Language, TicketStatus};
use jmo_outbox::State;
use yew::prelude::*;

use super::delivery_status::local_time;
use super::fields::label_text;
use crate::api::{self, LookupError};
use crate::delivery;
use crate::hooks::use_lang;
use crate::texts::texts;

/// Where a lookup stands.
#[derive(Clone, PartialEq, Default, Debug)]
pub enum Lookup {
    #[default]
    Idle,
    Checking,
    Found(TicketStatus),
    Failed(LookupError),
}

impl Lookup {
    /// What the result shows, as `data-lookup` (`found`, or the error's code) and, when found,
    /// the status as JSON in `data-status`: the module takes both over from the server's page.
    fn data(&self) -> (Option<String>, Option<String>) {
        match self {
            Lookup::Idle | Lookup::Checking => (None, None),
            Lookup::Found(status) => (Some("found".into()), serde_json::to_string(status).ok()),
            Lookup::Failed(e) => (Some(e.code().to_owned()), None),
        }
    }

    /// The lookup a page's `data-lookup` and `data-status` describe (see [`Lookup::data`]).
    pub fn from_data(lookup: Option<&str>, status: Option<&str>) -> Lookup {
        match lookup {
            None | Some("") => Lookup::Idle,
            Some("found") => status.and_then(|s| serde_json::from_str(s).ok()).map_or(Lookup::Idle, Lookup::Found),
            Some(code) => Lookup::Failed(LookupError::from_code(code)),
        }
    }
}

/// What the check screen starts from: this device's last delivered complaint (the default), or
/// what the server found for the form posted without JavaScript (`jmo_form::ssr::check`), which
/// the module takes over with the page (`page::server_check`).
#[derive(Clone, PartialEq, Default, Debug)]
pub struct CheckStart {
    pub ticket: String,
    pub last4: String,
    pub lookup: Lookup,
}

#[derive(Properties, PartialEq, Default)]
pub struct CheckProps {
    /// Drawn by the server for a page without JavaScript: a plain form posted to this address.
    #[prop_or_default]
    pub post: Option<AttrValue>,
    #[prop_or_default]
    pub start: Option<CheckStart>,
}

/// "Check my complaint": the status of a ticket, found by its number and the last 4 digits of
/// the phone given with it. Prefilled from the last complaint delivered from this device.
#[function_component]
pub fn CheckScreen(props: &CheckProps) -> Html {
    let lang = use_lang();
    let t = texts(lang);
    let start = use_memo((), |_| props.start.clone().unwrap_or_else(|| {
        let (ticket, last4) = last_delivered().unwrap_or_default();
        CheckStart { ticket, last4, lookup: Lookup::Idle }
    }));
    let ticket = use_state(|| start.ticket.clone());
    let last4 = use_state(|| start.last4.clone());
    let lookup = use_state(|| start.lookup.clone());
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
    let found_as = lookup.data();
    let result = match &*lookup {
        Lookup::Idle => Html::default(),
        Lookup::Checking => html! { <p>{ t.checking }</p> },
        Lookup::Found(status) => found(lang, status),
        Lookup::Failed(e) => {
            let text = match e {
                LookupError::NotFound => t.check_not_found,
                LookupError::RateLimited => t.check_rate_limited,
                LookupError::Other(code) if code == jmo_contract::codes::INVALID_FORMAT => t.check_last4_invalid,
                _ => t.check_network,
            };
            html! { <p class="notice">{ text }</p> }
        }
    };
    html! {
        <section class="check">
            <h1 id="screen-title" tabindex="-1">{ t.check_heading }</h1>
            <p class="lead">{ t.check_intro }</p>
            <form id="check-form" novalidate=true method={props.post.as_ref().map(|_| "post")} action={props.post.clone()} {onsubmit}>
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
            <div id="check-result" role="status" data-lookup={found_as.0} data-status={found_as.1}>{ result }</div>
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
