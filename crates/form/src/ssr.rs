//! The form drawn by the server (feature `ssr`), with the same components the module runs: for a
//! page without JavaScript, an escalation's form that posts to the server, the same form again
//! with the contract's messages, the receipt of a complaint filed that way, and "check my
//! complaint" posting its ticket and digits to the server (answered with what it found). The
//! server inlines `form.css` into those pages' heads itself.

use std::rc::Rc;

use jmo_contract::{ComplaintReceipt, EscalationContext, Language};
use yew::prelude::*;

use crate::components::{CheckScreen, CheckStart, ComplaintForm, Post, Receipt, Start};
use crate::draft::{Draft, Problem};
use crate::texts::texts;

/// What the server knows of a form posted without JavaScript and refused.
#[derive(Clone, PartialEq)]
pub struct Refused {
    pub draft: Draft,
    pub problems: Vec<Problem>,
}

#[derive(Properties, PartialEq)]
struct FormProps {
    lang: Language,
    context: String,
    action: String,
    key: String,
    refused: Option<Refused>,
}

#[function_component]
fn ServerForm(props: &FormProps) -> Html {
    let start = match props.refused.clone() {
        Some(r) => Start { draft: Some(r.draft), problems: r.problems, ..Start::default() },
        None => Start::default(),
    };
    let post = Post { action: props.action.clone().into(), key: props.key.clone().into() };
    html! {
        <ContextProvider<Language> context={props.lang}>
            <ComplaintForm ctx={Rc::new(EscalationContext::decode(&props.context))} {start} {post} />
        </ContextProvider<Language>>
    }
}

/// An escalation's complaint form posting to `action` (the escalation's address) with `key`; with
/// what was typed and the problems found when it was `refused`.
pub async fn form(context: &str, lang: Language, action: String, key: String, refused: Option<Refused>) -> String {
    let props = FormProps { lang, context: context.to_owned(), action, key, refused };
    yew::ServerRenderer::<ServerForm>::with_props(move || props).hydratable(false).render().await
}

#[derive(Properties, PartialEq)]
struct ReceiptPageProps {
    lang: Language,
    receipt: Option<ComplaintReceipt>,
}

#[function_component]
fn ReceiptPage(props: &ReceiptPageProps) -> Html {
    let t = texts(props.lang);
    let Some(receipt) = &props.receipt else {
        return html! {
            <section class="complaint-status" aria-labelledby="screen-title">
                <h1 id="screen-title" tabindex="-1">{ t.receipt_missing_heading }</h1>
                <p>{ crate::texts::fill(t.receipt_missing, "days", &RECEIPT_DAYS.to_string()) }</p>
                <p class="actions"><a class="button" href={format!("/check?lang={}", props.lang.as_str())}>{ t.check_link }</a></p>
            </section>
        };
    };
    html! {
        <ContextProvider<Language> context={props.lang}>
            <section class="complaint-status" data-complaint-state="delivered" aria-labelledby="screen-title">
                <h1 id="screen-title" tabindex="-1">{ t.status_delivered }</h1>
                <Receipt ticket={receipt.ticket.clone()} due={receipt.response_due_at.clone()} />
            </section>
        </ContextProvider<Language>>
    }
}

/// How many days a receipt page shows its complaint after it was filed.
pub const RECEIPT_DAYS: i64 = 7;

/// The receipt of a complaint filed without JavaScript (`None`: the link is wrong or too old).
pub async fn receipt(lang: Language, receipt: Option<ComplaintReceipt>) -> String {
    yew::ServerRenderer::<ReceiptPage>::with_props(move || ReceiptPageProps { lang, receipt }).hydratable(false).render().await
}

#[derive(Properties, PartialEq)]
struct CheckPageProps {
    lang: Language,
    action: String,
    start: CheckStart,
}

#[function_component]
fn CheckPage(props: &CheckPageProps) -> Html {
    html! {
        <ContextProvider<Language> context={props.lang}>
            <CheckScreen post={AttrValue::from(props.action.clone())} start={props.start.clone()} />
        </ContextProvider<Language>>
    }
}

/// "Check my complaint" posting to `action` (its own address), starting from `start`: empty, or
/// what was posted and what the lookup found.
pub async fn check(lang: Language, action: String, start: CheckStart) -> String {
    yew::ServerRenderer::<CheckPage>::with_props(move || CheckPageProps { lang, action, start }).hydratable(false).render().await
}
