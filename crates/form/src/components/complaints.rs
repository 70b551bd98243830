use std::rc::Rc;

use jmo_contract::EscalationContext;
use yew::prelude::*;

use super::{ComplaintForm, DeliveryStatus, Start};
use crate::draft::{in_page_order, Draft, Problem};
use crate::hooks::{use_lang, use_outbox};
use crate::shown;
use crate::texts::texts;

/// The complaints kept on this device, on every page of the guide, so the participant always
/// sees where theirs is; a refused one can be corrected right here.
#[function_component]
pub fn Complaints() -> Html {
    let lang = use_lang();
    let entries: Vec<_> = use_outbox().into_iter().filter(|e| !shown::is_shown(&e.id)).collect();
    let fixing = use_state(|| None::<String>);
    {
        let update = use_force_update();
        use_effect_with((), move |_| {
            let watch = shown::watch(move || update.force_update());
            move || drop(watch)
        });
    }
    if entries.is_empty() {
        return Html::default();
    }
    let t = texts(lang);
    let on_fix = {
        let fixing = fixing.clone();
        Callback::from(move |id: String| fixing.set(Some(id)))
    };
    let item = |entry: &jmo_outbox::Entry| {
        if fixing.as_deref() == Some(&*entry.id) {
            if let Some((ctx, start)) = correction(entry) {
                return html! { <ComplaintForm key={entry.id.clone()} {ctx} {start} /> };
            }
        }
        html! { <DeliveryStatus key={entry.id.clone()} id={entry.id.clone()} on_fix={on_fix.clone()} /> }
    };
    html! {
        <section class="complaints" aria-labelledby="complaints-title">
            <h2 id="complaints-title">{ t.your_complaints }</h2>
            { for entries.iter().map(item) }
        </section>
    }
}

/// A refused complaint back in the form, with the server's reasons next to the fields.
fn correction(entry: &jmo_outbox::Entry) -> Option<(Rc<EscalationContext>, Start)> {
    let request: jmo_contract::ComplaintRequest = serde_json::from_str(&entry.body).ok()?;
    let jmo_outbox::State::Rejected(rejection) = &entry.state else { return None };
    let problems = rejection
        .problems
        .iter()
        .map(Problem::from_item)
        .collect();
    let start = Start { draft: Some(Draft::of_request(&request)), problems: in_page_order(problems), replacing: Some(entry.id.clone()), focus: None, files: Vec::new() };
    Some((Rc::new(EscalationContext::of_request(&request)), start))
}
