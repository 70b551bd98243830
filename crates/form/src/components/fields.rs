//! The markup every field shares: label, hint, error and the ARIA that ties them together.

use jmo_contract::Language;
use yew::prelude::*;

use crate::draft::{Field, Problem};
use crate::texts::{error_text, texts};

/// How a text input is set up for phones (keyboard, autofill).
#[derive(Clone, Copy, Default)]
pub struct InputKind {
    pub input_type: &'static str,
    pub inputmode: Option<&'static str>,
    pub autocomplete: &'static str,
    pub required: bool,
    pub max_length: Option<u32>,
}

pub fn label_text(lang: Language, label: &str, required: bool) -> Html {
    let t = texts(lang);
    html! { <>{ label }{ " " }<span class="mark">{ if required { t.required_mark } else { t.optional_mark } }</span></> }
}

/// The field's error message, if it was refused.
pub fn field_error(lang: Language, field: Field, problem: Option<&Problem>) -> Html {
    match problem {
        Some(p) => html! {
            <p class="field-error" id={format!("{}-error", field.dom_id())}>{ error_text(lang, &p.path, &p.code) }</p>
        },
        None => Html::default(),
    }
}

/// `aria-describedby` for a field: its hint and its error.
pub fn described_by(field: Field, hint: bool, problem: Option<&Problem>) -> Option<AttrValue> {
    let id = field.dom_id();
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if problem.is_some() {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" ").into())
}

#[allow(clippy::too_many_arguments)]
pub fn text_field(
    lang: Language,
    field: Field,
    label: &str,
    hint: Option<&str>,
    value: &str,
    problem: Option<&Problem>,
    kind: InputKind,
    on_input: Callback<(Field, String)>,
) -> Html {
    let id = field.dom_id();
    let oninput = Callback::from(move |e: InputEvent| {
        if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            on_input.emit((field, input.value()));
        }
    });
    let class = if problem.is_some() { "field field-invalid" } else { "field" };
    html! {
        <div {class}>
            <label for={id}>{ label_text(lang, label, kind.required) }</label>
            if let Some(hint) = hint { <p class="hint" id={format!("{id}-hint")}>{ hint }</p> }
            { field_error(lang, field, problem) }
            <input
                {id}
                name={id}
                type={kind.input_type}
                inputmode={kind.inputmode}
                autocomplete={kind.autocomplete}
                maxlength={kind.max_length.map(|m| m.to_string())}
                value={value.to_owned()}
                aria-required={kind.required.then_some("true")}
                aria-invalid={problem.is_some().then_some("true")}
                aria-describedby={described_by(field, hint.is_some(), problem)}
                {oninput}
            />
        </div>
    }
}

/// The list of problems at the top of the form, each a link to its field.
pub fn error_summary(lang: Language, problems: &[Problem], node: &NodeRef) -> Html {
    if problems.is_empty() {
        return Html::default();
    }
    let t = texts(lang);
    let item = |p: &Problem| {
        // A problem of the request as a whole says what it can (too many tries, the server
        // busy), else that it could not be sent.
        let text = match p.field {
            Some(_) => error_text(lang, &p.path, &p.code),
            None if crate::texts::error_texts("", &p.code).is_some() => error_text(lang, "", &p.code),
            None => t.problem_request,
        };
        match p.field {
            Some(field) => {
                let target = field.dom_id();
                // A plain `#field-x` link would be taken for a step link by the guide widget.
                let onclick = Callback::from(move |e: MouseEvent| {
                    e.prevent_default();
                    focus(target);
                });
                html! { <li><a href={format!("#{target}")} {onclick}>{ text }</a></li> }
            }
            None => html! { <li>{ text }</li> },
        }
    };
    html! {
        <div class="error-summary" id="error-summary" tabindex="-1" ref={node.clone()} aria-labelledby="error-summary-title">
            <h2 id="error-summary-title">{ t.error_summary_title }</h2>
            <ul>{ for problems.iter().map(item) }</ul>
        </div>
    }
}

/// Moves focus to an element by id and scrolls it into view.
pub fn focus(id: &str) {
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(element) = element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
        let _ = element.focus();
        element.scroll_into_view();
    }
}
