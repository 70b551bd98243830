//! The content loader: arbitrary text read as each kind of TOML file under `content/`. Every
//! mistake must come back as a `Problem`, never a panic.
#![no_main]

use jmo_guide::load::{parse_channels, parse_guide, parse_start, parse_ui};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    if let Err(problems) = parse_guide("content/guides/fuzz.toml", source) {
        assert!(!problems.is_empty());
    }
    let _ = parse_start(source);
    let _ = parse_channels(source);
    let _ = parse_ui(source);
});
