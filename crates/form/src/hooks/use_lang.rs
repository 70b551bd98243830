use jmo_contract::Language;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The page's language (`<html lang>`, which the guide widget keeps current).
pub fn current_lang() -> Language {
    let lang = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("lang"));
    match lang.as_deref() {
        Some("en") => Language::En,
        _ => Language::Id,
    }
}

/// The page's language, following the widget's language switch without any call between the
/// two wasm modules: it watches `<html lang>`. On the server there is no page to read: the
/// language given by a `ContextProvider<Language>` (see [`crate::ssr`]) is used instead.
#[hook]
pub fn use_lang() -> Language {
    let given = use_context::<Language>();
    let lang = use_state_eq(move || given.unwrap_or_else(current_lang));
    {
        let lang = lang.clone();
        use_effect_with((), move |_| {
            let on_change = Closure::<dyn Fn()>::new(move || lang.set(current_lang()));
            let observer = web_sys::MutationObserver::new(on_change.as_ref().unchecked_ref()).ok();
            let html = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
            if let (Some(observer), Some(html)) = (&observer, html) {
                let options = web_sys::MutationObserverInit::new();
                options.set_attributes(true);
                options.set_attribute_filter(&js_sys::Array::of1(&"lang".into()));
                let _ = observer.observe_with_options(&html, &options);
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                drop(on_change);
            }
        });
    }
    *lang
}
