//! Step links: arbitrary text decoded as a URL fragment, then opened against the shipped
//! catalog. Never a panic; an accepted link re-encodes to itself; an opened step is a real step.
#![no_main]

use jmo_guide::link::{Link, Opened};
use jmo_guide::Catalog;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        match jmo_guide::load::load_checked(&root) {
            Ok(content) => content.catalog,
            Err(problems) => panic!("the shipped content does not load: {problems:?}"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let catalog = catalog();
    let Ok(fragment) = std::str::from_utf8(data) else { return };
    let Ok(link) = Link::decode(fragment) else { return };
    assert_eq!(Link::decode(&link.encode()), Ok(link.clone()), "re-encoding changed {fragment:?}");
    if let Opened::Step { guide, walk, .. } = catalog.open(&link) {
        let guide = &catalog.guides[guide];
        let _ = walk.current_node(guide);
        let again = Link::to_step(guide, &walk);
        assert!(matches!(catalog.open(&again), Opened::Step { changed: false, .. }), "{fragment:?}");
    }
});
