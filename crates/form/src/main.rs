//! The complaint form's wasm module. The guide widget imports it (only when needed) and calls
//! [`mount`] with an element of its page; each mount is a small Yew app of its own.

use std::cell::RefCell;
use std::rc::Rc;

use jmo_form::components::{CheckProps, CheckScreen, ComplaintForm, Complaints, Start};
use jmo_contract::EscalationContext;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

thread_local! {
    static MOUNTED: RefCell<Vec<(u32, Mounted)>> = const { RefCell::new(Vec::new()) };
    static NEXT_HANDLE: RefCell<u32> = const { RefCell::new(1) };
}

enum Mounted {
    Form(yew::AppHandle<FormApp>),
    Complaints(yew::AppHandle<Complaints>),
    Check(yew::AppHandle<CheckScreen>),
}

#[derive(Properties, PartialEq)]
struct FormAppProps {
    ctx: Rc<EscalationContext>,
    start: Start,
}

#[function_component]
fn FormApp(props: &FormAppProps) -> Html {
    html! { <ComplaintForm ctx={props.ctx.clone()} start={props.start.clone()} /> }
}

/// Mounts one part of the form into `root`, drawn in `lang` (`id`, `en`): `"form"` (an
/// escalation's complaint form; `context` is `jmo_contract::EscalationContext::encode`'s text),
/// `"complaints"` (the complaints on this device) or `"check"` (look a ticket up). Returns a
/// handle for [`unmount`].
#[wasm_bindgen]
pub fn mount(kind: &str, root: web_sys::Element, context: &str, lang: &str) -> u32 {
    language(lang);
    jmo_form::page::prepare();
    // The form the server drew in its place (a page without JavaScript until now): what was
    // typed there, its messages and its focus carry over.
    let start = Start { focus: jmo_form::page::focused_in(&root), ..jmo_form::page::server_form(&root).unwrap_or_default() };
    let check = CheckProps { post: None, start: jmo_form::page::server_check(&root) };
    root.set_inner_html("");
    let mounted = match kind {
        "form" => {
            let ctx = Rc::new(EscalationContext::decode(context));
            Mounted::Form(yew::Renderer::<FormApp>::with_root_and_props(root, FormAppProps { ctx, start }).render())
        }
        "check" => Mounted::Check(yew::Renderer::<CheckScreen>::with_root_and_props(root, check).render()),
        _ => Mounted::Complaints(yew::Renderer::<Complaints>::with_root(root).render()),
    };
    let handle = NEXT_HANDLE.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n
    });
    MOUNTED.with(|m| m.borrow_mut().push((handle, mounted)));
    handle
}

/// The participant switched the page's language: every mounted part follows, keeping what was
/// typed. The widget is the only one that calls it (the host's choice reaches the widget first).
#[wasm_bindgen]
pub fn language(lang: &str) {
    jmo_form::hooks::set_lang(jmo_contract::Language::parse(lang).unwrap_or_default());
}

/// Removes what [`mount`] put in the page (the widget calls it when the element goes away).
#[wasm_bindgen]
pub fn unmount(handle: u32) {
    let mounted = MOUNTED.with(|m| {
        let mut m = m.borrow_mut();
        m.iter().position(|(h, _)| *h == handle).map(|i| m.remove(i).1)
    });
    match mounted {
        Some(Mounted::Form(app)) => app.destroy(),
        Some(Mounted::Complaints(app)) => app.destroy(),
        Some(Mounted::Check(app)) => app.destroy(),
        None => {}
    }
}

/// Starts delivering what is waiting in this device's outbox (the widget calls it on load when
/// a complaint is stored, even if nothing of the form is shown).
#[wasm_bindgen]
pub fn resume() {
    jmo_form::delivery::start();
}

fn main() {}
