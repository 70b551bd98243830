//! The packed catalog the widget downloads: it must unpack to exactly the content that was
//! checked, and a damaged download must be refused, never crash the page.

use std::path::Path;

use jmo_guide::pack::{head, pack, unpack, UnpackError};
use proptest::prelude::*;

fn shipped() -> jmo_guide::Catalog {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    jmo_guide::load::load_checked(&root).unwrap_or_else(|p| panic!("{p:#?}")).catalog
}

#[test]
fn shipped_content_round_trips_exactly() {
    let catalog = shipped();
    assert_eq!(unpack(&pack(&catalog)), Ok(catalog));
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
fn truncated_or_foreign_files_are_refused() {
    let text = pack(&shipped());
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
    let text = pack(&shipped());
    assert!(text.starts_with("jmo-guide-pack-2\u{1f}"));
    let old = text.replacen("jmo-guide-pack-2", "jmo-guide-pack-1", 1);
    assert_eq!(unpack(&old), Err(UnpackError::NotAPack), "format 1 had no calendar, keywords or date texts");
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
    assert_eq!(unpack(&pack(&catalog)), Err(UnpackError::Inconsistent));
}

proptest! {
    #[test]
    fn damaged_bytes_never_panic(position in 0usize..40_000, garbage in "\\PC{0,8}") {
        let text = pack(&shipped());
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
    let text = pack(&jmo_guide::load::load_checked_on(&fixture, jmo_guide::date::Date::parse("2026-11-24").unwrap()).unwrap().catalog);
    assert!(text.contains("\u{1f}w5\u{1f}"));
    assert_eq!(unpack(&text.replace("\u{1f}w5\u{1f}", "\u{1f}É5\u{1f}")), Err(UnpackError::Damaged));
}
