use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::form_module;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Which part of the form module: `form`, `complaints` or `check`.
    pub kind: &'static str,
    /// For `form`: the escalation's context (`key=value` lines, ids only).
    #[prop_or_default]
    pub context: AttrValue,
    /// Said while the module loads and if it fails; `None` keeps the slot silent (the list of
    /// stored complaints should not announce itself on every page).
    #[prop_or_default]
    pub loading: Option<AttrValue>,
    #[prop_or_default]
    pub failed: Option<AttrValue>,
    #[prop_or_default]
    pub retry: AttrValue,
}

/// A place in the page for a part of the form module, loaded on demand.
#[function_component]
pub fn FormSlot(props: &Props) -> Html {
    let slot = use_node_ref();
    // 0 loading, 1 shown, 2 failed
    let status = use_state_eq(|| 0u8);
    let attempt = use_state(|| 0u32);
    {
        let (slot, status) = (slot.clone(), status.clone());
        use_effect_with((props.kind, props.context.clone(), *attempt), move |(kind, context, _)| {
            // The mounted part's handle; `None` once this slot is gone (a late mount is undone).
            let handle = Rc::new(Cell::new(Some(0)));
            if let Some(root) = slot.cast::<web_sys::Element>() {
                let (kind, context, handle) = (*kind, context.clone(), handle.clone());
                status.set(0);
                wasm_bindgen_futures::spawn_local(async move {
                    match form_module::mount(kind, &root, &context).await {
                        Ok(h) if handle.get().is_none() => form_module::unmount(h),
                        Ok(h) => {
                            handle.set(Some(h));
                            status.set(1);
                        }
                        Err(()) => status.set(2),
                    }
                });
            }
            move || {
                if let Some(h) = handle.take() {
                    form_module::unmount(h);
                }
            }
        });
    }
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
    };
    html! {
        <>
            if *status == 0 { if let Some(text) = props.loading.clone() { <p class="hint" role="status">{ text }</p> } }
            if *status == 2 {
                if let Some(text) = props.failed.clone() {
                    <p class="notice" role="alert">{ text }{ " " }<button type="button" class="button" onclick={retry}>{ props.retry.clone() }</button></p>
                }
            }
            <div class="form-slot" ref={slot} />
        </>
    }
}
