//! The page or app hosting the widget. The protocol is plain JavaScript in `host.js`
//! (postMessage to an allow-listed parent origin, or the Android / iOS bridge; a host's language
//! reaches the widget as a `lang=` in its link): see docs/embedding.md. `on_demand.js` loads it
//! only inside a frame or a native webview, so a plain browser tab does not download it.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/on_demand.js")]
extern "C" {
    /// Asks the host to close the widget.
    pub fn close();
}
