use wasm_bindgen::JsValue;
use jmo_guide::Language;
use yew::prelude::*;

use crate::form_module;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Which part of the form module: `form`, `complaints` or `check`; or `receipt`, which only
    /// the server draws (a complaint filed without JavaScript).
    pub kind: &'static str,
    /// For `form`: the escalation ([`jmo_contract::EscalationContext::encode`], ids only).
    #[prop_or_default]
    pub context: AttrValue,
    /// The page's language: the module draws in it (a switch reaches it from the app, see
    /// `app.rs`, so that what was typed stays).
    pub lang: Language,
    /// Said while the module loads and if it fails; empty keeps the slot silent (the list of
    /// stored complaints should not announce itself on every page).
    #[prop_or_default]
    pub loading: &'static str,
    #[prop_or_default]
    pub failed: &'static str,
    #[prop_or_default]
    pub retry: &'static str,
}

/// A place in the page for a part of the form module, loaded on demand. It is mounted again
/// only when what it shows changes, not when the language does (the module is told the new
/// language by the app, and keeps what was typed).
#[function_component]
pub fn FormSlot(props: &Props) -> Html {
    let slot = use_node_ref();
    {
        let slot = slot.clone();
        let texts = (props.lang, props.loading, props.failed, props.retry);
        use_effect_with((props.kind, props.context.clone()), move |(kind, context)| {
            let (lang, loading, failed, retry) = texts;
            let unmount = slot.cast::<web_sys::Element>().map(|root| form_module::mount(kind, &root, context, lang.as_str(), loading, failed, retry));
            move || {
                if let Some(unmount) = unmount {
                    let _ = unmount.call0(&JsValue::NULL);
                }
            }
        });
    }
    html! { <div class="form-slot" data-kind={props.kind} ref={slot} /> }
}
