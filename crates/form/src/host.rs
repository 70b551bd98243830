//! The hosting page or app (see docs/embedding.md), through the widget's `window.jmoSelfHelp`:
//! the prefill it sent (name, KPJ; never put in a URL) and the delivered ticket going back.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsValue;

fn bridge() -> Option<JsValue> {
    let window = web_sys::window()?;
    Reflect::get(&window, &"jmoSelfHelp".into()).ok().filter(|b| b.is_object())
}

fn call(name: &str, args: &js_sys::Array) -> Option<JsValue> {
    let bridge = bridge()?;
    let f: Function = Reflect::get(&bridge, &name.into()).ok()?.into();
    f.apply(&bridge, args).ok()
}

fn text_at(value: &JsValue, path: &[&str]) -> Option<String> {
    let mut at = value.clone();
    for key in path {
        at = Reflect::get(&at, &(*key).into()).ok().filter(|v| v.is_object() || v.is_string())?;
    }
    at.as_string().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// What the host said about the participant and itself, if anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostContext {
    pub name: Option<String>,
    pub kpj: Option<String>,
    /// `jmo_android`, `jmo_ios`, … (sent as the complaint's `client.embedding` when it is an id).
    pub platform: Option<String>,
}

pub fn context() -> HostContext {
    let Some(ctx) = call("context", &js_sys::Array::new()).filter(|c| c.is_object()) else { return HostContext::default() };
    HostContext {
        name: text_at(&ctx, &["prefill", "name"]),
        kpj: text_at(&ctx, &["prefill", "kpj"]),
        platform: text_at(&ctx, &["platform"]).filter(|p| jmo_contract::text::validate_ident(p).is_ok()),
    }
}

/// Tells the host a complaint was delivered: its ticket number only.
pub fn delivered(ticket: &str) {
    let data = Object::new();
    let _ = Reflect::set(&data, &"ticket".into(), &ticket.into());
    call("send", &js_sys::Array::of2(&"delivered".into(), &data));
}
