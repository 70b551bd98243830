//! The packed catalog the widget downloads: it must unpack to exactly the content that was
//! checked, and a damaged download must be refused, never crash the page.

use std::path::Path;

use jmo_guide::link::{Link, Opened};
use jmo_guide::pack::{head, pack, part, part_file, unpack, UnpackError};
use jmo_guide::Language;
use proptest::prelude::*;

fn shipped() -> jmo_guide::Catalog {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    jmo_guide::load::load_checked(&root).unwrap_or_else(|p| panic!("{p:#?}")).catalog
}

#[test]
fn shipped_content_round_trips_exactly() {
    let catalog = shipped();
    assert_eq!(unpack(&pack(&catalog, None)), Ok((catalog, None)));
}

#[test]
fn the_head_keeps_the_start_screen_and_guide_titles_only() {
    let catalog = shipped();
    let head = head(&catalog);
    assert_eq!(head.start, catalog.start);
    assert_eq!(head.guides.len(), catalog.guides.len());
    assert!(head.guides.iter().all(|g| g.nodes.is_empty()));
    assert_eq!(head.guides[0].title, catalog.guides[0].title);
    assert!(head.calendar.years.is_empty(), "the holidays travel with the guides, not in the first load");
    assert!(!catalog.calendar.years.is_empty());
}

#[test]
fn a_guide_part_in_one_language_opens_every_step_as_the_full_catalog_does() {
    let catalog = shipped();
    for guide in catalog.guides.iter() {
        for lang in Language::ALL {
            let other = if lang == Language::Id { Language::En } else { Language::Id };
            let text = pack(&part(&catalog, guide), Some(lang));
            let (unpacked, packed_in) = unpack(&text).unwrap_or_else(|e| panic!("{} in {lang:?}: {e:?}", guide.id));
            assert_eq!(packed_in, Some(lang));
            assert_eq!((unpacked.version.as_ref(), unpacked.guides.len()), (catalog.version.as_ref(), 1));
            let g = &unpacked.guides[0];
            assert!(g.nodes.iter().all(|n| n.title.get(other).is_empty()), "{}: only {lang:?} travels", guide.id);
            assert!(g.nodes.iter().all(|n| n.keywords.is_empty()) && g.summary.is_empty(), "{}: what the widget never shows stays home", guide.id);
            assert!(!text.contains(guide.nodes[0].title.get(other)), "{}: the other language's texts are not in the file", guide.id);
            assert_eq!(unpacked.texts.iter().map(|(k, t)| (k, t.get(lang))).collect::<Vec<_>>(), catalog.texts.iter().map(|(k, t)| (k, t.get(lang))).collect::<Vec<_>>());
            let days = |c: &jmo_guide::Catalog| c.calendar.years.iter().flat_map(|y| y.days.iter().map(|d| (d.date, d.kind))).collect::<Vec<_>>();
            assert_eq!(days(&unpacked), days(&catalog), "date questions count working days with them");
            assert_eq!(unpacked.calendar.month_names.get(lang), catalog.calendar.month_names.get(lang));
            assert_eq!(unpacked.channels.len(), catalog.channels.len());
            for node in std::iter::once(None).chain(guide.nodes.iter().map(|n| Some(n.id.to_string()))) {
                let link = Link { guide: Some(guide.id.to_string()), node, ..Link::start() };
                match (unpacked.open(&link), catalog.open(&link)) {
                    (Opened::Step { walk, changed, .. }, Opened::Step { walk: full_walk, changed: full_changed, .. }) => {
                        assert_eq!((walk, changed), (full_walk, full_changed), "{link:?}");
                        let node = walk_title(g, &link, &unpacked, lang);
                        assert!(!node.is_empty(), "{link:?} has its title in {lang:?}");
                    }
                    (part, full) => assert_eq!(part, full, "{link:?}"),
                }
            }
            assert_eq!(pack(&unpacked, Some(lang)), text, "a part packs back to the same bytes");
        }
    }
    assert_eq!(part_file("0123456789ab", "login", Language::En), "content-login-en-0123456789ab.txt");
}

fn walk_title(g: &jmo_guide::Guide, link: &Link, catalog: &jmo_guide::Catalog, lang: Language) -> String {
    let Opened::Step { walk, .. } = catalog.open(link) else { return String::new() };
    walk.current_node(g).title.get(lang).to_owned()
}

#[test]
fn truncated_or_foreign_files_are_refused() {
    let text = pack(&shipped(), None);
    assert_eq!(unpack(""), Err(UnpackError::NotAPack));
    assert_eq!(unpack("<!doctype html><p>Not found</p>"), Err(UnpackError::NotAPack));
    for cut in [text.len() / 3, text.len() / 2, text.len() - 1] {
        let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap();
        assert!(unpack(&text[..cut]).is_err(), "cut at {cut}");
    }
    assert_eq!(unpack(&format!("{text}extra\u{1f}")), Err(UnpackError::Damaged));
}

#[test]
fn a_pack_of_the_previous_format_is_refused_and_a_new_format_renames_the_file() {
    let text = pack(&shipped(), None);
    assert!(text.starts_with("jmo-guide-pack-3\u{1f}"));
    let old = text.replacen("jmo-guide-pack-3", "jmo-guide-pack-2", 1);
    assert_eq!(unpack(&old), Err(UnpackError::NotAPack), "format 2 had no language");
}

#[test]
fn a_pack_whose_options_point_nowhere_is_refused() {
    let mut catalog = shipped();
    let mut guides = catalog.guides.to_vec();
    let mut nodes = guides[0].nodes.to_vec();
    let mut options = nodes[0].options.to_vec();
    options[0].next = "nowhere".into();
    nodes[0].options = options.into();
    guides[0].nodes = nodes.into();
    catalog.guides = guides.into();
    assert_eq!(unpack(&pack(&catalog, None)), Err(UnpackError::Inconsistent));
}

proptest! {
    #[test]
    fn damaged_bytes_never_panic(position in 0usize..40_000, garbage in "\\PC{0,8}") {
        let text = pack(&shipped(), None);
        let mut at = position % text.len();
        while !text.is_char_boundary(at) { at -= 1; }
        let damaged = format!("{}{garbage}{}", &text[..at], &text[at..]);
        let _ = unpack(&damaged);
    }
}

#[test]
fn a_non_ascii_limit_code_is_refused_not_a_panic() {
    // Found by `damaged_bytes_never_panic`: unpacking split a multi-byte character.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let text = pack(&jmo_guide::load::load_checked_on(&fixture, jmo_guide::date::Date::parse("2026-11-24").unwrap()).unwrap().catalog, None);
    assert!(text.contains("\u{1f}w5\u{1f}"));
    assert_eq!(unpack(&text.replace("\u{1f}w5\u{1f}", "\u{1f}É5\u{1f}")), Err(UnpackError::Damaged));
}
