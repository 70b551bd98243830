use jmo_contract::{Category, Disruption, Language};
use yew::prelude::*;

use crate::api;
use crate::hooks::use_lang;
use crate::texts::texts;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The problem family of the guide (`login`, `jht_claim`…).
    pub category: AttrValue,
}

/// A known service disruption for this problem family, shown before the participant files (they
/// can still file). Nothing is shown when the status cannot be read.
#[function_component]
pub fn DisruptionNotice(props: &Props) -> Html {
    let lang = use_lang();
    let disruptions = use_state(Vec::<Disruption>::new);
    {
        let disruptions = disruptions.clone();
        use_effect_with(props.category.clone(), move |category| {
            let family = Category::parse(category);
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(all) = api::disruptions().await {
                    disruptions.set(all.into_iter().filter(|d| Some(d.family) == family).collect());
                }
            });
        });
    }
    if disruptions.is_empty() {
        return Html::default();
    }
    let t = texts(lang);
    let pick = |l: &jmo_contract::Localized| if lang == Language::En { l.en.clone() } else { l.id.clone() };
    html! {
        <div class="notice disruption" role="note" aria-labelledby="disruption-title">
            <h3 id="disruption-title">{ t.disruption_heading }</h3>
            { for disruptions.iter().map(|d| html! {
                <>
                    <p><strong>{ pick(&d.title) }</strong></p>
                    if !pick(&d.message).is_empty() { <p>{ pick(&d.message) }</p> }
                </>
            }) }
            <p>{ t.disruption_note }</p>
        </div>
    }
}
