//! `jmo-selfhelp-server staff …` run once per command on a database, SQLite or PostgreSQL: the
//! changes `staff list` shows and the audit event each leaves.

use super::*;
use jmo_selfhelp_server::accounts::{Username, MAX_FAILED_LOGINS};
use jmo_selfhelp_server::crypto::KeyRing;
use jmo_selfhelp_server::store::Store;
use jmo_testkit::Finished;
use sqlx::Row;

/// A password the policy accepts.
pub const PASSWORD: &str = "pelangi tujuh warna di atas genteng";

/// `jmo-selfhelp-server staff <args>` on the database `url`, `stdin` as its standard input.
pub fn staff(url: &str, args: &[&str], stdin: &str) -> Finished {
    let mut all = vec!["staff"];
    all.extend_from_slice(args);
    launch(url).run(&all, stdin)
}

/// The state column of `username`'s line in `staff list`.
pub fn state_of(url: &str, username: &str) -> String {
    let list = staff(url, &["list"], "");
    assert_eq!(list.code, Some(0), "{}", list.output());
    let line = list.stdout.lines().find(|l| l.split_whitespace().next() == Some(username)).unwrap_or_else(|| panic!("{username} not listed:\n{}", list.stdout));
    line.split_whitespace().last().unwrap_or_default().to_string()
}

/// Refused by a rule: exit code 1, the code and both texts on standard error.
pub fn assert_refused(run: &Finished, code: &str, english: &str, indonesian: &str) {
    assert_eq!(run.code, Some(1), "{}", run.output());
    assert!(run.stderr.contains(code) && run.stderr.contains(english) && run.stderr.contains(indonesian), "{}", run.stderr);
}

/// An agent is added, disabled, enabled, locked by five failed logins (recorded through the
/// store, as the next slice's login will), unlocked and given a new password; `staff list`
/// follows each change, a taken username is refused, and every change leaves one audit event
/// by `cli` naming the account, never a password. The database must hold no staff account yet.
pub async fn account_changes(url: &str) {
    let added = staff(url, &["add", "budi", "--name", "Budi Santoso", "--role", "agent", "--unit", "back_office"], &format!("{PASSWORD}\n"));
    assert_eq!(added.code, Some(0), "{}", added.output());
    assert_eq!(state_of(url, "budi"), "active");
    let taken = staff(url, &["add", "Budi", "--name", "Budi", "--role", "admin"], &format!("{PASSWORD}\n"));
    assert_refused(&taken, "username_taken", "already taken", "sudah dipakai");
    assert_eq!(staff(url, &["disable", "budi"], "").code, Some(0));
    assert_eq!(state_of(url, "budi"), "disabled");
    assert_eq!(staff(url, &["enable", "BUDI"], "").code, Some(0));
    assert_eq!(state_of(url, "budi"), "active");

    let keys = Arc::new(KeyRing::parse(DATA_KEY).unwrap());
    let store = Store::open(url, false, keys).await.unwrap();
    let budi = Username::parse("budi").unwrap();
    let (account, _) = store.staff_account(&budi).await.unwrap().unwrap();
    let now = jmo_selfhelp_server::clock::now();
    for _ in 0..MAX_FAILED_LOGINS {
        store.record_staff_login_failure(&account.id, now).await.unwrap();
    }
    assert_eq!(state_of(url, "budi"), "locked");
    assert_eq!(staff(url, &["unlock", "budi"], "").code, Some(0));
    assert_eq!(state_of(url, "budi"), "active");
    assert_eq!(store.staff_account(&budi).await.unwrap().unwrap().0.lockout, Default::default());

    let new_password = "tujuh ekor kucing tidur siang";
    assert_refused(&staff(url, &["set-password", "budi"], "password123456\n"), "password_too_weak", "too easy to guess", "terlalu mudah ditebak");
    let set = staff(url, &["set-password", "budi"], &format!("{new_password}\n"));
    assert_eq!(set.code, Some(0), "{}", set.output());
    let (_, stored) = store.staff_account(&budi).await.unwrap().unwrap();
    assert!(stored.verify(new_password) && !stored.verify(PASSWORD));
    assert!(stored.as_phc().starts_with("$argon2id$"));
    store.close().await;

    sqlx::any::install_default_drivers();
    let db = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(url).await.unwrap();
    let audit = sqlx::query("SELECT actor, action, staff_account, ticket FROM audit_events WHERE staff_account IS NOT NULL").fetch_all(&db).await.unwrap();
    let mut actions: Vec<String> = audit.iter().map(|r| r.get("action")).collect();
    actions.sort();
    assert_eq!(actions, ["staff_account_added", "staff_account_disabled", "staff_account_enabled", "staff_account_unlocked", "staff_password_set"]);
    for row in &audit {
        assert_eq!(row.get::<String, _>("actor"), "cli");
        assert_eq!(row.get::<Option<String>, _>("staff_account").as_deref(), Some(account.id.as_str()));
        assert_eq!(row.get::<Option<String>, _>("ticket"), None);
    }
    db.close().await;
    for run in [&added, &taken, &set] {
        for secret in [PASSWORD, new_password, stored.as_phc()] {
            assert!(!run.output().contains(secret), "{secret:?} printed:\n{}", run.output());
        }
    }
}
