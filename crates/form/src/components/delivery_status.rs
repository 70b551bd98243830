use jmo_contract::Language;
use jmo_outbox::Progress;
use yew::prelude::*;

use crate::delivery;
use crate::draft::{in_page_order, Problem};
use crate::hooks::{use_lang, use_outbox};
use crate::texts::{error_text, fill, texts};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The complaint's outbox id.
    pub id: AttrValue,
    /// "Correct the complaint" was pressed on a refused one.
    #[prop_or_default]
    pub on_fix: Option<Callback<String>>,
}

/// Where one complaint is: sending, waiting (with "you can close this page"), delivered with its
/// ticket and due time, or refused with the reasons and a way to correct it.
#[function_component]
pub fn DeliveryStatus(props: &Props) -> Html {
    let lang = use_lang();
    let entries = use_outbox();
    let Some(entry) = entries.into_iter().find(|e| *e.id == *props.id) else {
        return Html::default();
    };
    let t = texts(lang);
    let id = entry.id.clone();
    let retry = Callback::from({
        let id = id.clone();
        move |_: MouseEvent| delivery::retry_now(&id)
    });
    let forget = Callback::from({
        let id = id.clone();
        move |_: MouseEvent| delivery::forget(&id)
    });
    let (state, heading, body) = match entry.progress() {
        Progress::Sending => ("sending", t.status_sending, Html::default()),
        Progress::WaitingForConnection { .. } => ("waiting", t.status_waiting_connection, waiting(lang, retry)),
        Progress::WaitingForServer { .. } => ("waiting", t.status_waiting_server, waiting(lang, retry)),
        Progress::Delivered(receipt) => {
            let body = html! {
                <Receipt ticket={receipt.ticket.clone()} due={receipt.response_due_at.clone()}>
                    <button type="button" class="button" onclick={forget}>{ t.status_forget }</button>
                </Receipt>
            };
            ("delivered", t.status_delivered, body)
        }
        Progress::Rejected(rejection) => {
            let problems = in_page_order(
                rejection
                    .problems
                    .iter()
                    .map(Problem::from_item)
                    .collect(),
            );
            let fix = props.on_fix.clone().map(|on_fix| {
                let id = id.clone();
                Callback::from(move |_: MouseEvent| on_fix.emit(id.clone()))
            });
            let body = html! {
                <>
                    <p>{ t.status_rejected_note }</p>
                    <ul>{ for problems.iter().map(|p| html! {
                        <li>{ if p.field.is_some() { error_text(lang, &p.path, &p.code) } else { t.problem_request } }</li>
                    }) }</ul>
                    <p class="actions">
                        if let Some(onclick) = fix { <button type="button" class="button primary" {onclick}>{ t.status_fix }</button> }
                        <button type="button" class="button" onclick={forget}>{ t.status_discard }</button>
                    </p>
                </>
            };
            ("rejected", t.status_rejected, body)
        }
    };
    html! {
        <section class="complaint-status" data-complaint-state={state} aria-labelledby={format!("status-{}", entry.id)}>
            <h2 id={format!("status-{}", entry.id)} class="visually-hidden">{ t.status_heading }</h2>
            <p role="status" class="status-line">
                <strong id="complaint-status" tabindex="-1">{ heading }</strong>
            </p>
            if delivery::unsaved() && !entry.is_settled() { <p class="notice">{ t.storage_unavailable }</p> }
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReceiptProps {
    pub ticket: AttrValue,
    /// When staff will reply at the latest (RFC 3339).
    pub due: AttrValue,
    /// More actions beside "check my complaint".
    #[prop_or_default]
    pub children: Html,
}

/// A delivered complaint: its ticket, when staff will reply, and the way to check it. The same
/// view in the page (after the outbox delivered it) and on the server's receipt page (a
/// complaint filed without JavaScript).
#[function_component]
pub fn Receipt(props: &ReceiptProps) -> Html {
    let lang = use_lang();
    let t = texts(lang);
    let due = fill(t.status_due, "due", &local_time(&props.due, lang));
    html! {
        <>
            <p class="ticket">{ t.status_ticket }{ ": " }<strong id="complaint-ticket">{ props.ticket.clone() }</strong></p>
            <p>{ due }</p>
            <p class="hint">{ t.status_keep_ticket }</p>
            <p class="actions">
                <a class="button" href={format!("/check?lang={}", lang.as_str())}>{ t.check_link }</a>
                { props.children.clone() }
            </p>
        </>
    }
}

fn waiting(lang: Language, retry: Callback<MouseEvent>) -> Html {
    let t = texts(lang);
    html! {
        <>
            <p>{ t.status_waiting_note }</p>
            <p class="actions"><button type="button" class="button" onclick={retry}>{ t.status_retry_now }</button></p>
        </>
    }
}

/// An RFC 3339 time, drawn by the server: in Jakarta's time (WIB), where participants are.
#[cfg(not(target_family = "wasm"))]
pub fn local_time(rfc3339: &str, lang: Language) -> String {
    let Ok(at) = jmo_contract::Timestamp::parse(rfc3339) else { return rfc3339.to_owned() };
    let wib = jmo_contract::Timestamp(at.unix() + 7 * 3600);
    let t = texts(lang);
    let date = wib.date();
    let month = t.month_names.split_whitespace().nth(usize::from(date.month) - 1).unwrap_or_default();
    let secs = wib.unix().rem_euclid(86_400);
    let filled = fill(t.time_wib, "date", &format!("{} {month} {}", date.day, date.year));
    fill(&filled, "time", &format!("{:02}.{:02}", secs / 3600, secs % 3600 / 60))
}

/// An RFC 3339 time from the server, in the device's time zone and the page's language.
#[cfg(target_family = "wasm")]
pub fn local_time(rfc3339: &str, lang: Language) -> String {
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    let locale = if lang == Language::En { "en-GB" } else { "id-ID" };
    date.to_locale_string(locale, &options).into()
}
