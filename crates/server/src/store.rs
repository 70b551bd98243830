//! The database: one set of SQL and migrations for SQLite and PostgreSQL through sqlx's `Any`
//! driver. Complaint inserts go through the group-commit writer in `intake`; everything else
//! (lookups, attachments, staff changes) uses the pool directly.

use jmo_contract::{Category, Disruption, Localized, Timestamp};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::AnyPool;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{ConnectOptions, Executor, Row, SqlSafeStr};
use std::str::FromStr;
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

#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub kind: DbKind,
}

/// What a participant may see of a complaint, plus the digits that unlock it.
pub struct StatusRow {
    pub status: String,
    pub received_at: i64,
    pub response_due_at: i64,
    pub updated_at: i64,
    pub phone_last4: String,
}

pub struct ComplaintRow {
    pub ticket: String,
    pub status: StatusRow,
    pub payload: String,
}

fn migrator() -> Migrator {
    Migrator::with_migrations(vec![Migration::new(
        1,
        "init".into(),
        MigrationType::Simple,
        include_str!("../migrations/0001_init.sql").into_sql_str(),
        false,
    )])
}

impl Store {
    /// Connects, creating a SQLite file if needed (WAL mode), and applies the migrations.
    pub async fn open(url: &str, sqlite_synchronous_full: bool) -> Result<Store, DbError> {
        sqlx::any::install_default_drivers();
        let kind = if url.starts_with("sqlite:") { DbKind::Sqlite } else { DbKind::Postgres };
        let mut url = url.to_string();
        if kind == DbKind::Sqlite {
            if let Some(parent) = sqlite_path(&url).and_then(|p| std::path::Path::new(p).parent().map(|d| d.to_path_buf())) {
                if !parent.as_os_str().is_empty() {
                    let _ = std::fs::create_dir_all(parent);
                }
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
        Ok(Store { pool, kind })
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
        content_type: &str,
        data: Vec<u8>,
        width: u32,
        height: u32,
        now: Timestamp,
    ) -> Result<(), DbError> {
        let bytes = data.len() as i64;
        sqlx::query(
            "INSERT INTO attachments (id, content_type, data, bytes, width, height, complaint_ticket, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)",
        )
        .bind(id)
        .bind(content_type)
        .bind(data)
        .bind(bytes)
        .bind(width as i64)
        .bind(height as i64)
        .bind(now.unix())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn attachment(&self, id: &str) -> Result<Option<(String, Vec<u8>)>, DbError> {
        let row = sqlx::query("SELECT content_type, data FROM attachments WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| Ok((r.try_get("content_type")?, r.try_get("data")?))).transpose()
    }

    pub async fn attachments_of(&self, ticket: &str) -> Result<Vec<String>, DbError> {
        let rows = sqlx::query("SELECT id FROM attachments WHERE complaint_ticket = $1 ORDER BY id")
            .bind(ticket)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }

    pub async fn ticket_status(&self, ticket: &str) -> Result<Option<StatusRow>, DbError> {
        let row = sqlx::query(
            "SELECT status, received_at, response_due_at, updated_at, phone_last4 FROM complaints WHERE ticket = $1",
        )
        .bind(ticket)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| status_row(&r)).transpose()
    }

    pub async fn complaint(&self, ticket: &str) -> Result<Option<ComplaintRow>, DbError> {
        let row = sqlx::query(
            "SELECT ticket, status, received_at, response_due_at, updated_at, phone_last4, payload FROM complaints WHERE ticket = $1",
        )
        .bind(ticket)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| complaint_row(&r)).transpose()
    }

    /// The oldest complaints first, optionally only those in one status.
    pub async fn complaints(&self, status: Option<&str>, limit: i64) -> Result<Vec<ComplaintRow>, DbError> {
        let rows = sqlx::query(
            "SELECT ticket, status, received_at, response_due_at, updated_at, phone_last4, payload FROM complaints \
             WHERE ($1 = '' OR status = $1) ORDER BY received_at, ticket LIMIT $2",
        )
        .bind(status.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(complaint_row).collect()
    }

    pub async fn set_status(&self, ticket: &str, status: &str, now: Timestamp) -> Result<bool, DbError> {
        let done = sqlx::query("UPDATE complaints SET status = $1, updated_at = $2 WHERE ticket = $3")
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

    /// Forgets idempotency keys after 8 days (the draft asks for at least 7) and uploads that no
    /// complaint claimed within a day.
    pub async fn purge(&self, now: Timestamp) -> Result<(), DbError> {
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(now.unix() - 8 * 86_400).execute(&self.pool).await?;
        sqlx::query("DELETE FROM attachments WHERE complaint_ticket IS NULL AND created_at < $1")
            .bind(now.unix() - 86_400)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
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
        phone_last4: r.try_get("phone_last4")?,
    })
}

fn complaint_row(r: &sqlx::any::AnyRow) -> Result<ComplaintRow, DbError> {
    Ok(ComplaintRow { ticket: r.try_get("ticket")?, status: status_row(r)?, payload: r.try_get("payload")? })
}
