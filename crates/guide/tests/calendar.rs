//! The holiday calendar (content/holidays/<year>.toml) and the dates computed from it: working
//! days skip weekends, public holidays and cuti bersama — around Idulfitri and across the year
//! end —, "more than 5 working days" means more than 5, the check fails without the current
//! year and warns from November without the next, and the JHT "wait one month" page can say the
//! date from which the participant can claim.

use std::path::{Path, PathBuf};

use jmo_guide::date::{working_days_between, Date};
use jmo_guide::load::{load_checked_on, Content};
use jmo_guide::validate::check_calendar;
use jmo_guide::walk::Walk;
use jmo_guide::{Calendar, Catalog, DayOffKind, Language, Limit};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

fn d(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn content() -> Content {
    load_checked_on(&root(), d("2026-11-24")).unwrap_or_else(|p| panic!("{p:#?}"))
}

fn catalog() -> Catalog {
    content().catalog
}

#[test]
fn the_2026_calendar_is_the_skb_with_17_holidays_and_8_cuti_bersama_and_2027_is_marked_estimated() {
    let catalog = catalog();
    let year = catalog.calendar.year(2026).expect("content/holidays/2026.toml");
    assert!(!year.estimated);
    assert!(year.source.contains("1497/2025"), "{}", year.source);
    let count = |kind| year.days.iter().filter(|d| d.kind == kind).count();
    assert_eq!((count(DayOffKind::Holiday), count(DayOffKind::CutiBersama)), (17, 8));
    for (date, kind) in [("2026-03-20", DayOffKind::CutiBersama), ("2026-03-21", DayOffKind::Holiday), ("2026-03-24", DayOffKind::CutiBersama), ("2026-12-24", DayOffKind::CutiBersama), ("2026-12-25", DayOffKind::Holiday)] {
        assert_eq!(catalog.calendar.day_off(d(date)).map(|x| x.kind), Some(kind), "{date}");
    }
    let next = catalog.calendar.year(2027).expect("content/holidays/2027.toml");
    assert!(next.estimated, "no SKB for 2027 was found: the file must say it is an estimate");
    let raw = std::fs::read_to_string(root().join("holidays/2027.toml")).unwrap();
    assert!(raw.lines().any(|l| l.starts_with("# unverified")), "2027.toml keeps an # unverified note for editors");
    assert!(!catalog.calendar.is_working_day(d("2027-01-01")));
}

#[test]
fn working_days_skip_idulfitri_and_its_cuti_bersama() {
    let calendar = catalog().calendar;
    // Tue 17 March → Wed 25 March 2026: 18 cuti bersama Nyepi, 19 Nyepi, 20 cuti bersama,
    // 21–22 Idulfitri (weekend), 23–24 cuti bersama: only the 25th is a working day.
    assert_eq!(working_days_between(d("2026-03-17"), d("2026-03-25"), &calendar), 1);
    assert_eq!(working_days_between(d("2026-03-17"), d("2026-03-25"), &Calendar::default()), 6, "weekends only");
    // A week with Good Friday: Mon 30 March → Mon 6 April 2026 is 4 working days.
    assert_eq!(working_days_between(d("2026-03-30"), d("2026-04-06"), &calendar), 4);
    // The same stretch through the widget's date question: documents complete on 17 March.
    let jht = catalog();
    let guide = jht.guide("jht").unwrap();
    let walk = Walk::start(guide).choose(guide, "waiting").unwrap();
    let branch = |today: &str| &*walk.current_node(guide).options[walk.date_option_in(guide, &jht.calendar, d("2026-03-17"), d(today)).unwrap()].id;
    assert_eq!(branch("2026-03-31"), "within_5_days", "25, 26, 27, 30, 31 March: exactly 5 working days is not late");
    assert_eq!(branch("2026-04-01"), "over_5_days", "the 6th working day: more than 5");
}

#[test]
fn working_days_cross_the_year_end_through_christmas_and_new_year() {
    let calendar = catalog().calendar;
    // Mon 21 Dec 2026: 22, 23, (24 cuti bersama, 25 Christmas), 28, 29, 30 = 5; the 31st is the 6th.
    assert_eq!(working_days_between(d("2026-12-21"), d("2026-12-30"), &calendar), 5);
    assert_eq!(working_days_between(d("2026-12-21"), d("2026-12-31"), &calendar), 6);
    // Tue 22 Dec 2026: 23, (24, 25), 28, 29, 30, 31 = 5; then 1 Jan 2027 is New Year: the 6th
    // working day is Monday 4 January 2027.
    assert_eq!(working_days_between(d("2026-12-22"), d("2027-01-03"), &calendar), 5);
    assert_eq!(Limit::WorkingDays(6).reached_on(d("2026-12-22"), &calendar), d("2027-01-04"));
    assert!(!Limit::WorkingDays(6).reached(d("2026-12-22"), d("2027-01-03"), &calendar));
    assert!(Limit::WorkingDays(6).reached(d("2026-12-22"), d("2027-01-04"), &calendar));
    // A day off on a weekend is not subtracted twice: 21–22 March 2026 are a Saturday and Sunday.
    assert_eq!(working_days_between(d("2026-03-20"), d("2026-03-22"), &calendar), 0);
}

#[test]
fn the_check_fails_without_this_years_holidays_and_warns_from_november_without_next_years() {
    let calendar = catalog().calendar;
    let (problems, warnings) = check_calendar(&calendar, d("2026-11-24"));
    assert!(problems.is_empty() && warnings.is_empty(), "{problems:?} {warnings:?}");
    let (problems, _) = check_calendar(&calendar, d("2028-01-02"));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].file, "content/holidays/2028.toml");
    assert!(problems[0].message.starts_with("missing"));
    let (problems, warnings) = check_calendar(&calendar, d("2027-10-31"));
    assert!(problems.is_empty() && warnings.is_empty(), "October: nothing yet");
    let (problems, warnings) = check_calendar(&calendar, d("2027-11-01"));
    assert!(problems.is_empty());
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].file, "content/holidays/2028.toml");
}

#[test]
fn a_holiday_file_with_a_wrong_date_kind_year_or_a_day_twice_is_refused_by_name() {
    let dir = std::env::temp_dir().join(format!("jmo-guide-calendar-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"), &dir);
    let day = |date: &str, kind: &str| format!("[[day]]\ndate = \"{date}\"\nkind = \"{kind}\"\nname.id = \"Libur\"\nname.en = \"Holiday\"\n\n");
    let write = |name: &str, text: String| std::fs::write(dir.join("holidays").join(name), text).unwrap();
    let head = |year: i32| format!("year = {year}\nstatus = \"official\"\nsource = \"test\"\n\n");
    let today = d("2026-11-24");
    let messages = |dir: &Path| load_checked_on(dir, today).map(|_| Vec::new()).unwrap_or_else(|p| p.iter().map(|p| p.to_string()).collect::<Vec<_>>());

    write("2027.toml", head(2027) + &day("2027-02-30", "holiday"));
    assert!(messages(&dir).iter().any(|m| m == "content/holidays/2027.toml: node `2027-02-30`: not a date: write it as YYYY-MM-DD"), "{:?}", messages(&dir));
    write("2027.toml", head(2027) + &day("2027-01-01", "libur"));
    assert!(messages(&dir).iter().any(|m| m.contains("unknown kind `libur`")), "{:?}", messages(&dir));
    write("2027.toml", head(2028) + &day("2028-01-01", "holiday"));
    assert!(messages(&dir).iter().any(|m| m.starts_with("content/holidays/2027.toml") && m.contains("must match the file name")), "{:?}", messages(&dir));
    write("2027.toml", head(2027) + &day("2027-01-01", "holiday") + &day("2027-01-01", "cuti_bersama") + &day("2026-12-31", "holiday"));
    let found = messages(&dir);
    assert!(found.iter().any(|m| m.contains("`2027-01-01`: listed twice")), "{found:?}");
    assert!(found.iter().any(|m| m.contains("`2026-12-31`: date is not in 2027")), "{found:?}");
    std::fs::remove_file(dir.join("holidays/2027.toml")).unwrap();
    std::fs::remove_file(dir.join("holidays/2026.toml")).unwrap();
    assert!(messages(&dir).iter().any(|m| m.starts_with("content/holidays/2026.toml: missing")), "{:?}", messages(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

// ── Computed dates ─────────────────────────────────────────────────────────────────────────

#[test]
fn wait_one_month_after_resigning_states_the_date_from_which_to_claim() {
    let catalog = catalog();
    let jht = catalog.guide("jht").unwrap();
    let at_date = Walk::start(jht).choose(jht, "can_i_claim").unwrap().choose(jht, "resigned").unwrap();
    assert_eq!(at_date.current_node(jht).id, "resign_date");
    let (letter, today) = (d("2026-12-15"), d("2026-12-20"));
    assert_eq!(at_date.date_text(&catalog, jht, letter, today, Language::Id).as_deref(), Some("Anda bisa mengajukan klaim JHT mulai 15 Januari 2027."));
    assert_eq!(at_date.date_text(&catalog, jht, letter, today, Language::En).as_deref(), Some("You can claim your JHT from 15 January 2027."));
    // On the page the branch leads to, with the date the page kept (the link has only ids).
    let option = at_date.date_option_in(jht, &catalog.calendar, letter, today).unwrap();
    let waiting = at_date.choose_index(jht, option).unwrap();
    assert_eq!(waiting.current_node(jht).id, "wait_month");
    assert_eq!(waiting.date_text(&catalog, jht, letter, today, Language::Id).as_deref(), Some("Anda bisa mengajukan klaim JHT mulai 15 Januari 2027."));
    assert!(!crate_link(jht, &waiting).contains("2026"), "the date never goes into the link");
    // A month shorter than the day: the month's last day.
    assert_eq!(at_date.date_text(&catalog, jht, d("2027-01-31"), d("2027-02-10"), Language::Id).as_deref(), Some("Anda bisa mengajukan klaim JHT mulai 28 Februari 2027."));
    // A month or more has passed: the branch has no date to give.
    assert_eq!(at_date.date_text(&catalog, jht, d("2026-10-01"), d("2026-12-20"), Language::Id), None);
    // A date that does not fit the branch the walk took gives nothing rather than a wrong date.
    assert_eq!(waiting.date_text(&catalog, jht, d("2026-10-01"), today, Language::Id), None);
    // Pages that do not follow a date question have no computed date.
    assert_eq!(Walk::start(jht).date_text(&catalog, jht, letter, today, Language::Id), None);
}

fn crate_link(guide: &jmo_guide::Guide, walk: &Walk) -> String {
    jmo_guide::link::Link::to_step(guide, walk).encode()
}

#[test]
fn a_claim_within_five_working_days_says_when_it_becomes_late_skipping_the_year_end_holidays() {
    let catalog = catalog();
    let jht = catalog.guide("jht").unwrap();
    let walk = Walk::start(jht).choose(jht, "waiting").unwrap();
    let text = walk.date_text(&catalog, jht, d("2026-12-22"), d("2026-12-30"), Language::Id);
    assert_eq!(text.as_deref(), Some("Jika pada 4 Januari 2027 klaim Anda belum dibayar, buka panduan ini lagi."));
    let text = walk.date_text(&catalog, jht, d("2026-12-22"), d("2026-12-30"), Language::En);
    assert_eq!(text.as_deref(), Some("If your claim has not been paid by 4 January 2027, open this guide again."));
}

#[test]
fn every_date_text_in_the_content_formats_for_every_branch_date() {
    let catalog = catalog();
    let today = d("2026-11-24");
    let mut seen = 0;
    for guide in catalog.guides.iter() {
        for (index, node) in guide.nodes.iter().enumerate().filter(|(_, n)| n.options.iter().any(|o| !o.date_text.is_empty())) {
            let walk = Walk::shortest_to(guide, index).unwrap();
            for days_ago in 0..400 {
                let entered = Date::from_days_since_epoch(today.days_since_epoch() - days_ago);
                let option = walk.date_option_in(guide, &catalog.calendar, entered, today).unwrap();
                let has_text = !node.options[option].date_text.is_empty();
                for lang in Language::ALL {
                    let text = walk.date_text(&catalog, guide, entered, today, lang);
                    assert_eq!(text.is_some(), has_text, "{}/{} {entered:?}", guide.id, node.id);
                    if let Some(text) = text {
                        assert!(!text.contains('{') && text.chars().any(|c| c.is_ascii_digit()), "{text}");
                        seen += 1;
                    }
                }
            }
        }
    }
    assert!(seen > 0);
}
