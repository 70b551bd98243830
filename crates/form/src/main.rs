use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[function_component]
fn Hello() -> Html {
    html! { <p id="form-hello">{ "form module" }</p> }
}

#[wasm_bindgen]
pub fn mount_form(root: web_sys::Element, _ctx: String) {
    yew::Renderer::<Hello>::with_root(root).render();
}

fn main() {}
