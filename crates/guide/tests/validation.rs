//! Every content defect the checks must catch, each with a broken fixture in
//! `tests/fixtures/broken/` whose header says which message it must produce.

use std::path::{Path, PathBuf};

use jmo_guide::date::Date;
use jmo_guide::load::{load_checked_on, parse_guide};
use jmo_guide::validate::validate;
use jmo_guide::Catalog;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixtures' holiday calendar covers 2026: check them as if today were in it.
fn load_checked(dir: &Path) -> Result<jmo_guide::load::Content, Vec<jmo_guide::validate::Problem>> {
    load_checked_on(dir, Date::parse("2026-11-24").unwrap())
}

fn valid_catalog() -> Catalog {
    match load_checked(&fixtures().join("valid")) {
        Ok(content) => content.catalog,
        Err(problems) => panic!("the valid fixture must pass: {problems:#?}"),
    }
}

#[test]
fn the_valid_fixture_passes() {
    let catalog = valid_catalog();
    assert_eq!(catalog.guides.len(), 1);
    assert_eq!(catalog.guide("demo").unwrap().nodes.len(), 7);
}

#[test]
fn each_broken_fixture_is_refused_with_its_file_node_and_reason() {
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(fixtures().join("broken")).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let source = std::fs::read_to_string(&path).unwrap();
        let expect = header(&source, "# expect: ").next().unwrap_or_else(|| panic!("{path:?} has no `# expect:` line"));
        let lock: Vec<String> = header(&source, "# lock: ").map(str::to_owned).collect();

        let problems = match parse_guide("content/guides/demo.toml", &source) {
            Err(problems) => problems,
            Ok(guide) => {
                let mut catalog = valid_catalog();
                catalog.guides = vec![guide].into();
                validate(&catalog, &lock)
            }
        };
        let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            messages.iter().any(|m| m.starts_with("content/guides/demo.toml") && m.contains(expect)),
            "{}: expected a problem containing {expect:?}, got {messages:#?}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} broken fixtures found");
}

fn header<'a>(source: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> {
    source.lines().take_while(|l| l.starts_with('#')).filter_map(move |l| l.strip_prefix(prefix))
}

#[test]
fn a_problem_in_one_file_names_that_file() {
    let dir = tempdir("missing-start");
    copy_dir(&fixtures().join("valid"), &dir);
    std::fs::write(dir.join("start.toml"), "title.id = \"Apa kendala Anda?\"\nguides = [\"demo\", \"ghost\"]\n").unwrap();
    let problems = load_checked(&dir).unwrap_err();
    let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(messages.iter().any(|m| m == "content/start.toml: missing translation: title has no English text (`.en`)"), "{messages:#?}");
    assert!(messages.iter().any(|m| m == "content/start.toml: lists guide `ghost`, which does not exist"), "{messages:#?}");
}

#[test]
fn a_guide_file_whose_id_differs_from_its_name_is_refused() {
    let dir = tempdir("renamed");
    copy_dir(&fixtures().join("valid"), &dir);
    std::fs::rename(dir.join("guides/demo.toml"), dir.join("guides/other.toml")).unwrap();
    let messages: Vec<String> = load_checked(&dir).unwrap_err().iter().map(|p| p.to_string()).collect();
    assert!(messages.iter().any(|m| m.contains("content/guides/other.toml") && m.contains("must match the file name")), "{messages:#?}");
}

#[test]
fn toml_syntax_errors_point_at_the_file_and_line() {
    let problems = parse_guide("content/guides/demo.toml", "id = \"demo\"\nstart = \n").unwrap_err();
    let message = problems[0].to_string();
    assert!(message.starts_with("content/guides/demo.toml: "), "{message}");
    assert!(message.contains("line 2"), "{message}");
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jmo-guide-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_guide_may_not_take_the_id_of_a_page_of_the_widget() {
    let mut catalog = valid_catalog();
    let mut guides: Vec<_> = catalog.guides.iter().cloned().collect();
    guides[0].id = "check".into();
    catalog.guides = guides.into();
    let messages: Vec<String> = validate(&catalog, &[]).iter().map(|p| p.to_string()).collect();
    assert!(messages.iter().any(|m| m.contains("guide id `check` is reserved")), "{messages:#?}");
}
