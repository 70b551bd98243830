//! The database: one set of SQL and migrations for SQLite and PostgreSQL through sqlx's `Any`
//! driver. Complaint inserts go through the group-commit writer in `intake`; everything else
//! (lookups, attachments, staff changes) uses the pool directly.

use crate::crypto::{Column, KeyRing, OpenError};
use jmo_contract::{Category, Disruption, Localized, Timestamp, ValidComplaint};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::AnyPool;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{ConnectOptions, Connection, Executor, Row, SqlSafeStr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub use sqlx::Error as DbError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    /// The statement that opens a transaction which will write. On SQLite a plain (deferred)
    /// `BEGIN` takes its snapshot at the first read and, if another connection commits before
    /// the first write, fails that write with `SQLITE_BUSY_SNAPSHOT` — which `busy_timeout` does
    /// not retry. `BEGIN IMMEDIATE` takes the write lock at once, waiting under `busy_timeout`.
    /// Every transaction that reads before it writes must begin with this.
    pub fn begin_write(self) -> &'static str {
        match self {
            DbKind::Sqlite => "BEGIN IMMEDIATE",
            DbKind::Postgres => "BEGIN",
        }
    }
}

/// How long an upload waits for its complaint: longer than the device's outbox retries one
/// (7 days) plus the idempotency keys' 8 days of grace, so a complaint delivered late still finds
/// its images.
pub const UNCLAIMED_UPLOAD_SECS: i64 = 10 * 86_400;

/// The window the lookup lockouts count failures in.
pub const LOOKUP_WINDOW_SECS: i64 = 3600;

#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub kind: DbKind,
    keys: Arc<KeyRing>,
    /// An erasure's WAL checkpoint could not finish (busy): retried by the housekeeping.
    scrub_pending: Arc<AtomicBool>,
}

/// What a participant may see of a complaint, plus what unlocks it.
pub struct StatusRow {
    pub status: String,
    pub received_at: i64,
    pub response_due_at: i64,
    pub updated_at: i64,
    pub resolved_at: Option<i64>,
    pub erased_at: Option<i64>,
    /// The key id and keyed hash of ticket + phone's last 4 digits; `None` once erased.
    pub lookup: Option<(String, String)>,
}

pub struct ComplaintRow {
    pub ticket: String,
    pub category: String,
    pub urgency: String,
    pub reply_channel: String,
    pub status: StatusRow,
    /// The normalised complaint as JSON, opened; `None` once erased.
    pub payload: Option<String>,
}

/// A complaint's personal content, sealed for its row.
pub struct SealedComplaint {
    pub personal: Vec<u8>,
    pub key_id: String,
    pub lookup_hash: String,
}

impl SealedComplaint {
    pub fn new(keys: &KeyRing, ticket: &str, complaint: &ValidComplaint) -> SealedComplaint {
        let json = serde_json::to_string(complaint).unwrap_or_default();
        SealedComplaint {
            personal: keys.seal(Column::ComplaintPersonal, ticket, json.as_bytes()),
            key_id: keys.current_id().to_string(),
            lookup_hash: keys.lookup_hash(ticket, complaint.reporter.phone.last4()),
        }
    }
}

/// Who did what, for `audit_events` (never a copy of personal data).
pub struct Audit<'a> {
    /// `staff-token` for the shared staff token; `retention` for the automatic erasure; `cli`
    /// for a change made with `jmo-selfhelp-server staff …`.
    pub actor: &'a str,
    pub action: &'a str,
    pub client_ip: Option<String>,
}

fn migrator() -> Migrator {
    let migration = |version, name: &str, sql: &'static str| Migration::new(version, name.to_string().into(), MigrationType::Simple, sql.into_sql_str(), false);
    Migrator::with_migrations(vec![
        migration(1, "init", include_str!("../migrations/0001_init.sql")),
        migration(2, "personal data at rest", include_str!("../migrations/0002_personal_data_at_rest.sql")),
        migration(3, "abuse", include_str!("../migrations/0003_abuse.sql")),
        migration(4, "walks", include_str!("../migrations/0004_walks.sql")),
        migration(5, "staff accounts", include_str!("../migrations/0005_staff_accounts.sql")),
        migration(6, "queue and units", include_str!("../migrations/0006_queue.sql")),
    ])
}

/// Creates the SQLite file readable by its owner only (or narrows an existing one), with its
/// folders, before SQLite opens it; SQLite gives `-wal` and `-shm` the file's permissions.
fn create_private_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?;
    owner_only(path)
}

fn owner_only(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode != 0o600 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl Store {
    /// Connects, creating a SQLite file if needed (WAL mode, owner-only), and applies the
    /// migrations. `keys` seal and open the personal data.
    pub async fn open(url: &str, sqlite_synchronous_full: bool, keys: Arc<KeyRing>) -> Result<Store, DbError> {
        sqlx::any::install_default_drivers();
        let kind = if url.starts_with("sqlite:") { DbKind::Sqlite } else { DbKind::Postgres };
        let mut url = url.to_string();
        let sqlite_file = sqlite_path(&url).map(PathBuf::from).filter(|_| kind == DbKind::Sqlite);
        if kind == DbKind::Sqlite {
            if let Some(file) = &sqlite_file {
                create_private_file(file)?;
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
            }
        }
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            // SQLite: one connection is held by the writer; the rest serve reads.
            .max_connections(if kind == DbKind::Sqlite { 6 } else { 12 })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if kind == DbKind::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        // Deleted content (an erasure, a purge) is overwritten with zeros rather
                        // than left in free pages.
                        conn.execute("PRAGMA secure_delete = ON").await?;
                        // In WAL mode NORMAL survives the death of the process (the commit is in
                        // the OS's file cache); FULL also survives a power cut, at an fsync per commit.
                        if sqlite_synchronous_full {
                            conn.execute("PRAGMA synchronous = FULL").await?;
                        } else {
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        migrator().run(&pool).await?;
        if let Some(file) = &sqlite_file {
            for f in [file.clone(), sidecar(file, "-wal"), sidecar(file, "-shm")] {
                if f.exists() {
                    owner_only(&f)?;
                }
            }
        }
        Ok(Store { pool, kind, keys, scrub_pending: Arc::new(AtomicBool::new(false)) })
    }

    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// The connection pool, for tools that write directly (the benchmark's baseline).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn insert_attachment(
        &self,
        id: &str,
        for_key: Option<&str>,
        content_type: &str,
        data: Vec<u8>,
        width: u32,
        height: u32,
        now: Timestamp,
    ) -> Result<(), DbError> {
        let bytes = data.len() as i64;
        let sealed = self.keys.seal(Column::AttachmentData, id, &data);
        drop(data);
        sqlx::query(
            "INSERT INTO attachments (id, content_type, data, bytes, width, height, complaint_ticket, created_at, key_id, for_key) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9)",
        )
        .bind(id)
        .bind(content_type)
        .bind(sealed)
        .bind(bytes)
        .bind(width as i64)
        .bind(height as i64)
        .bind(now.unix())
        .bind(self.keys.current_id())
        .bind(for_key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Seconds until a lookup may be tried again, when the ticket or the client has `limit`
    /// failures within the last hour (a limit of 0 is off); `None` when neither is locked.
    pub async fn lookup_locked(&self, subjects: &[(&str, &str, u64)], now: Timestamp) -> Result<Option<u64>, DbError> {
        let mut wait = None;
        for (scope, subject, limit) in subjects {
            if *limit == 0 {
                continue;
            }
            // The limit-th most recent failure: once it is an hour old, fewer than `limit` remain.
            let at: Option<i64> = sqlx::query_scalar(
                "SELECT at FROM lookup_failures WHERE scope = $1 AND subject = $2 AND at > $3 ORDER BY at DESC LIMIT 1 OFFSET $4",
            )
            .bind(*scope)
            .bind(*subject)
            .bind(now.unix() - LOOKUP_WINDOW_SECS)
            .bind((*limit - 1) as i64)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(at) = at {
                let secs = (at + LOOKUP_WINDOW_SECS - now.unix()).max(1) as u64;
                wait = Some(wait.map_or(secs, |w: u64| w.max(secs)));
            }
        }
        Ok(wait)
    }

    pub async fn record_lookup_failure(&self, subjects: &[(&str, &str)], now: Timestamp) -> Result<(), DbError> {
        for (scope, subject) in subjects {
            sqlx::query("INSERT INTO lookup_failures (scope, subject, at) VALUES ($1, $2, $3)")
                .bind(*scope)
                .bind(*subject)
                .bind(now.unix())
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    pub async fn attachment(&self, id: &str) -> Result<Option<(String, Vec<u8>)>, DbError> {
        let row = sqlx::query("SELECT content_type, data FROM attachments WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        let Some(r) = row else { return Ok(None) };
        let sealed: Vec<u8> = r.try_get("data")?;
        Ok(Some((r.try_get("content_type")?, self.keys.open(Column::AttachmentData, id, &sealed).map_err(decode_error)?)))
    }

    pub async fn attachments_of(&self, ticket: &str) -> Result<Vec<String>, DbError> {
        let rows = sqlx::query("SELECT id FROM attachments WHERE complaint_ticket = $1 ORDER BY id")
            .bind(ticket)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }

    /// The receipt first answered for an idempotency key (JSON) and when it was stored: the
    /// receipt page of a complaint filed without JavaScript.
    pub async fn receipt_of_key(&self, key: &str) -> Result<Option<(String, i64)>, DbError> {
        let row = sqlx::query("SELECT response, created_at FROM idempotency_keys WHERE idempotency_key = $1").bind(key).fetch_optional(&self.pool).await?;
        Ok(match row {
            Some(row) => Some((row.try_get("response")?, row.try_get("created_at")?)),
            None => None,
        })
    }

    pub async fn ticket_status(&self, ticket: &str) -> Result<Option<StatusRow>, DbError> {
        let row = sqlx::query(
            "SELECT status, received_at, response_due_at, updated_at, resolved_at, erased_at, key_id, lookup_hash FROM complaints WHERE ticket = $1",
        )
        .bind(ticket)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| status_row(&r)).transpose()
    }

    pub async fn complaint(&self, ticket: &str) -> Result<Option<ComplaintRow>, DbError> {
        let row = sqlx::query(
            "SELECT ticket, category, urgency, reply_channel, status, received_at, response_due_at, updated_at, resolved_at, erased_at, key_id, lookup_hash, personal \
             FROM complaints WHERE ticket = $1",
        )
        .bind(ticket)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| self.complaint_row(&r)).transpose()
    }

    /// The oldest complaints first, optionally only those in one status.
    pub async fn complaints(&self, status: Option<&str>, limit: i64) -> Result<Vec<ComplaintRow>, DbError> {
        let rows = sqlx::query(
            "SELECT ticket, category, urgency, reply_channel, status, received_at, response_due_at, updated_at, resolved_at, erased_at, key_id, lookup_hash, personal FROM complaints \
             WHERE ($1 = '' OR status = $1) ORDER BY received_at, ticket LIMIT $2",
        )
        .bind(status.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| self.complaint_row(r)).collect()
    }

    /// Moves a complaint; `resolved_at` is kept while it stays resolved, cleared when reopened.
    pub async fn set_status(&self, ticket: &str, status: &str, now: Timestamp) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE complaints SET status = $1, updated_at = $2, \
             resolved_at = CASE WHEN $1 = 'resolved' THEN COALESCE(resolved_at, $2) ELSE NULL END WHERE ticket = $3",
        )
        .bind(status)
            .bind(now.unix())
            .bind(ticket)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn active_disruptions(&self, now: Timestamp) -> Result<Vec<Disruption>, DbError> {
        let rows = sqlx::query(
            "SELECT id, family, title_id, title_en, message_id, message_en, since FROM disruptions \
             WHERE ended_at IS NULL AND since <= $1 ORDER BY since DESC, id",
        )
        .bind(now.unix())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let family: String = r.try_get("family")?;
            // A family this version does not know is skipped rather than failing the whole list.
            let Some(family) = Category::parse(&family) else { continue };
            out.push(Disruption {
                id: r.try_get("id")?,
                family,
                title: Localized { id: r.try_get("title_id")?, en: r.try_get("title_en")? },
                message: Localized { id: r.try_get("message_id")?, en: r.try_get("message_en")? },
                since: Timestamp(r.try_get("since")?).to_string(),
            });
        }
        Ok(out)
    }

    pub async fn insert_disruption(&self, d: &Disruption, since: Timestamp) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO disruptions (id, family, title_id, title_en, message_id, message_en, since, ended_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
        )
        .bind(&d.id)
        .bind(d.family.as_str())
        .bind(&d.title.id)
        .bind(&d.title.en)
        .bind(&d.message.id)
        .bind(&d.message.en)
        .bind(since.unix())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn end_disruption(&self, id: &str, now: Timestamp) -> Result<bool, DbError> {
        let done = sqlx::query("UPDATE disruptions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
            .bind(now.unix())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Forgets idempotency keys after 8 days (the draft asks for at least 7), uploads that no
    /// complaint claimed within [`UNCLAIMED_UPLOAD_SECS`] and failed lookups older than an hour, and erases the personal data of complaints resolved more
    /// than `retention_secs` ago. Returns how many complaints it erased.
    pub async fn purge(&self, now: Timestamp, retention_secs: i64) -> Result<usize, DbError> {
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(now.unix() - 8 * 86_400).execute(&self.pool).await?;
        sqlx::query("DELETE FROM attachments WHERE complaint_ticket IS NULL AND created_at < $1")
            .bind(now.unix() - UNCLAIMED_UPLOAD_SECS)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM lookup_failures WHERE at <= $1")
            .bind(now.unix() - LOOKUP_WINDOW_SECS)
            .execute(&self.pool)
            .await?;
        let mut erased = 0;
        loop {
            let due: Vec<String> = sqlx::query_scalar(
                "SELECT ticket FROM complaints WHERE resolved_at <= $1 AND erased_at IS NULL ORDER BY resolved_at LIMIT 100",
            )
            .bind(now.unix() - retention_secs)
            .fetch_all(&self.pool)
            .await?;
            if due.is_empty() {
                break;
            }
            for ticket in &due {
                let audit = Audit { actor: "retention", action: "erase_after_retention", client_ip: None };
                erased += usize::from(self.erase_row(ticket, now, &audit).await?);
            }
        }
        if erased > 0 {
            tracing::info!(complaints = erased, retention_days = retention_secs / 86_400, "personal data erased after the retention period");
        }
        self.scrub(erased > 0 || self.scrub_pending.load(Ordering::Relaxed)).await?;
        Ok(erased)
    }

    /// Erases one complaint's personal data now (an erasure request): the sealed content, the
    /// lookup hash, its attachments and its idempotency record go; the anonymous record
    /// (category, urgency, channel, status, dates) stays. The audit event is written in the
    /// same transaction. `false` if there is no such complaint.
    pub async fn erase(&self, ticket: &str, now: Timestamp, audit: &Audit<'_>) -> Result<bool, DbError> {
        let found = self.erase_row(ticket, now, audit).await?;
        if found {
            self.scrub(true).await?;
        }
        Ok(found)
    }

    async fn erase_row(&self, ticket: &str, now: Timestamp, audit: &Audit<'_>) -> Result<bool, DbError> {
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin_with(self.kind.begin_write()).await?;
        let done = sqlx::query(
            "UPDATE complaints SET personal = NULL, key_id = NULL, lookup_hash = NULL, erased_at = COALESCE(erased_at, $1) WHERE ticket = $2",
        )
        .bind(now.unix())
        .bind(ticket)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("DELETE FROM attachments WHERE complaint_ticket = $1").bind(ticket).execute(&mut *tx).await?;
        // The idempotency record holds a hash of the whole body.
        sqlx::query("DELETE FROM idempotency_keys WHERE ticket = $1").bind(ticket).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM unsealed_complaints WHERE ticket = $1").bind(ticket).execute(&mut *tx).await?;
        insert_audit(&mut tx, now, audit, Some(ticket)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// After an erasure on SQLite: copies the WAL into the database file and truncates it, so
    /// the erased pages (zeroed there by `secure_delete`) leave no older copy in the WAL. Waits at
    /// most 200 ms for other connections; if they are busy it is retried by the next purge.
    async fn scrub(&self, needed: bool) -> Result<(), DbError> {
        if !needed || self.kind != DbKind::Sqlite {
            return Ok(());
        }
        let mut conn = self.pool.acquire().await?;
        conn.execute("PRAGMA busy_timeout = 200").await?;
        let result = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&mut *conn).await;
        conn.execute("PRAGMA busy_timeout = 5000").await?;
        let busy: i64 = result?.try_get(0)?;
        self.scrub_pending.store(busy != 0, Ordering::Relaxed);
        if busy != 0 {
            tracing::warn!("WAL checkpoint after an erasure was blocked by other connections; retried at the next purge");
        }
        Ok(())
    }

    /// Seals what is not sealed with the current key: complaints stored in plain text before
    /// migration 2, and values sealed with an older key of the ring (key rotation). Refuses when
    /// the database holds values sealed with a key the ring lacks. Returns how many values it
    /// sealed again.
    pub async fn reseal(&self) -> Result<usize, ResealError> {
        let mut unknown: Vec<String> = Vec::new();
        for sql in ["SELECT DISTINCT key_id FROM complaints WHERE key_id IS NOT NULL", "SELECT DISTINCT key_id FROM attachments WHERE key_id IS NOT NULL"] {
            let ids: Vec<String> = sqlx::query_scalar(sql)
                .fetch_all(&self.pool)
                .await?;
            for id in ids {
                if !self.keys.holds(&id) && !unknown.contains(&id) {
                    unknown.push(id);
                }
            }
        }
        if !unknown.is_empty() {
            return Err(ResealError::UnknownKeys(unknown));
        }
        let current = self.keys.current_id();
        let mut count = 0;
        loop {
            let mut conn = self.pool.acquire().await?;
            let mut tx = conn.begin_with(self.kind.begin_write()).await?;
            let legacy = sqlx::query("SELECT ticket, payload, phone_last4 FROM unsealed_complaints LIMIT 100").fetch_all(&mut *tx).await?;
            let older = sqlx::query("SELECT ticket, personal, key_id FROM complaints WHERE key_id <> $1 LIMIT 100")
                .bind(current)
                .fetch_all(&mut *tx)
                .await?;
            let attachments = sqlx::query("SELECT id, data, key_id FROM attachments WHERE key_id IS NULL OR key_id <> $1 LIMIT 16")
                .bind(current)
                .fetch_all(&mut *tx)
                .await?;
            if legacy.is_empty() && older.is_empty() && attachments.is_empty() {
                tx.rollback().await?;
                break;
            }
            count += legacy.len() + older.len() + attachments.len();
            for r in &legacy {
                let ticket: String = r.try_get("ticket")?;
                let payload: String = r.try_get("payload")?;
                let last4: String = r.try_get("phone_last4")?;
                self.write_sealed(&mut tx, &ticket, payload.as_bytes(), &last4).await?;
                sqlx::query("DELETE FROM unsealed_complaints WHERE ticket = $1").bind(&ticket).execute(&mut *tx).await?;
            }
            for r in &older {
                let ticket: String = r.try_get("ticket")?;
                let sealed: Vec<u8> = r.try_get("personal")?;
                let payload = self.keys.open(Column::ComplaintPersonal, &ticket, &sealed).map_err(decode_error)?;
                let phone = serde_json::from_slice::<serde_json::Value>(&payload).ok().and_then(|v| v["reporter"]["phone"].as_str().map(String::from));
                let last4 = phone.as_deref().map_or("", |p| &p[p.len().saturating_sub(4)..]).to_string();
                self.write_sealed(&mut tx, &ticket, &payload, &last4).await?;
            }
            for r in &attachments {
                let id: String = r.try_get("id")?;
                let data: Vec<u8> = r.try_get("data")?;
                let key_id: Option<String> = r.try_get("key_id")?;
                let plain = match key_id {
                    None => data,
                    Some(_) => self.keys.open(Column::AttachmentData, &id, &data).map_err(decode_error)?,
                };
                sqlx::query("UPDATE attachments SET data = $1, key_id = $2 WHERE id = $3")
                    .bind(self.keys.seal(Column::AttachmentData, &id, &plain))
                    .bind(current)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        }
        if count > 0 {
            tracing::info!(values = count, key_id = current, "sealed again with the current data key");
        }
        self.scrub(count > 0).await?;
        Ok(count)
    }

    async fn write_sealed(&self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, ticket: &str, payload: &[u8], last4: &str) -> Result<(), DbError> {
        sqlx::query("UPDATE complaints SET personal = $1, key_id = $2, lookup_hash = $3 WHERE ticket = $4")
            .bind(self.keys.seal(Column::ComplaintPersonal, ticket, payload))
            .bind(self.keys.current_id())
            .bind(self.keys.lookup_hash(ticket, last4))
            .bind(ticket)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    fn complaint_row(&self, r: &sqlx::any::AnyRow) -> Result<ComplaintRow, DbError> {
        let ticket: String = r.try_get("ticket")?;
        let sealed: Option<Vec<u8>> = r.try_get("personal")?;
        let payload = sealed
            .map(|s| self.keys.open(Column::ComplaintPersonal, &ticket, &s).map_err(decode_error))
            .transpose()?
            .map(|p| String::from_utf8_lossy(&p).into_owned());
        Ok(ComplaintRow {
            status: status_row(r)?,
            category: r.try_get("category")?,
            urgency: r.try_get("urgency")?,
            reply_channel: r.try_get("reply_channel")?,
            ticket,
            payload,
        })
    }
}

#[derive(Debug)]
pub enum ResealError {
    Database(DbError),
    UnknownKeys(Vec<String>),
}

impl From<DbError> for ResealError {
    fn from(e: DbError) -> Self {
        ResealError::Database(e)
    }
}

impl std::fmt::Display for ResealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResealError::Database(e) => write!(f, "{e}"),
            ResealError::UnknownKeys(ids) => write!(
                f,
                "the database holds personal data sealed with data key id(s) {} that the configured keys lack \
                 (a wrong or missing key); add them to DATA_KEY_FILE or DATA_KEY",
                ids.join(", ")
            ),
        }
    }
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::NotSealed => f.write_str("a personal value is not sealed"),
            OpenError::UnknownKey(id) => write!(f, "a personal value is sealed with data key {id}, which is not configured"),
            OpenError::Corrupt => f.write_str("a sealed personal value does not verify (altered, moved, or a wrong key)"),
        }
    }
}

impl std::error::Error for OpenError {}

fn decode_error(e: OpenError) -> DbError {
    DbError::Decode(Box::new(e))
}

/// Appends to `audit_events` (the table is only ever inserted into).
pub async fn insert_audit(tx: &mut sqlx::Transaction<'_, sqlx::Any>, now: Timestamp, audit: &Audit<'_>, ticket: Option<&str>) -> Result<(), DbError> {
    insert_audit_event(tx, now, audit, ticket, None).await
}

/// [`insert_audit`] for a change to a staff account, named by its id (never its username, and
/// never a password or hash).
pub async fn insert_staff_audit(tx: &mut sqlx::Transaction<'_, sqlx::Any>, now: Timestamp, audit: &Audit<'_>, staff_account: &str) -> Result<(), DbError> {
    insert_audit_event(tx, now, audit, None, Some(staff_account)).await
}

impl Store {
    /// One audit event per complaint in `tickets`, in one transaction (a list of complaints read).
    pub async fn audit_reads(&self, now: Timestamp, audit: &Audit<'_>, tickets: &[&str]) -> Result<(), DbError> {
        if tickets.is_empty() {
            return Ok(());
        }
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin().await?;
        for ticket in tickets {
            insert_audit_event(&mut tx, now, audit, Some(ticket), None).await?;
        }
        tx.commit().await
    }

    /// The complaint an attachment belongs to, if any.
    pub async fn ticket_of_attachment(&self, id: &str) -> Result<Option<String>, DbError> {
        let row = sqlx::query("SELECT complaint_ticket FROM attachments WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        Ok(row.and_then(|r| r.try_get::<Option<String>, _>("complaint_ticket").ok().flatten()))
    }

    /// One audit event on its own (a sign-in, a complaint read), about a complaint if `ticket`
    /// and a staff account if `staff_account`.
    pub async fn audit(&self, now: Timestamp, audit: &Audit<'_>, ticket: Option<&str>, staff_account: Option<&str>) -> Result<(), DbError> {
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin().await?;
        insert_audit_event(&mut tx, now, audit, ticket, staff_account).await?;
        tx.commit().await
    }
}

async fn insert_audit_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    now: Timestamp,
    audit: &Audit<'_>,
    ticket: Option<&str>,
    staff_account: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO audit_events (id, at, actor, action, ticket, client_ip, staff_account) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(uuid::Uuid::new_v4().hyphenated().to_string())
        .bind(now.unix())
        .bind(audit.actor)
        .bind(audit.action)
        .bind(ticket)
        .bind(audit.client_ip.as_deref())
        .bind(staff_account)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

fn status_row(r: &sqlx::any::AnyRow) -> Result<StatusRow, DbError> {
    Ok(StatusRow {
        status: r.try_get("status")?,
        received_at: r.try_get("received_at")?,
        response_due_at: r.try_get("response_due_at")?,
        updated_at: r.try_get("updated_at")?,
        resolved_at: r.try_get("resolved_at")?,
        erased_at: r.try_get("erased_at")?,
        lookup: match (r.try_get::<Option<String>, _>("key_id")?, r.try_get::<Option<String>, _>("lookup_hash")?) {
            (Some(id), Some(hash)) => Some((id, hash)),
            _ => None,
        },
    })
}
