use jmo_guide::date::Date;
use jmo_guide::link::Link;
use jmo_guide::walk::{Walk, WalkError};
use jmo_guide::Lang;
use yew::prelude::*;

use crate::state::GuideRef;

use crate::browser;
use crate::content::steps_text;

#[derive(Properties, PartialEq)]
pub struct DateFormProps {
    pub guide: GuideRef,
    pub walk: Walk,
    pub lang: Lang,
    /// Keep the embed mode in the link of the next step.
    pub embed: bool,
}

/// A date question. The date only picks a branch; the link records the branch, never the date.
#[function_component]
pub fn DateForm(props: &DateFormProps) -> Html {
    let t = steps_text(props.lang);
    let error = use_state(|| None::<&'static str>);
    let input = use_node_ref();
    let today = browser::today();

    let onsubmit = {
        let (lang, embed, error, input, walk, guide) = (props.lang, props.embed, error.clone(), input.clone(), props.walk.clone(), props.guide);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let t = steps_text(lang);
            let field = input.cast::<web_sys::HtmlInputElement>();
            let value = field.as_ref().map(|f| f.value()).unwrap_or_default();
            let guide = guide.0;
            let result = match Date::parse(value.trim()) {
                _ if value.trim().is_empty() => Err(t.date_missing),
                None => Err(t.date_invalid),
                Some(date) => walk.date_option(guide, date, browser::today()).map_err(|e| match e {
                    WalkError::DateInFuture => t.date_in_future,
                    WalkError::DateTooOld => t.date_too_old,
                    _ => t.date_invalid,
                }),
            };
            match result.and_then(|branch| walk.choose_index(guide, branch).map_err(|_| t.date_invalid)) {
                Ok(next) => {
                    error.set(None);
                    browser::navigate(&Link::to_step(guide, &next).with_embed(embed).encode());
                }
                Err(message) => {
                    error.set(Some(message));
                    if let Some(field) = field {
                        let _ = field.focus();
                    }
                }
            }
        })
    };
    let max = format!("{:04}-{:02}-{:02}", today.year, today.month, today.day);
    let described_by = if error.is_some() { "date-error date-hint" } else { "date-hint" };
    html! {
        <form class="date-form" {onsubmit} novalidate=true>
            <div ~className={if error.is_some() { "field field-invalid" } else { "field" }}>
                <label for="date-input">{ t.date_input_label }</label>
                <p id="date-hint" class="hint">{ t.date_hint }</p>
                if let Some(message) = *error {
                    <p id="date-error" class="field-error" role="alert">{ message }</p>
                }
                <input id="date-input" ref={input} type="date" {max} min="1900-01-01" autocomplete="off"
                    aria-invalid={error.is_some().to_string()} aria-describedby={described_by} />
            </div>
            <button type="submit" class="button primary">{ t.date_continue }</button>
        </form>
    }
}
