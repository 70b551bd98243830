//! Named staff accounts (issue 12): who works complaints, in which role and unit, and the
//! password that proves it. Passwords are kept only as argon2id PHC strings and must pass a
//! policy (12–128 characters, a zxcvbn score of at least 3, not containing the username); five
//! failed logins in a row lock an account for 15 minutes. The rules are pure functions; the
//! `Store` methods at the end read and write `staff_accounts`, each change with its audit event.

use crate::store::{insert_staff_audit, Audit, DbError, Store};
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use jmo_contract::Timestamp;
use sqlx::{Connection, Row};

/// The refusals of this module, stable snake_case like the contract's codes.
pub mod codes {
    pub const USERNAME_INVALID: &str = "username_invalid";
    pub const USERNAME_TAKEN: &str = "username_taken";
    pub const DISPLAY_NAME_INVALID: &str = "display_name_invalid";
    pub const ROLE_INVALID: &str = "role_invalid";
    pub const UNIT_INVALID: &str = "unit_invalid";
    pub const UNIT_REQUIRED: &str = "unit_required";
    pub const PASSWORD_TOO_SHORT: &str = "password_too_short";
    pub const PASSWORD_TOO_LONG: &str = "password_too_long";
    pub const PASSWORD_TOO_WEAK: &str = "password_too_weak";
    pub const PASSWORD_CONTAINS_USERNAME: &str = "password_contains_username";
    /// The password and its confirmation, typed twice, are not the same.
    pub const PASSWORDS_DIFFER: &str = "passwords_differ";
    pub const ACCOUNT_UNKNOWN: &str = "account_unknown";
}

/// Each code's text in Indonesian and English (as `messages.rs` does for the API's codes).
const TEXTS: &[(&str, &str, &str)] = &[
    (codes::USERNAME_INVALID, "Nama pengguna harus 3–32 karakter: huruf kecil a–z, angka 0–9, titik, garis bawah, atau tanda hubung.",
        "The username must be 3–32 characters: lower-case letters a–z, digits 0–9, dot, underscore or hyphen."),
    (codes::USERNAME_TAKEN, "Nama pengguna ini sudah dipakai.", "This username is already taken."),
    (codes::DISPLAY_NAME_INVALID, "Nama tampilan wajib diisi, paling banyak 100 karakter, tanpa karakter kontrol.",
        "The display name is required: at most 100 characters, no control characters."),
    (codes::ROLE_INVALID, "Peran harus agent, supervisor, atau admin.", "The role must be agent, supervisor or admin."),
    (codes::UNIT_INVALID, "Unit harus berupa kode 2–32 karakter yang diawali huruf: huruf kecil a–z, angka 0–9, atau garis bawah (mis. back_office).",
        "The unit must be a code of 2–32 characters starting with a letter: lower-case letters a–z, digits 0–9 or underscore (e.g. back_office)."),
    (codes::UNIT_REQUIRED, "Agen wajib punya unit: it, back_office, digital, atau branch.", "An agent needs a unit: it, back_office, digital or branch."),
    (codes::PASSWORD_TOO_SHORT, "Kata sandi terlalu pendek: minimal 12 karakter.", "The password is too short: at least 12 characters."),
    (codes::PASSWORD_TOO_LONG, "Kata sandi terlalu panjang: paling banyak 128 karakter.", "The password is too long: at most 128 characters."),
    (codes::PASSWORD_TOO_WEAK, "Kata sandi terlalu mudah ditebak. Gunakan beberapa kata acak atau kalimat panjang yang hanya Anda ketahui.",
        "The password is too easy to guess. Use several random words or a long sentence only you know."),
    (codes::PASSWORD_CONTAINS_USERNAME, "Kata sandi tidak boleh memuat nama pengguna.", "The password must not contain the username."),
    (codes::PASSWORDS_DIFFER, "Kedua kata sandi yang diketik tidak sama.", "The two passwords typed are not the same."),
    (codes::ACCOUNT_UNKNOWN, "Tidak ada akun petugas dengan nama pengguna ini.", "No staff account has this username."),
];

/// A rule of this module said no: a stable code with its text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal(pub &'static str);

impl Refusal {
    pub fn code(self) -> &'static str {
        self.0
    }

    /// (Indonesian, English).
    pub fn message(self) -> (&'static str, &'static str) {
        TEXTS.iter().find(|(c, _, _)| *c == self.0).map_or(("Nilai ini tidak diterima.", "This value is not accepted."), |(_, id, en)| (*id, *en))
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (id, en) = self.message();
        write!(f, "{}: {id} / {en}", self.0)
    }
}

/// A login name: 3–32 of `a-z 0-9 . _ -`, stored lower case (typed in any case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Username, Refusal> {
        let name = input.trim().to_ascii_lowercase();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
        if (3..=32).contains(&name.len()) && name.chars().all(allowed) {
            Ok(Username(name))
        } else {
            Err(Refusal(codes::USERNAME_INVALID))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Works the complaints routed to their unit.
    Agent,
    /// Oversees the queues and the agents' work.
    Supervisor,
    /// Manages staff accounts and the service's settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Agent, Role::Supervisor, Role::Admin];

    pub fn parse(input: &str) -> Result<Role, Refusal> {
        let input = input.trim();
        Role::ALL.into_iter().find(|r| r.as_str().eq_ignore_ascii_case(input)).ok_or(Refusal(codes::ROLE_INVALID))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
}

/// The unit a complaint is routed to, as a code (`[a-z][a-z0-9_]{1,31}`): the study's units are
/// [`KNOWN_UNITS`]; others (a particular branch, say) are accepted, and the CLI points them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit(String);

/// The units the agency's complaint flow routes to (DOMAIN.md): IT, back office, digital
/// service, branch.
pub const KNOWN_UNITS: [&str; 4] = ["it", "back_office", "digital", "branch"];

impl Unit {
    pub fn parse(input: &str) -> Result<Unit, Refusal> {
        let unit = input.trim().to_ascii_lowercase();
        let well_formed = (2..=32).contains(&unit.len())
            && unit.starts_with(|c: char| c.is_ascii_lowercase())
            && unit.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if well_formed { Ok(Unit(unit)) } else { Err(Refusal(codes::UNIT_INVALID)) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_known(&self) -> bool {
        KNOWN_UNITS.contains(&self.0.as_str())
    }
}

/// A display name: trimmed, 1–100 characters, no control characters.
pub fn parse_display_name(input: &str) -> Result<String, Refusal> {
    let name = input.trim();
    if (1..=100).contains(&name.chars().count()) && !name.chars().any(char::is_control) {
        Ok(name.to_string())
    } else {
        Err(Refusal(codes::DISPLAY_NAME_INVALID))
    }
}

/// An account to create, every field checked; an agent has a unit.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub unit: Option<Unit>,
}

impl NewAccount {
    pub fn new(username: &str, display_name: &str, role: &str, unit: Option<&str>) -> Result<NewAccount, Refusal> {
        let account = NewAccount {
            username: Username::parse(username)?,
            display_name: parse_display_name(display_name)?,
            role: Role::parse(role)?,
            unit: unit.map(Unit::parse).transpose()?,
        };
        if account.role == Role::Agent && account.unit.is_none() {
            return Err(Refusal(codes::UNIT_REQUIRED));
        }
        Ok(account)
    }
}

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;
/// The least zxcvbn score accepted (0–4; 3 is "safely unguessable", over 10⁸ guesses).
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// Words anyone would try first against this service's staff.
const SERVICE_WORDS: &[&str] = &["bpjs", "bpjstk", "jamsostek", "ketenagakerjaan", "jmo", "selfhelp", "petugas", "admin"];

/// The password policy: 12–128 characters, not containing the username (in any case), and a
/// zxcvbn score of at least [`MIN_PASSWORD_SCORE`] — zxcvbn knows common passwords, names,
/// keyboard patterns, dates and repeats, and is told the username, the person's name words and
/// the service's own words.
pub fn check_password(password: &str, username: &Username, display_name: &str) -> Result<(), Refusal> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Refusal(codes::PASSWORD_TOO_SHORT));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Refusal(codes::PASSWORD_TOO_LONG));
    }
    if password.to_lowercase().contains(username.as_str()) {
        return Err(Refusal(codes::PASSWORD_CONTAINS_USERNAME));
    }
    let mut known: Vec<&str> = SERVICE_WORDS.to_vec();
    known.push(username.as_str());
    known.extend(display_name.split_whitespace());
    if only_known_words(password, &known) || u8::from(zxcvbn::zxcvbn(password, &known).score()) < MIN_PASSWORD_SCORE {
        return Err(Refusal(codes::PASSWORD_TOO_WEAK));
    }
    Ok(())
}

/// Whether the letters of `password` are nothing but `known` words one after the other (with
/// digits and signs between them, which add little): `bpjsketenagakerjaan2025`, `SitiAminah1990`.
/// zxcvbn scores such joins by multiplying the guesses of their parts, which lets them pass.
fn only_known_words(password: &str, known: &[&str]) -> bool {
    let letters: Vec<char> = password.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect();
    let words: Vec<Vec<char>> = known.iter().map(|w| w.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect()).filter(|w: &Vec<char>| !w.is_empty()).collect();
    // `ends[i]`: the first `i` letters are known words joined.
    let mut ends = vec![false; letters.len() + 1];
    ends[0] = true;
    for i in 0..letters.len() {
        if !ends[i] {
            continue;
        }
        for word in &words {
            if letters[i..].starts_with(word) {
                ends[i + word.len()] = true;
            }
        }
    }
    // Signs and digits alone are zxcvbn's to judge.
    !letters.is_empty() && ends[letters.len()]
}

/// A password as stored: an argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), with
/// its own random salt. Its `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredPassword(String);

impl std::fmt::Debug for StoredPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoredPassword(…)")
    }
}

impl StoredPassword {
    /// Hashes with argon2id at the crate's default cost (19 MiB, 2 passes: OWASP's minimum).
    /// Check the policy first: this accepts any password.
    pub fn hash(password: &str) -> Result<StoredPassword, String> {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|phc| StoredPassword(phc.to_string()))
            .map_err(|e| format!("hashing the password failed: {e}"))
    }

    pub fn from_phc(phc: String) -> StoredPassword {
        StoredPassword(phc)
    }

    pub fn as_phc(&self) -> &str {
        &self.0
    }

    /// Whether `password` is the one stored, with the parameters the PHC string names; the
    /// outputs are compared in constant time. A malformed stored value matches nothing.
    pub fn verify(&self, password: &str) -> bool {
        PasswordHash::new(&self.0).is_ok_and(|phc| Argon2::default().verify_password(password.as_bytes(), &phc).is_ok())
    }
}

/// Failed logins in a row before an account locks.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_SECS: i64 = 15 * 60;

/// An account's failed-login count and lock, as plain arithmetic (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lockout {
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
}

impl Lockout {
    pub fn is_locked(self, now: i64) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    /// After a wrong password: the [`MAX_FAILED_LOGINS`]th in a row locks the account for
    /// [`LOCKOUT_SECS`] and starts the count again. While locked, nothing changes (a login is
    /// refused then without trying the password).
    pub fn after_failure(self, now: i64) -> Lockout {
        if self.is_locked(now) {
            return self;
        }
        let failed_logins = self.failed_logins.max(0) + 1;
        if failed_logins >= MAX_FAILED_LOGINS {
            Lockout { failed_logins: 0, locked_until: Some(now + LOCKOUT_SECS) }
        } else {
            Lockout { failed_logins, locked_until: None }
        }
    }

    /// After a successful login, or an unlock: no failures, no lock.
    pub fn cleared(self) -> Lockout {
        Lockout::default()
    }
}

/// What `staff list` says of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountState {
    Active,
    Locked { until: i64 },
    Disabled,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Active => "active",
            AccountState::Locked { .. } => "locked",
            AccountState::Disabled => "disabled",
        }
    }
}

/// An account as stored, without its password.
#[derive(Debug, Clone)]
pub struct StaffAccount {
    pub id: String,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub unit: Option<Unit>,
    pub lockout: Lockout,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl StaffAccount {
    /// Disabled wins over locked.
    pub fn state(&self, now: i64) -> AccountState {
        match (self.disabled_at, self.lockout.locked_until) {
            (Some(_), _) => AccountState::Disabled,
            (None, Some(until)) if self.lockout.is_locked(now) => AccountState::Locked { until },
            _ => AccountState::Active,
        }
    }
}

/// Who changes a staff account, for its audit event.
#[derive(Debug, Clone, Copy)]
pub struct ChangedBy<'a> {
    pub actor: &'a str,
    pub client_ip: Option<&'a str>,
}

impl ChangedBy<'static> {
    /// `jmo-selfhelp-server staff …` on the server's machine.
    pub const CLI: ChangedBy<'static> = ChangedBy { actor: "cli", client_ip: None };
}

#[derive(Debug)]
pub enum StaffError {
    Refused(Refusal),
    Database(DbError),
}

impl From<DbError> for StaffError {
    fn from(e: DbError) -> Self {
        StaffError::Database(e)
    }
}

impl From<Refusal> for StaffError {
    fn from(r: Refusal) -> Self {
        StaffError::Refused(r)
    }
}

impl std::fmt::Display for StaffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StaffError::Refused(r) => r.fmt(f),
            StaffError::Database(e) => write!(f, "database: {e}"),
        }
    }
}

fn account_row(r: &sqlx::any::AnyRow) -> Result<StaffAccount, DbError> {
    let role: String = r.try_get("role")?;
    let unit: Option<String> = r.try_get("unit")?;
    Ok(StaffAccount {
        id: r.try_get("id")?,
        username: Username(r.try_get("username")?),
        display_name: r.try_get("display_name")?,
        role: Role::parse(&role).map_err(|_| DbError::Decode(format!("staff_accounts.role {role:?} is not a role").into()))?,
        unit: unit.map(Unit),
        lockout: Lockout { failed_logins: r.try_get("failed_logins")?, locked_until: r.try_get("locked_until")? },
        disabled_at: r.try_get("disabled_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// A change to one account by username: the statement (`$1` now, `$2` the account's id, `$3`
/// the value when there is one) and its audit action.
struct Change<'a> {
    sql: &'static str,
    value: Option<&'a str>,
    action: &'static str,
    /// The account's sessions end (disabled, or a new password).
    ends_sessions: bool,
}

impl Store {
    /// Creates an account with its password (already checked against the policy and hashed).
    pub async fn add_staff_account(&self, account: &NewAccount, password: &StoredPassword, now: Timestamp, by: ChangedBy<'_>) -> Result<StaffAccount, StaffError> {
        let id = uuid::Uuid::new_v4().hyphenated().to_string();
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin_with(self.kind.begin_write()).await?;
        let taken: Option<String> = sqlx::query_scalar("SELECT id FROM staff_accounts WHERE username = $1")
            .bind(account.username.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            tx.rollback().await?;
            return Err(Refusal(codes::USERNAME_TAKEN).into());
        }
        let inserted = sqlx::query(
            "INSERT INTO staff_accounts (id, username, display_name, role, unit, password_hash, failed_logins, locked_until, disabled_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, NULL, $7, $7)",
        )
        .bind(&id)
        .bind(account.username.as_str())
        .bind(&account.display_name)
        .bind(account.role.as_str())
        .bind(account.unit.as_ref().map(Unit::as_str))
        .bind(password.as_phc())
        .bind(now.unix())
        .execute(&mut *tx)
        .await;
        match inserted {
            // Another instance added the same username since the check (PostgreSQL).
            Err(DbError::Database(e)) if e.is_unique_violation() => return Err(Refusal(codes::USERNAME_TAKEN).into()),
            other => other?,
        };
        let audit = Audit { actor: by.actor, action: "staff_account_added", client_ip: by.client_ip.map(String::from) };
        insert_staff_audit(&mut tx, now, &audit, &id).await?;
        tx.commit().await?;
        Ok(StaffAccount {
            id,
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            role: account.role,
            unit: account.unit.clone(),
            lockout: Lockout::default(),
            disabled_at: None,
            created_at: now.unix(),
            updated_at: now.unix(),
        })
    }

    /// Every account, by username.
    pub async fn staff_accounts(&self) -> Result<Vec<StaffAccount>, DbError> {
        let rows = sqlx::query(
            "SELECT id, username, display_name, role, unit, failed_logins, locked_until, disabled_at, created_at, updated_at \
             FROM staff_accounts ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account_row).collect()
    }

    /// The account with this username and its stored password.
    pub async fn staff_account(&self, username: &Username) -> Result<Option<(StaffAccount, StoredPassword)>, DbError> {
        let row = sqlx::query(
            "SELECT id, username, display_name, role, unit, failed_logins, locked_until, disabled_at, created_at, updated_at, password_hash \
             FROM staff_accounts WHERE username = $1",
        )
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((account_row(&r)?, StoredPassword(r.try_get("password_hash")?)))).transpose()
    }

    /// The account with this id (a session's), without its password.
    pub async fn staff_account_by_id(&self, id: &str) -> Result<Option<StaffAccount>, DbError> {
        let row = sqlx::query(
            "SELECT id, username, display_name, role, unit, failed_logins, locked_until, disabled_at, created_at, updated_at \
             FROM staff_accounts WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(account_row).transpose()
    }

    /// The account may no longer sign in; its sessions end.
    pub async fn disable_staff_account(&self, username: &Username, now: Timestamp, by: ChangedBy<'_>) -> Result<(), StaffError> {
        let change = Change {
            sql: "UPDATE staff_accounts SET disabled_at = COALESCE(disabled_at, $1), updated_at = $1 WHERE id = $2",
            value: None,
            action: "staff_account_disabled",
            ends_sessions: true,
        };
        self.change_staff_account(username, change, now, by).await
    }

    pub async fn enable_staff_account(&self, username: &Username, now: Timestamp, by: ChangedBy<'_>) -> Result<(), StaffError> {
        let change = Change {
            sql: "UPDATE staff_accounts SET disabled_at = NULL, updated_at = $1 WHERE id = $2",
            value: None,
            action: "staff_account_enabled",
            ends_sessions: false,
        };
        self.change_staff_account(username, change, now, by).await
    }

    /// Clears the lock and the failed logins.
    pub async fn unlock_staff_account(&self, username: &Username, now: Timestamp, by: ChangedBy<'_>) -> Result<(), StaffError> {
        let change = Change {
            sql: "UPDATE staff_accounts SET failed_logins = 0, locked_until = NULL, updated_at = $1 WHERE id = $2",
            value: None,
            action: "staff_account_unlocked",
            ends_sessions: false,
        };
        self.change_staff_account(username, change, now, by).await
    }

    /// A new password (already checked and hashed); the account's sessions end. A lock stays
    /// until `unlock`.
    pub async fn set_staff_password(&self, username: &Username, password: &StoredPassword, now: Timestamp, by: ChangedBy<'_>) -> Result<(), StaffError> {
        let change = Change {
            sql: "UPDATE staff_accounts SET password_hash = $3, updated_at = $1 WHERE id = $2",
            value: Some(password.as_phc()),
            action: "staff_password_set",
            ends_sessions: true,
        };
        self.change_staff_account(username, change, now, by).await
    }

    async fn change_staff_account(&self, username: &Username, change: Change<'_>, now: Timestamp, by: ChangedBy<'_>) -> Result<(), StaffError> {
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin_with(self.kind.begin_write()).await?;
        let id: Option<String> = sqlx::query_scalar("SELECT id FROM staff_accounts WHERE username = $1")
            .bind(username.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else {
            tx.rollback().await?;
            return Err(Refusal(codes::ACCOUNT_UNKNOWN).into());
        };
        let mut update = sqlx::query(change.sql).bind(now.unix()).bind(&id);
        if let Some(value) = change.value {
            update = update.bind(value);
        }
        update.execute(&mut *tx).await?;
        if change.ends_sessions {
            sqlx::query("DELETE FROM staff_sessions WHERE account_id = $1").bind(&id).execute(&mut *tx).await?;
        }
        let audit = Audit { actor: by.actor, action: change.action, client_ip: by.client_ip.map(String::from) };
        insert_staff_audit(&mut tx, now, &audit, &id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A wrong password for the account `id`: counts it, locking the account at the
    /// [`MAX_FAILED_LOGINS`]th in a row ([`Lockout::after_failure`]). Returns the new state.
    pub async fn record_staff_login_failure(&self, id: &str, now: Timestamp) -> Result<Lockout, DbError> {
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin_with(self.kind.begin_write()).await?;
        let row = sqlx::query("SELECT failed_logins, locked_until FROM staff_accounts WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(Lockout::default());
        };
        let before = Lockout { failed_logins: row.try_get("failed_logins")?, locked_until: row.try_get("locked_until")? };
        let after = before.after_failure(now.unix());
        sqlx::query("UPDATE staff_accounts SET failed_logins = $1, locked_until = $2 WHERE id = $3")
            .bind(after.failed_logins)
            .bind(after.locked_until)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// A successful login for the account `id`: the failed logins are forgotten.
    pub async fn record_staff_login_success(&self, id: &str) -> Result<(), DbError> {
        let cleared = Lockout::default();
        sqlx::query("UPDATE staff_accounts SET failed_logins = $1, locked_until = $2 WHERE id = $3")
            .bind(cleared.failed_logins)
            .bind(cleared.locked_until)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> Username {
        Username::parse(name).unwrap()
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(user("  Siti.Aminah_2 ").as_str(), "siti.aminah_2");
        assert_eq!(user("a-b").as_str(), "a-b");
        for bad in ["ab", "", &"x".repeat(33), "siti aminah", "siti@bpjs", "sïti", "siti/../x"] {
            assert_eq!(Username::parse(bad), Err(Refusal(codes::USERNAME_INVALID)), "{bad:?}");
        }
        assert!(Username::parse(&"x".repeat(32)).is_ok());
    }

    #[test]
    fn an_agent_needs_a_unit_and_roles_are_three() {
        assert_eq!(NewAccount::new("budi", "Budi", "agent", None).unwrap_err(), Refusal(codes::UNIT_REQUIRED));
        let agent = NewAccount::new("budi", " Budi Santoso ", "Agent", Some("Back_Office")).unwrap();
        assert_eq!((agent.display_name.as_str(), agent.role, agent.unit.as_ref().map(Unit::as_str)), ("Budi Santoso", Role::Agent, Some("back_office")));
        assert!(agent.unit.unwrap().is_known());
        assert!(NewAccount::new("root", "Admin", "admin", None).is_ok());
        assert!(!Unit::parse("branch_bandung").unwrap().is_known());
        assert_eq!(NewAccount::new("root", "Admin", "superuser", None).unwrap_err(), Refusal(codes::ROLE_INVALID));
        for bad in ["", "x", "1it", "back office", "it-x", &"u".repeat(33)] {
            assert_eq!(Unit::parse(bad), Err(Refusal(codes::UNIT_INVALID)), "{bad:?}");
        }
        for bad in ["", "   ", "a\nb", &"n".repeat(101)] {
            assert_eq!(parse_display_name(bad), Err(Refusal(codes::DISPLAY_NAME_INVALID)), "{bad:?}");
        }
    }

    #[test]
    fn the_password_policy() {
        let siti = user("siti.admin");
        let check = |p: &str| check_password(p, &siti, "Siti Aminah");
        assert_eq!(check("iloveyou2024"), Err(Refusal(codes::PASSWORD_TOO_WEAK)));
        assert_eq!(check("Short1!x"), Err(Refusal(codes::PASSWORD_TOO_SHORT)));
        assert_eq!(check(&"correct horse battery staple ".repeat(5)), Err(Refusal(codes::PASSWORD_TOO_LONG)));
        assert_eq!(check("password123456"), Err(Refusal(codes::PASSWORD_TOO_WEAK)));
        assert_eq!(check("qwertyuiop1234"), Err(Refusal(codes::PASSWORD_TOO_WEAK)));
        // The service's words and the person's name count as known words.
        assert_eq!(check("jamsostek12345"), Err(Refusal(codes::PASSWORD_TOO_WEAK)));
        assert_eq!(check("aminah12345678"), Err(Refusal(codes::PASSWORD_TOO_WEAK)));
        assert_eq!(check("SITI.ADMIN2024!"), Err(Refusal(codes::PASSWORD_CONTAINS_USERNAME)));
        assert_eq!(check("siti.admin123456"), Err(Refusal(codes::PASSWORD_CONTAINS_USERNAME)));
        // Known words joined, which zxcvbn alone lets pass.
        assert_eq!(check("bpjsketenagakerjaan2025"), Err(Refusal(codes::PASSWORD_TOO_WEAK)));
        assert_eq!(check("SitiAminah#1990"), Err(Refusal(codes::PASSWORD_TOO_WEAK)));
        assert_eq!(check("Jamsostek-BPJS-2025!"), Err(Refusal(codes::PASSWORD_TOO_WEAK)));
        assert_eq!(check("8#2!9$4%7^1&5*3@"), Ok(()), "no letters: zxcvbn judges it");
        assert_eq!(check("pelangi tujuh warna di atas genteng"), Ok(()));
        assert_eq!(check("Kq8#vL2m!pZ4rT"), Ok(()));
        // Counted in characters, not bytes: 11 of them (22 bytes) are too few.
        assert_eq!(check("ééééééééééé"), Err(Refusal(codes::PASSWORD_TOO_SHORT)));
        assert!(check(&"Kq8#vL2m!pZ4rT".repeat(10)[..MAX_PASSWORD_CHARS]).is_ok());
    }

    #[test]
    fn every_code_has_both_texts_with_the_numbers_in_force() {
        let all = [
            codes::USERNAME_INVALID, codes::USERNAME_TAKEN, codes::DISPLAY_NAME_INVALID, codes::ROLE_INVALID, codes::UNIT_INVALID,
            codes::UNIT_REQUIRED, codes::PASSWORD_TOO_SHORT, codes::PASSWORD_TOO_LONG, codes::PASSWORD_TOO_WEAK,
            codes::PASSWORD_CONTAINS_USERNAME, codes::PASSWORDS_DIFFER, codes::ACCOUNT_UNKNOWN,
        ];
        assert_eq!(all.len(), TEXTS.len());
        for code in all {
            assert!(TEXTS.iter().any(|(c, id, en)| *c == code && !id.is_empty() && !en.is_empty()), "{code}");
        }
        let (id, en) = Refusal(codes::PASSWORD_TOO_SHORT).message();
        assert!(id.contains(&MIN_PASSWORD_CHARS.to_string()) && en.contains(&MIN_PASSWORD_CHARS.to_string()));
        let (id, en) = Refusal(codes::PASSWORD_TOO_LONG).message();
        assert!(id.contains(&MAX_PASSWORD_CHARS.to_string()) && en.contains(&MAX_PASSWORD_CHARS.to_string()));
        for unit in KNOWN_UNITS {
            assert!(Refusal(codes::UNIT_REQUIRED).message().1.contains(unit), "{unit}");
        }
    }

    #[test]
    fn hashing_round_trip() {
        let stored = StoredPassword::hash("pelangi tujuh warna").unwrap();
        assert!(stored.as_phc().starts_with("$argon2id$v=19$"), "{}", stored.as_phc());
        assert!(!stored.as_phc().contains("pelangi"));
        assert!(stored.verify("pelangi tujuh warna"));
        assert!(!stored.verify("pelangi tujuh warnA"));
        assert!(!stored.verify(""));
        // Salted: the same password never hashes the same.
        assert_ne!(StoredPassword::hash("pelangi tujuh warna").unwrap(), stored);
        assert_eq!(format!("{stored:?}"), "StoredPassword(…)");
        assert!(!StoredPassword::from_phc("not a phc string".into()).verify("not a phc string"));
    }

    #[test]
    fn lockout_arithmetic() {
        let now = 1_000_000;
        let mut state = Lockout::default();
        for n in 1..MAX_FAILED_LOGINS {
            state = state.after_failure(now + n);
            assert_eq!(state, Lockout { failed_logins: n, locked_until: None });
            assert!(!state.is_locked(now + n));
        }
        let at = now + MAX_FAILED_LOGINS;
        state = state.after_failure(at);
        assert_eq!(state, Lockout { failed_logins: 0, locked_until: Some(at + LOCKOUT_SECS) });
        assert!(state.is_locked(at) && state.is_locked(at + LOCKOUT_SECS - 1));
        // While locked, failures change nothing; once the lock ends the count starts again.
        assert_eq!(state.after_failure(at + 60), state);
        assert!(!state.is_locked(at + LOCKOUT_SECS));
        assert_eq!(state.after_failure(at + LOCKOUT_SECS), Lockout { failed_logins: 1, locked_until: None });
        // A success (or an unlock) clears everything.
        assert_eq!(Lockout { failed_logins: 4, locked_until: None }.cleared(), Lockout::default());
        assert_eq!(state.cleared(), Lockout::default());
    }

    #[test]
    fn the_state_shown() {
        let mut account = StaffAccount {
            id: "x".into(),
            username: user("budi"),
            display_name: "Budi".into(),
            role: Role::Agent,
            unit: Some(Unit::parse("it").unwrap()),
            lockout: Lockout::default(),
            disabled_at: None,
            created_at: 0,
            updated_at: 0,
        };
        assert_eq!(account.state(100), AccountState::Active);
        account.lockout.locked_until = Some(200);
        assert_eq!(account.state(100), AccountState::Locked { until: 200 });
        assert_eq!(account.state(200), AccountState::Active);
        account.disabled_at = Some(50);
        assert_eq!(account.state(100), AccountState::Disabled);
    }
}
