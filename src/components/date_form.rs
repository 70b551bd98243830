use jmo_guide::date::Date;
use jmo_guide::link::Link;
use jmo_guide::walk::{Walk, WalkError};
use jmo_guide::{Catalog, Guide, Language};
use yew::prelude::*;

use crate::browser;
use crate::content::{steps_text, Steps};
use crate::state::GuideRef;

/// Why a date was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateProblem {
    Missing,
    Invalid,
    InFuture,
    TooOld,
}

impl DateProblem {
    pub fn message(self, t: &Steps) -> &'static str {
        match self {
            DateProblem::Missing => t.date_missing,
            DateProblem::Invalid => t.date_invalid,
            DateProblem::InFuture => t.date_in_future,
            DateProblem::TooOld => t.date_too_old,
        }
    }

    /// Its name in the page (`data-refused`), so the widget taking over a page the server drew
    /// keeps showing the same message.
    pub fn code(self) -> &'static str {
        match self {
            DateProblem::Missing => "missing",
            DateProblem::Invalid => "invalid",
            DateProblem::InFuture => "in-future",
            DateProblem::TooOld => "too-old",
        }
    }

    pub fn from_code(code: &str) -> Option<DateProblem> {
        [DateProblem::Missing, DateProblem::Invalid, DateProblem::InFuture, DateProblem::TooOld].into_iter().find(|p| p.code() == code)
    }
}

/// A date the participant entered and why it was refused, to show beside the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedDate {
    pub value: String,
    pub problem: DateProblem,
}

/// Answers a date question with what was typed (`YYYY-MM-DD`): the walk one step on, along the
/// branch the date picks. The same rule in the browser and on the server (a form posted without
/// JavaScript). The date itself goes nowhere: the next link records the branch only.
pub fn answer_date(catalog: &Catalog, guide: &Guide, walk: &Walk, value: &str, today: Date) -> Result<Walk, RefusedDate> {
    let refused = |problem| RefusedDate { value: value.chars().take(32).collect(), problem };
    let value = value.trim();
    if value.is_empty() {
        return Err(refused(DateProblem::Missing));
    }
    let date = Date::parse(value).map_err(|_| refused(DateProblem::Invalid))?;
    let branch = walk.date_option_in(guide, &catalog.calendar, date, today).map_err(|e| {
        refused(match e {
            WalkError::DateInFuture => DateProblem::InFuture,
            WalkError::DateTooOld => DateProblem::TooOld,
            _ => DateProblem::Invalid,
        })
    })?;
    walk.choose_index(guide, branch).map_err(|_| refused(DateProblem::Invalid))
}

thread_local! {
    /// The date last entered and the walk it led to, in this page's memory only (never in a
    /// link or in storage): the next page says what follows from it (`Walk::date_text`).
    static ENTERED: std::cell::RefCell<Option<(&'static str, Walk, Date)>> = const { std::cell::RefCell::new(None) };
}

/// The date entered at the question just before `walk`, if it was entered in this page.
pub fn entered_before(guide: &Guide, walk: &Walk) -> Option<Date> {
    ENTERED.with(|e| e.borrow().as_ref().filter(|(id, at, _)| **id == *guide.id && at == walk).map(|(_, _, date)| *date))
}

#[derive(Properties, PartialEq)]
pub struct DateFormProps {
    pub guide: GuideRef,
    pub walk: Walk,
    pub lang: Language,
    /// Keep the embed mode in the link of the next step.
    pub embed: bool,
    pub today: Date,
    /// This step's address: without JavaScript the form is posted there.
    pub action: AttrValue,
    /// A date the server refused (posted without JavaScript).
    #[prop_or_default]
    pub refused: Option<RefusedDate>,
}

/// A date question. The date only picks a branch; the link records the branch, never the date.
/// With JavaScript it is answered in-page; without, it is posted to the server (never in a URL).
#[function_component]
pub fn DateForm(props: &DateFormProps) -> Html {
    let t = steps_text(props.lang);
    // A date the server refused (posted without JavaScript); the widget taking over that page
    // reads it back from `data-refused`, so the message stays.
    let refused = props.refused.as_ref();
    let error = use_state(|| refused.map(|r| r.problem));
    let input = use_node_ref();

    let onsubmit = {
        let (lang, embed, error, input, walk, guide, today) =
            (props.lang, props.embed, error.clone(), input.clone(), props.walk.clone(), props.guide, props.today);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let field = input.cast::<web_sys::HtmlInputElement>();
            let value = field.as_ref().map(|f| f.value()).unwrap_or_default();
            let Some(catalog) = crate::content::with_calendar() else { return };
            match answer_date(catalog, guide.0, &walk, &value, today) {
                Ok(next) => {
                    error.set(None);
                    if let Ok(date) = Date::parse(value.trim()) {
                        ENTERED.with(|e| *e.borrow_mut() = Some((&*guide.0.id, next.clone(), date)));
                    }
                    browser::navigate(&Link::to_step(guide.0, &next).with_lang(Some(lang)).with_embed(embed).encode());
                }
                Err(refused) => {
                    error.set(Some(refused.problem));
                    if let Some(field) = field {
                        let _ = field.focus();
                    }
                }
            }
        })
    };
    let today = props.today;
    let max = today.to_string();
    let described_by = if error.is_some() { "date-error date-hint" } else { "date-hint" };
    let value = refused.map(|r| AttrValue::from(r.value.clone()));
    html! {
        <form class="date-form" method="post" action={props.action.clone()} {onsubmit} novalidate=true
            data-refused={refused.map(|r| r.problem.code())}>
            <div class="field" data-invalid={error.is_some().then_some("true")}>
                <label for="date-input">{ t.date_input_label }</label>
                <p id="date-hint" class="hint">{ t.date_hint }</p>
                if let Some(problem) = *error {
                    <p id="date-error" class="field-error" role="alert">{ problem.message(&t) }</p>
                }
                <input id="date-input" ref={input} type="date" name="date" {max} min="1900-01-01" autocomplete="off" {value}
                    aria-invalid={error.is_some().to_string()} aria-describedby={described_by} />
            </div>
            <button type="submit" class="button primary">{ t.date_continue }</button>
        </form>
    }
}
