//! The path state machine and link opening, node by node on the demo fixture:
//! "given these answers, the current node is X".

use std::path::Path;

use jmo_guide::date::Date;
use jmo_guide::link::{Link, Opened};
use jmo_guide::walk::{Walk, WalkError};
use jmo_guide::{Catalog, Guide};

fn catalog() -> Catalog {
    jmo_guide::load::load_checked_on(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"), jmo_guide::date::Date::parse("2026-11-24").unwrap()).unwrap().catalog
}

fn at<'g>(guide: &'g Guide, walk: &Walk) -> &'g str {
    &walk.current_node(guide).id
}

#[test]
fn answers_lead_to_the_declared_nodes() {
    let catalog = catalog();
    let guide = catalog.guide("demo").unwrap();
    let walk = Walk::start(guide);
    assert_eq!(at(guide, &walk), "q1");
    let walk = walk.choose(guide, "a").unwrap();
    assert_eq!(at(guide, &walk), "s1");
    let walk = walk.choose(guide, "no").unwrap();
    assert_eq!(at(guide, &walk), "esc");
    assert_eq!(walk.pairs(guide).collect::<Vec<_>>(), [("q1", "a"), ("s1", "no")]);
    assert_eq!(walk.choose(guide, "yes"), Err(WalkError::NoSuchOption), "an outcome takes no answer");
}

#[test]
fn back_and_changing_an_earlier_answer() {
    let catalog = catalog();
    let guide = catalog.guide("demo").unwrap();
    let deep = Walk::start(guide).choose(guide, "a").unwrap().choose(guide, "yes").unwrap();
    assert_eq!(at(guide, &deep), "done");
    let back = deep.back();
    assert_eq!(at(guide, &back), "s1");
    assert_eq!(back.answers().len(), 1);
    let changed = deep.rewind_to(0).choose(guide, "c").unwrap();
    assert_eq!(at(guide, &changed), "esc");
    assert_eq!(changed.answers().len(), 1, "the later answers are forgotten");
    assert_eq!(Walk::start(guide).back(), Walk::start(guide), "back at the start stays there");
}

#[test]
fn date_questions_branch_on_working_days() {
    let catalog = catalog();
    let guide = catalog.guide("demo").unwrap();
    let walk = Walk::start(guide).choose(guide, "b").unwrap();
    assert_eq!(at(guide, &walk), "d1");
    let today = Date::parse("2026-11-24").unwrap(); // a Tuesday
    let branch = |date: &str| walk.date_option(guide, Date::parse(date).unwrap(), today);
    let node = walk.current_node(guide);
    assert_eq!(node.options[branch("2026-11-19").unwrap()].id, "recent", "Thu → Tue is 3 working days");
    assert_eq!(node.options[branch("2026-11-17").unwrap()].id, "late", "a week ago is 5 working days");
    assert_eq!(branch("2026-11-25"), Err(WalkError::DateInFuture));
    assert_eq!(branch("1899-12-31"), Err(WalkError::DateTooOld));
    assert_eq!(Walk::start(guide).date_option(guide, today, today), Err(WalkError::NotADateQuestion));
}

#[test]
fn links_reopen_the_same_step_with_the_same_answers() {
    let catalog = catalog();
    let guide = catalog.guide("demo").unwrap();
    let walk = Walk::start(guide).choose(guide, "a").unwrap().choose(guide, "yes").unwrap();
    let text = Link::to_step(guide, &walk).encode();
    assert_eq!(text, "/demo/done?a=q1.a~s1.yes");
    assert_eq!(catalog.open(&Link::decode(&text).unwrap()), Opened::Step { guide: 0, walk, changed: false });
}

#[test]
fn a_link_to_a_step_without_answers_takes_the_shortest_way() {
    let catalog = catalog();
    let opened = catalog.open(&Link::decode("#/demo/esc_high").unwrap());
    let Opened::Step { walk, changed, .. } = opened else { panic!("{opened:?}") };
    let guide = catalog.guide("demo").unwrap();
    assert_eq!(at(guide, &walk), "esc_high");
    assert_eq!(walk.pairs(guide).collect::<Vec<_>>(), [("q1", "b"), ("d1", "late")]);
    assert!(!changed);
}

#[test]
fn renamed_steps_redirect_and_outdated_answers_are_flagged() {
    let catalog = catalog();
    let guide = catalog.guide("demo").unwrap();
    let Opened::Step { walk, .. } = catalog.open(&Link::decode("#/demo/old_q?a=q1.b").unwrap()) else { panic!() };
    assert_eq!(at(guide, &walk), "d1", "old_q redirects to d1");
    // An answer that no longer exists: still the intended step, flagged as changed.
    let Opened::Step { walk, changed, .. } = catalog.open(&Link::decode("#/demo/s1?a=q1.removed_option").unwrap()) else { panic!() };
    assert_eq!(at(guide, &walk), "s1");
    assert!(changed);
}

#[test]
fn unknown_guides_and_steps_open_the_not_found_page() {
    let catalog = catalog();
    assert_eq!(catalog.open(&Link::decode("#/nope").unwrap()), Opened::NotFound);
    assert_eq!(catalog.open(&Link::decode("#/demo/never_was").unwrap()), Opened::NotFound);
    assert_eq!(catalog.open(&Link::decode("#/").unwrap()), Opened::Start);
}
