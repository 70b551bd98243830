//! The page or app hosting the widget. The protocol is plain JavaScript in `host.js`
//! (postMessage to an allow-listed parent origin, or the Android / iOS bridge; a host's language
//! reaches the widget as a `lang=` in its link): see docs/embedding.md. `on_demand.js` loads it
//! only inside a frame or a native webview, so a plain browser tab does not download it.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/on_demand.js")]
extern "C" {
    /// What is on screen: the step's guide and node ids (empty on other screens), and whether it
    /// is a resolution. The first call tells the host the widget is ready.
    pub fn show(guide: &str, node: &str, resolved: bool);
    /// Asks the host to close the widget.
    pub fn close();
}
