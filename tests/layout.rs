//! Every step of every shipped guide, in both languages, on a 320 px wide screen with the real
//! stylesheet: nothing scrolls sideways and every control is at least 44 px tall.

#![cfg(target_arch = "wasm32")]

mod support;

use jmo_guide::Language;
use jmo_selfhelp::content::Part;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn every_step_fits_320_px_with_44_px_targets() {
    install_content();
    use_stylesheet();
    let mut checked = 0;
    for lang in Language::ALL {
        let mut links = vec![format!("/?lang={}", lang.as_str())];
        for part in Part::all().filter(|p| p.lang == lang) {
            let guide = &jmo_selfhelp::content::catalog_of(part).unwrap().guides[0];
            links.extend(guide.nodes.iter().map(|n| format!("/{}/{}?lang={}", guide.id, n.id, lang.as_str())));
        }
        for link in links {
            let app = open(&link).await;
            let root: web_sys::HtmlElement = root_of(&app).dyn_into().unwrap();
            root.style().set_property("width", "320px").unwrap();
            settle().await;
            assert!(root.scroll_width() <= 320, "{link}: content is {} px wide at 320 px", root.scroll_width());
            for control in all(".test-root a.choice, .test-root .button, .test-root button, .test-root .lang") {
                let height = control.get_bounding_client_rect().height();
                assert!(height >= 44.0, "{link}: `{}` is {height} px tall", control.text_content().unwrap_or_default().trim());
            }
            checked += 1;
            drop(app);
        }
    }
    assert!(checked > 100, "checked only {checked} pages");
}
