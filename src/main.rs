fn main() {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser page");
    let root = document.get_element_by_id("app").or_else(|| document.body().map(Into::into)).expect("a page body");
    jmo_selfhelp::mount(root);
}
