use std::rc::Rc;

use jmo_contract::{EscalationContext, Language};
use yew::prelude::*;

use super::fields::{described_by, error_summary, field_error, focus, label_text, text_field, InputKind};
use super::{DeliveryStatus, DisruptionNotice, Images};
use crate::delivery;
use crate::draft::{check, in_page_order, Draft, Field, Problem};
use crate::hooks::use_lang;
use crate::state::{Action, FormState};
use crate::texts::texts;

/// How the form starts: empty, or a refused complaint to correct.
#[derive(Clone, PartialEq, Default)]
pub struct Start {
    pub draft: Option<Draft>,
    pub problems: Vec<Problem>,
    /// The outbox id of the refused complaint this one replaces.
    pub replacing: Option<String>,
    /// The field focused when the form starts (the one focused in the form the server drew).
    pub focus: Option<String>,
    /// Photos chosen in the form the server drew before this module arrived: added as if chosen
    /// here (made smaller and uploaded).
    pub files: Vec<web_sys::File>,
}

/// Where the form posts when the page has no JavaScript (drawn by the server): the escalation's
/// own address, and the key that files the complaint once however often it is sent.
#[derive(Clone, PartialEq)]
pub struct Post {
    pub action: AttrValue,
    pub key: AttrValue,
}

/// The name of the idempotency key's hidden field in a posted form.
pub const KEY_FIELD: &str = "complaint_key";

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Rc<EscalationContext>,
    #[prop_or_default]
    pub start: Start,
    #[prop_or_default]
    pub post: Option<Post>,
}

/// The complaint form of an escalation: the participant's details, checked with the contract,
/// then handed to the outbox; after that it shows where the complaint is.
#[function_component]
pub fn ComplaintForm(props: &Props) -> Html {
    let lang = use_lang();
    let state = {
        let start = props.start.clone();
        use_reducer(move || FormState::new(start.draft.unwrap_or_else(Draft::fresh), start.problems, start.replacing))
    };
    {
        // The hosting app's prefill, now and whenever its context arrives later.
        let state = state.dispatcher();
        use_effect_with((), move |_| {
            let prefill = move || {
                let host = crate::host::context();
                state.dispatch(Action::Prefill { name: host.name, kpj: host.kpj });
            };
            prefill();
            let listener = web_sys::window().map(|w| gloo_events::EventListener::new(&w, "jmo-context", move |_| prefill()));
            move || drop(listener)
        });
    }
    {
        let focus = props.start.focus.clone();
        use_effect_with((), move |_| {
            let field = focus.and_then(|id| web_sys::window()?.document()?.get_element_by_id(&id));
            if let Some(field) = field.and_then(|f| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(f).ok()) {
                let _ = field.focus();
            }
        });
    }
    {
        let (files, state) = (props.start.files.clone(), state.clone());
        use_effect_with((), move |_| super::images::add_all(&state, files));
    }
    let summary = use_node_ref();
    {
        // After a refused attempt, focus goes to the error summary (read out by screen readers).
        let summary = summary.clone();
        use_effect_with(state.attempts, move |attempts| {
            if *attempts > 0 {
                if let Some(el) = summary.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    use_effect_with(state.submitted.clone(), |submitted| {
        // This form now shows the complaint: the page's list of complaints leaves it out.
        if let Some(id) = submitted {
            crate::shown::set_shown(id, true);
            focus("complaint-status");
        }
        let id = submitted.clone();
        move || {
            if let Some(id) = id {
                crate::shown::set_shown(&id, false);
            }
        }
    });

    if let Some(id) = &state.submitted {
        return html! { <DeliveryStatus id={id.clone()} /> };
    }

    let t = texts(lang);
    let ctx = &props.ctx;
    let on_input = {
        let state = state.dispatcher();
        Callback::from(move |(field, value): (Field, String)| state.dispatch(Action::Set(field, value)))
    };
    let onsubmit = {
        let state = state.clone();
        let ctx = ctx.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit(&state, &ctx, lang);
        })
    };
    let draft = &state.draft;
    let post = props.post.as_ref();
    let field = |f: Field, label: &str, hint: Option<&str>, kind: InputKind| {
        text_field(lang, f, label, hint, draft.value(f), state.problem(f), kind, on_input.clone())
    };
    let numeric = |digits: u32, required: bool| InputKind {
        input_type: "text",
        inputmode: Some("numeric"),
        autocomplete: "off",
        required,
        // Room for spaces typed between groups of digits.
        max_length: Some(digits + 8),
    };
    let kpj_fields = if ctx.asks_both_kpj() {
        html! {
            <>
                { field(Field::KpjCard, t.label_kpj_card, Some(t.hint_kpj), numeric(11, true)) }
                { field(Field::KpjApp, t.label_kpj_app, Some(t.hint_kpj_app), numeric(11, true)) }
            </>
        }
    } else {
        field(Field::KpjCard, t.label_kpj, Some(t.hint_kpj), numeric(11, false))
    };

    html! {
        <section class="complaint" aria-labelledby="complaint-title">
            <h2 id="complaint-title">{ t.form_heading }</h2>
            <DisruptionNotice category={ctx.category.as_str()} />
            <p class="hint">{ t.form_intro }</p>
            { error_summary(lang, &state.problems, &summary) }
            <form id="complaint-form" novalidate=true {onsubmit} method={post.map(|_| "post")} action={post.map(|p| p.action.clone())}
                enctype={post.map(|_| "multipart/form-data")} data-problems={problems_attr(&state.problems)}>
                if let Some(post) = post { <input type="hidden" name={KEY_FIELD} value={post.key.clone()} /> }
                <fieldset>
                    <legend>{ t.about_you }</legend>
                    { field(Field::Name, t.label_name, None, InputKind { input_type: "text", autocomplete: "name", required: true, max_length: Some(100), ..InputKind::default() }) }
                    { field(Field::Nik, t.label_nik, Some(t.hint_nik), numeric(16, true)) }
                    { kpj_fields }
                </fieldset>
                <fieldset>
                    <legend>{ t.contact_heading }</legend>
                    { field(Field::Phone, t.label_phone, Some(t.hint_phone), InputKind { input_type: "tel", inputmode: Some("tel"), autocomplete: "tel", required: true, max_length: Some(24) }) }
                    { reply_channel(lang, &state, &on_input) }
                    { field(Field::Email, t.label_email, Some(t.hint_email), InputKind { input_type: "email", inputmode: Some("email"), autocomplete: "email", required: draft.reply_channel == "email", max_length: Some(254) }) }
                </fieldset>
                <fieldset>
                    <legend>{ t.problem_heading }</legend>
                    { description(lang, &state, &on_input) }
                    { field(Field::IncidentAt, t.label_incident_at, None, InputKind { input_type: "datetime-local", autocomplete: "off", ..InputKind::default() }) }
                    <Images state={state.clone()} />
                </fieldset>
                { consent(lang, &state, &on_input) }
                <button type="submit" class="button primary" id="complaint-submit">{ t.submit }</button>
            </form>
        </section>
    }
}

/// The problems shown, as `path=code` words, for the module to carry over when it takes the
/// place of the form the server drew.
fn problems_attr(problems: &[Problem]) -> Option<String> {
    (!problems.is_empty()).then(|| problems.iter().map(|p| format!("{}={}", p.path, p.code)).collect::<Vec<_>>().join(" "))
}

fn reply_channel(lang: Language, state: &FormState, on_input: &Callback<(Field, String)>) -> Html {
    let t = texts(lang);
    let problem = state.problem(Field::ReplyChannel);
    let option = |value: &'static str, label: &'static str, first: bool| {
        let on_input = on_input.clone();
        let onchange = Callback::from(move |_: Event| on_input.emit((Field::ReplyChannel, value.to_owned())));
        // The first radio carries the field's id, so the error summary can link to the group.
        let id = if first { Field::ReplyChannel.dom_id().to_owned() } else { format!("{}-{value}", Field::ReplyChannel.dom_id()) };
        html! {
            <label class="radio" for={id.clone()}>
                <input type="radio" {id} name="reply_channel" {value} checked={state.draft.reply_channel == value} {onchange} />
                { label }
            </label>
        }
    };
    let class = if problem.is_some() { "field field-invalid" } else { "field" };
    html! {
        <fieldset {class} aria-describedby={described_by(Field::ReplyChannel, false, problem)}>
            <legend>{ label_text(lang, t.label_reply_channel, true) }</legend>
            { field_error(lang, Field::ReplyChannel, problem) }
            { option("whatsapp", t.channel_whatsapp, true) }
            { option("email", t.channel_email, false) }
            { option("phone", t.channel_phone, false) }
        </fieldset>
    }
}

fn description(lang: Language, state: &FormState, on_input: &Callback<(Field, String)>) -> Html {
    let t = texts(lang);
    let field = Field::Description;
    let problem = state.problem(field);
    let on_input = on_input.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
            on_input.emit((field, area.value()));
        }
    });
    let class = if problem.is_some() { "field field-invalid" } else { "field" };
    html! {
        <div {class}>
            <label for={field.dom_id()}>{ label_text(lang, t.label_description, true) }</label>
            <p class="hint" id={format!("{}-hint", field.dom_id())}>{ t.hint_description }</p>
            { field_error(lang, field, problem) }
            <textarea
                id={field.dom_id()}
                name={field.dom_id()}
                rows="5"
                maxlength="4000"
                value={state.draft.description.clone()}
                aria-required="true"
                aria-invalid={problem.is_some().then_some("true")}
                aria-describedby={described_by(field, true, problem)}
                {oninput}
            />
        </div>
    }
}

fn consent(lang: Language, state: &FormState, on_input: &Callback<(Field, String)>) -> Html {
    let t = texts(lang);
    let field = Field::Consent;
    let problem = state.problem(field);
    let on_input = on_input.clone();
    let onchange = Callback::from(move |e: Event| {
        if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            on_input.emit((field, input.checked().to_string()));
        }
    });
    let class = if problem.is_some() { "consent field-invalid" } else { "consent" };
    html! {
        <fieldset {class}>
            <legend>{ t.consent_heading }</legend>
            <p class="hint" id={format!("{}-hint", field.dom_id())}>{ t.consent_note }</p>
            { field_error(lang, field, problem) }
            <label class="checkbox" for={field.dom_id()}>
                <input
                    type="checkbox"
                    id={field.dom_id()}
                    name={field.dom_id()}
                    checked={state.draft.consent}
                    aria-required="true"
                    aria-invalid={problem.is_some().then_some("true")}
                    aria-describedby={described_by(field, true, problem)}
                    {onchange}
                />
                { t.label_consent }
            </label>
        </fieldset>
    }
}

/// Checks the draft with the contract; if it passes, it goes into the outbox (saved on the device
/// before anything is sent) and the form gives way to the delivery status.
fn submit(state: &UseReducerHandle<FormState>, ctx: &EscalationContext, lang: Language) {
    let Some(attachments) = state.attachment_ids() else {
        let waiting = Problem { field: Some(Field::Attachments), path: "attachments".into(), code: "images_pending".into() };
        state.dispatch(Action::Refused(vec![waiting]));
        return;
    };
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    let mut request = state.draft.request(ctx, attachments, lang, offset);
    if let Some(platform) = crate::host::context().platform {
        request.client.embedding = Some(platform);
    }
    let now = (js_sys::Date::now() / 1000.0) as i64;
    match check(&request, now) {
        Err(problems) => state.dispatch(Action::Refused(in_page_order(problems))),
        Ok(last4) => {
            let Ok(body) = serde_json::to_string(&request) else { return };
            if let Some(old) = &state.replacing {
                delivery::forget(old);
            }
            let id = match delivery::submit(body, last4) {
                Ok(id) => id,
                Err(not_saved) => not_saved.id,
            };
            state.dispatch(Action::Submitted(id));
        }
    }
}
