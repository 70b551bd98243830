//! The guides we ship: they pass the checks, every path ends in an outcome and reopens from its
//! link, every date branch can be reached, and the key routes go where the issue says.

mod support;
use support::all_walks;
use std::path::Path;

use jmo_guide::date::Date;
use jmo_guide::link::{Link, Opened};
use jmo_guide::walk::Walk;
use jmo_guide::{AttachmentKind, Catalog, Category, Guide, NodeKind, Urgency};

fn content() -> jmo_guide::load::Content {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    match jmo_guide::load::load_checked(&root) {
        Ok(content) => content,
        Err(problems) => panic!("content/ has problems:\n{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")),
    }
}

fn catalog() -> Catalog {
    content().catalog
}

#[test]
fn the_lock_file_lists_every_published_id() {
    let content = content();
    let missing = jmo_guide::validate::unpublished(&content.catalog, &content.published);
    assert!(missing.is_empty(), "not in content/published.lock (run `cargo xtask lock-content`): {missing:?}");
}

#[test]
fn the_start_screen_offers_the_four_families_the_common_other_problems_and_something_else() {
    let catalog = catalog();
    let ids: Vec<&str> = catalog.start.guides.iter().map(|g| &**g).collect();
    assert_eq!(ids, ["login", "kpj", "balance", "jht", "app", "data", "followup", "other"]);
    assert_eq!(catalog.start.title.id, "Apa kendala Anda?");
}

#[test]
fn every_path_of_every_guide_ends_in_an_outcome_and_reopens_from_its_link() {
    let catalog = catalog();
    let mut paths = 0;
    for (index, guide) in catalog.guides.iter().enumerate() {
        for walk in all_walks(guide) {
            let node = walk.current_node(guide);
            assert!(node.kind.is_outcome(), "{}: path {:?} stops at `{}`, not an outcome", guide.id, walk.pairs(guide).collect::<Vec<_>>(), node.id);
            let link = Link::to_step(guide, &walk).encode();
            let reopened = catalog.open(&Link::decode(&link).expect("our own links decode"));
            assert_eq!(reopened, Opened::Step { guide: index, walk: walk.clone(), changed: false }, "{link}");
            paths += 1;
        }
    }
    assert!(paths >= 60, "only {paths} paths: the guides lost substance");
}

#[test]
fn every_date_branch_is_reachable_by_some_date() {
    let catalog = catalog();
    let today = Date::parse("2026-11-24").unwrap();
    for guide in catalog.guides.iter() {
        for (index, node) in guide.nodes.iter().enumerate().filter(|(_, n)| n.kind == NodeKind::Date) {
            let walk = Walk::shortest_to(guide, index).unwrap();
            let mut reached = vec![false; node.options.len()];
            for days_ago in 0..800 {
                let date = Date::from_days_since_epoch(today.days_since_epoch() - days_ago);
                reached[walk.date_option_in(guide, &catalog.calendar, date, today).unwrap()] = true;
            }
            assert!(reached.iter().all(|&r| r), "{}/{}: a branch no date can reach: {reached:?}", guide.id, node.id);
        }
    }
}

#[test]
fn escalations_carry_their_family_category() {
    let catalog = catalog();
    let family = [
        ("login", Category::Login),
        ("kpj", Category::KpjMismatch),
        ("balance", Category::Balance),
        ("jht", Category::JhtClaim),
        ("app", Category::Other),
        ("data", Category::Other),
        ("followup", Category::Other),
        ("other", Category::Other),
    ];
    for (guide_id, category) in family {
        let guide = catalog.guide(guide_id).unwrap();
        let escalations: Vec<_> = guide.nodes.iter().filter_map(|n| n.escalation()).collect();
        assert!(!escalations.is_empty(), "{guide_id} never escalates");
        assert!(escalations.iter().all(|e| e.category == Some(category)), "{guide_id}: {escalations:?}");
    }
}

fn walk_to<'g>(guide: &'g Guide, answers: &[&str]) -> (&'g str, Walk) {
    let mut walk = Walk::start(guide);
    for answer in answers {
        walk = walk.choose(guide, answer).unwrap_or_else(|e| panic!("{answer}: {e:?} at {}", walk.current_node(guide).id));
    }
    (&walk.current_node(guide).id, walk)
}

#[test]
fn login_asked_again_after_a_while_is_solved_by_logging_in_again() {
    let catalog = catalog();
    let login = catalog.guide("login").unwrap();
    assert_eq!(walk_to(login, &["asked_again"]).0, "session_expired");
    assert_eq!(walk_to(login, &["asked_again", "yes"]).0, "login_ok");
    // Right credentials, still refused: check input → new password / lock check → update the app
    // → peak hours → escalate.
    assert_eq!(walk_to(login, &["refused", "no"]).0, "refused_reset");
    assert_eq!(walk_to(login, &["refused", "no", "no", "no", "no"]).0, "escalate_login");
}

#[test]
fn login_with_email_and_phone_both_lost_escalates_with_the_id_card() {
    let catalog = catalog();
    let login = catalog.guide("login").unwrap();
    let (node, walk) = walk_to(login, &["lost_access", "no", "both_lost"]);
    assert_eq!(node, "escalate_contact_lost");
    let escalation = walk.current_node(login).escalation().unwrap();
    assert!(escalation.attachments.contains(&AttachmentKind::IdCard));
}

#[test]
fn a_new_account_is_given_time_before_escalating() {
    let catalog = catalog();
    let login = catalog.guide("login").unwrap();
    let (node, walk) = walk_to(login, &["new_account"]);
    assert_eq!(node, "new_account_date");
    let today = Date::parse("2026-11-24").unwrap();
    let option = |date: &str| &walk.current_node(login).options[walk.date_option(login, Date::parse(date).unwrap(), today).unwrap()].next;
    assert_eq!(option("2026-11-20"), "new_account_wait");
    assert_eq!(option("2026-11-01"), "update_app");
}

#[test]
fn kpj_mismatch_without_a_fix_escalates_with_card_and_proof_of_employment() {
    let catalog = catalog();
    let kpj = catalog.guide("kpj").unwrap();
    let (node, walk) = walk_to(kpj, &["new_employer", "no", "no", "yes"]);
    assert_eq!(node, "escalate_kpj");
    let attachments = &walk.current_node(kpj).escalation().unwrap().attachments;
    assert!(attachments.contains(&AttachmentKind::KpjCard) && attachments.contains(&AttachmentKind::EmploymentProof));
}

#[test]
fn balance_not_shown_leads_to_linking_the_card() {
    let catalog = catalog();
    let balance = catalog.guide("balance").unwrap();
    assert_eq!(walk_to(balance, &["not_shown", "no"]).0, "link_card");
    assert_eq!(walk_to(balance, &["looks_wrong", "no", "yes"]).0, "escalate_arrears");
}

#[test]
fn jht_resignation_waits_one_month_from_the_letter() {
    let catalog = catalog();
    let jht = catalog.guide("jht").unwrap();
    let (node, walk) = walk_to(jht, &["can_i_claim", "resigned"]);
    assert_eq!(node, "resign_date");
    let today = Date::parse("2026-11-24").unwrap();
    let next = |date: &str| &walk.current_node(jht).options[walk.date_option(jht, Date::parse(date).unwrap(), today).unwrap()].next;
    assert_eq!(next("2026-10-25"), "wait_month");
    assert_eq!(next("2026-10-24"), "documents");
}

#[test]
fn a_jht_claim_past_five_working_days_escalates_with_high_urgency() {
    let catalog = catalog();
    let jht = catalog.guide("jht").unwrap();
    let (node, walk) = walk_to(jht, &["waiting"]);
    assert_eq!(node, "docs_complete_date");
    let today = Date::parse("2026-11-24").unwrap(); // Tuesday
    let next = |date: &str| {
        let option = walk.date_option(jht, Date::parse(date).unwrap(), today).unwrap();
        walk.choose_index(jht, option).unwrap()
    };
    assert_eq!(next("2026-11-18").current_node(jht).id, "wait_track", "Wednesday → Tuesday is 4 working days");
    assert_eq!(next("2026-11-17").current_node(jht).id, "wait_track", "Tuesday → Tuesday is 5 working days: not yet *more* than 5");
    let late = next("2026-11-16");
    assert_eq!(late.current_node(jht).id, "escalate_jht_late", "Monday → Tuesday is 6 working days");
    let node = walk.current_node(jht);
    assert_eq!(node.options[1].label.id, "Lebih dari 5 hari kerja");
    assert_eq!(node.options[0].label.id, "5 hari kerja atau kurang");
    assert_eq!(late.current_node(jht).escalation().unwrap().urgency, Urgency::High);
}

#[test]
fn something_else_goes_straight_to_a_complaint() {
    let catalog = catalog();
    let other = catalog.guide("other").unwrap();
    let start = Walk::start(other);
    assert_eq!(start.current_node(other).escalation().unwrap().category, Some(Category::Other));
}

fn staff_links(file: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    doc.split("https://<host>/").skip(1).map(|rest| format!("/{}", rest.split('`').next().unwrap())).collect()
}

#[test]
fn every_link_in_the_staff_guide_opens_a_step_and_every_guide_is_listed() {
    let catalog = catalog();
    let links = staff_links("../../docs/staff-links.md");
    assert!(links.len() >= 20, "{links:?}");
    for link in &links {
        assert!(!link.contains('#'), "docs/staff-links.md: {link} is not a path link");
        let decoded = Link::decode(link).unwrap_or_else(|e| panic!("docs/staff-links.md: {link}: {e:?}"));
        assert_ne!(catalog.open(&decoded), Opened::NotFound, "docs/staff-links.md: {link} opens nothing");
    }
    for guide in catalog.guides.iter() {
        let entry = format!("/{}", guide.id);
        assert!(links.contains(&entry), "docs/staff-links.md does not list {entry}");
    }
}

/// The staff guide as it was when links were fragments (`https://<host>/#/login`): those links were
/// sent to participants and must open the same step forever.
#[test]
fn every_link_already_shared_in_the_old_form_opens_the_same_step_as_its_path_link() {
    let catalog = catalog();
    let old = staff_links("tests/fixtures/staff-links-hash-form.md");
    assert!(old.len() >= 20 && old.iter().all(|l| l.starts_with("/#/")), "{old:?}");
    for link in &old {
        let fragment = link.trim_start_matches('/');
        let path = &fragment[1..];
        let opened = catalog.open(&Link::decode(fragment).unwrap_or_else(|e| panic!("{link}: {e:?}")));
        assert_ne!(opened, Opened::NotFound, "{link} opens nothing");
        assert_eq!(opened, catalog.open(&Link::decode(path).unwrap()), "{link} and {path} differ");
    }
}
