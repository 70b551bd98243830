//! The complaint form lives in its own wasm module (crates/form), fetched only when a page needs
//! it, so it costs nothing on the first load. This is the widget's side: load it once, and mount
//! or unmount its parts in elements of this page.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = "let m;\
function load(){return m=m||import(new URL('complaint_form.js',document.baseURI).href)\
.then(async x=>{await x.default();return x}).catch(e=>{m=null;throw e})}\
export function mount(k,e,c){return load().then(x=>x.mount(k,e,c))}\
export function unmount(h){m&&m.then(x=>x.unmount(h),()=>{})}")]
extern "C" {
    #[wasm_bindgen(js_name = mount)]
    fn mount_js(kind: &str, root: &web_sys::Element, context: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = unmount)]
    fn unmount_js(handle: u32);
}

/// Loads the form module if needed and mounts one of its parts (`form`, `complaints`, `check`)
/// into `root`; resolves to a handle for [`unmount`].
pub async fn mount(kind: &str, root: &web_sys::Element, context: &str) -> Result<u32, ()> {
    let handle = JsFuture::from(mount_js(kind, root, context)).await.map_err(drop)?;
    handle.as_f64().map(|h| h as u32).ok_or(())
}

pub fn unmount(handle: u32) {
    unmount_js(handle);
}
