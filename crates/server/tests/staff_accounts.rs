//! `jmo-selfhelp-server staff …` against the real binary and a fresh SQLite file per test:
//! accounts added with the password on standard input, only an argon2id hash stored, the
//! password policy's refusals, the states `staff list` shows, and an audit event per change.

mod support;

use jmo_selfhelp_server::accounts::StoredPassword;
use jmo_testkit::Finished;
use scenarios::contains;
use sqlx::Row;
use support::staff::{assert_refused, staff, PASSWORD};
use support::*;

fn add_admin(url: &str, username: &str) -> Finished {
    staff(url, &["add", username, "--name", "Siti Aminah", "--role", "admin"], &format!("{PASSWORD}\n"))
}

async fn db(url: &str) -> sqlx::SqlitePool {
    sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(url).await.unwrap()
}

async fn account_count(url: &str) -> i64 {
    let db = db(url).await;
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM staff_accounts").fetch_one(&db).await.unwrap();
    db.close().await;
    n
}

/// The database file, its WAL and shared-memory index, as bytes on disk.
fn raw_files(url: &str) -> Vec<(String, Vec<u8>)> {
    let db = url.strip_prefix("sqlite://").unwrap();
    ["", "-wal", "-shm"].iter().filter_map(|s| std::fs::read(format!("{db}{s}")).ok().map(|b| (format!("{db}{s}"), b))).collect()
}

#[tokio::test]
async fn an_admin_added_with_the_password_on_stdin_is_listed_and_only_a_hash_is_stored() {
    let (_dir, url) = sqlite_db();
    // At the most verbose logging, to show that nothing logs the password.
    let added = launch(&url).env("RUST_LOG", "trace").run(&["staff", "add", "Siti.Admin", "--name", "Siti Aminah", "--role", "admin"], &format!("{PASSWORD}\r\n"));
    assert_eq!(added.code, Some(0), "{}", added.output());
    let list = staff(&url, &["list"], "");
    assert_eq!(list.code, Some(0), "{}", list.output());
    let line = list.stdout.lines().find(|l| l.starts_with("siti.admin ")).unwrap_or_else(|| panic!("{}", list.stdout));
    let columns: Vec<&str> = line.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
    assert_eq!(columns, ["siti.admin", "Siti Aminah", "admin", "-", "active"]);

    let db = db(&url).await;
    let row = sqlx::query("SELECT id, username, password_hash FROM staff_accounts").fetch_one(&db).await.unwrap();
    let hash: String = row.get("password_hash");
    let id: String = row.get("id");
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    assert!(!list.output().contains("$argon2") && !added.output().contains("$argon2"), "a hash was printed");
    // The password, as typed (CR LF was the line's end, not part of it).
    let stored = StoredPassword::from_phc(hash);
    assert!(stored.verify(PASSWORD));
    let audit = sqlx::query("SELECT actor, action, ticket, client_ip, staff_account FROM audit_events").fetch_all(&db).await.unwrap();
    assert_eq!(audit.len(), 1);
    let field = |name: &str| audit[0].get::<Option<String>, _>(name);
    assert_eq!(
        (field("actor"), field("action"), field("ticket"), field("client_ip"), field("staff_account")),
        (Some("cli".into()), Some("staff_account_added".into()), None, None, Some(id))
    );
    db.close().await;

    for (what, text) in [("the output", added.output()), ("the list", list.output())] {
        assert!(!text.contains(PASSWORD) && !text.contains("pelangi"), "the password is in {what}:\n{text}");
    }
    for (path, bytes) in raw_files(&url) {
        assert!(!contains(&bytes, PASSWORD.as_bytes()) && !contains(&bytes, b"pelangi"), "the password is in {path}");
    }
}

#[tokio::test]
async fn weak_short_and_username_passwords_are_refused_and_store_nothing() {
    let (_dir, url) = sqlite_db();
    let add = |username: &str, password: &str| staff(&url, &["add", username, "--name", "Budi Santoso", "--role", "supervisor"], &format!("{password}\n"));
    assert_refused(&add("budi", "password123456"), "password_too_weak", "too easy to guess", "terlalu mudah ditebak");
    assert_refused(&add("budi.santoso", "budi.santoso2024"), "password_contains_username", "must not contain the username", "tidak boleh memuat nama pengguna");
    assert_refused(&add("budi", "Kq8#vL2m!pZ"), "password_too_short", "at least 12 characters", "minimal 12 karakter");
    assert_refused(&add("budi", &"Kq8#vL2m!pZ4rT".repeat(10)), "password_too_long", "at most 128 characters", "paling banyak 128 karakter");
    let nothing = add("budi", "");
    assert_eq!(nothing.code, Some(1), "{}", nothing.output());
    assert!(nothing.stderr.contains("no password on standard input"), "{}", nothing.stderr);
    for run in [add("budi", "password123456"), add("budi.santoso", "budi.santoso2024")] {
        assert!(!run.output().contains("password123456") && !run.output().contains("budi.santoso2024"), "{}", run.output());
    }
    assert_eq!(account_count(&url).await, 0);
    let db = db(&url).await;
    let audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events").fetch_one(&db).await.unwrap();
    assert_eq!(audit, 0, "a refused change is not a change");
    db.close().await;
}

#[tokio::test]
async fn a_taken_username_an_agent_without_a_unit_and_a_wrong_command_line_are_refused() {
    let (_dir, url) = sqlite_db();
    assert_eq!(add_admin(&url, "siti.admin").code, Some(0));
    // Usernames are compared as stored: lower case.
    assert_refused(&add_admin(&url, "SITI.ADMIN"), "username_taken", "already taken", "sudah dipakai");
    let agent = staff(&url, &["add", "budi", "--name", "Budi", "--role", "agent"], &format!("{PASSWORD}\n"));
    assert_refused(&agent, "unit_required", "An agent needs a unit", "Agen wajib punya unit");
    assert_refused(&staff(&url, &["add", "budi", "--name", "Budi", "--role", "root"], ""), "role_invalid", "agent, supervisor or admin", "Peran harus");
    assert_refused(&staff(&url, &["add", "b", "--name", "Budi", "--role", "admin"], ""), "username_invalid", "3–32 characters", "3–32 karakter");
    assert_eq!(account_count(&url).await, 1);

    for wrong in [&["add", "budi", "--role", "admin"][..], &["add", "--name", "Budi", "--role", "admin"], &["frob"], &["list", "extra"], &["disable", "a", "b"], &["add", "budi", "--name"]] {
        let run = staff(&url, wrong, "");
        assert_eq!(run.code, Some(2), "{wrong:?}: {}", run.output());
        assert!(run.stderr.contains("staff add <username>"), "{wrong:?} should show the usage: {}", run.stderr);
    }
    let help = staff(&url, &["--help"], "");
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("staff set-password <username>"), "{}", help.stdout);
    let unknown = staff(&url, &["disable", "nobody"], "");
    assert_refused(&unknown, "account_unknown", "No staff account", "Tidak ada akun petugas");
    // Nothing panics on the way.
    for run in [&agent, &unknown] {
        assert!(!run.output().contains("panicked"), "{}", run.output());
    }
}

#[tokio::test]
async fn disable_enable_unlock_and_set_password_change_the_account_and_each_is_audited() {
    let (_dir, url) = sqlite_db();
    support::staff::account_changes(&url).await;
    for (path, bytes) in raw_files(&url) {
        for secret in [PASSWORD, "tujuh ekor kucing tidur siang", "password123456"] {
            assert!(!contains(&bytes, secret.as_bytes()), "{secret:?} is in {path}");
        }
    }
}
