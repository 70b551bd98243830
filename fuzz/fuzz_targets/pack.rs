//! The packed catalog (or the part of it the widget downloads): arbitrary text unpacked. A damaged download must be
//! an error, never a panic; whatever unpacks packs and unpacks to the same catalog, and every
//! guide and step in it opens (unpacking promised a walk cannot go astray).
#![no_main]

use jmo_guide::link::{Link, Opened};
use jmo_guide::pack::{pack, unpack};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok((catalog, lang)) = unpack(text) else { return };
    let again = unpack(&pack(&catalog, lang)).expect("a packed catalog unpacks");
    assert!(again == (catalog.clone(), lang), "pack/unpack round trip differs");
    for g in catalog.guides.iter().take(8) {
        let guide = Link { guide: Some(g.id.to_string()), ..Link::default() };
        let nodes = g.nodes.iter().take(16).map(|n| Some(n.id.to_string()));
        for node in std::iter::once(None).chain(nodes) {
            let link = Link { node, ..guide.clone() };
            if let Opened::Step { guide, walk, .. } = catalog.open(&link) {
                let guide = &catalog.guides[guide];
                let node = walk.current_node(guide);
                let _ = (node.options.len(), walk.pairs(guide).count());
            }
        }
    }
});
