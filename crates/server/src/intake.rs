//! Group commit: one writer task takes complaints off a bounded queue and stores each batch in a
//! single transaction, answering every request only after its batch has committed. One commit
//! per batch instead of per complaint is what makes durable intake fast on SQLite.

use crate::store::{DbError, DbKind, SealedComplaint, Store};
use jmo_contract::{ComplaintReceipt, ValidComplaint};
use sqlx::pool::PoolConnection;
use sqlx::{Any, Connection, Row};
use tokio::sync::{mpsc, oneshot};

/// Most complaints in one transaction: enough to amortise the commit, small enough to keep the
/// tail latency of a batch short.
pub const MAX_BATCH: usize = 256;
pub const QUEUE_CAPACITY: usize = 4096;

/// What is stored for one accepted complaint.
pub struct Record {
    pub idempotency_key: String,
    pub fingerprint: String,
    pub receipt: ComplaintReceipt,
    pub received_at: i64,
    pub response_due_at: i64,
    pub complaint: ValidComplaint,
    /// Its personal content, sealed by the request's task (off the single writer).
    pub sealed: SealedComplaint,
}

pub struct Submission {
    pub record: Record,
    pub reply: oneshot::Sender<Result<Outcome, DbError>>,
}

#[derive(Debug)]
pub enum Outcome {
    Created,
    /// The key was used before with the same body: the original 201 body.
    Replayed(String),
    /// The key was used before with another body.
    KeyReused,
    /// Another server instance is storing the same key right now.
    KeyInUse,
    /// This attachment (by index) does not exist or belongs to another complaint.
    AttachmentUnknown(usize),
}

#[derive(Clone)]
pub struct Intake {
    tx: mpsc::Sender<Submission>,
}

pub enum SubmitError {
    /// The queue is full: the caller should answer 503 at once rather than wait.
    Overloaded,
    Stopped,
}

impl Intake {
    /// Starts the writer; it takes a connection of its own from the pool.
    pub async fn start(store: &Store) -> Result<Intake, DbError> {
        let conn = store.pool.acquire().await?;
        let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(run_writer(store.clone(), conn, rx));
        Ok(Intake { tx })
    }

    pub fn submit(&self, s: Submission) -> Result<(), SubmitError> {
        self.tx.try_send(s).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => SubmitError::Overloaded,
            mpsc::error::TrySendError::Closed(_) => SubmitError::Stopped,
        })
    }
}

async fn run_writer(store: Store, conn: PoolConnection<Any>, mut rx: mpsc::Receiver<Submission>) {
    let mut conn = Some(conn);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if conn.is_none() {
            conn = store.pool.acquire().await.map_err(|e| tracing::error!(error = %e, "writer cannot get a connection")).ok();
        }
        let result = match conn.as_mut() {
            Some(c) => store_batch(c, store.kind, &batch).await,
            None => Err(DbError::PoolTimedOut),
        };
        match result {
            Ok(outcomes) => {
                tracing::debug!(size = batch.len(), "batch committed");
                for (s, o) in batch.drain(..).zip(outcomes) {
                    if let Outcome::Created = o {
                        let r = &s.record;
                        tracing::info!(ticket = %r.receipt.ticket, category = r.complaint.category.as_str(), "complaint stored");
                    }
                    let _ = s.reply.send(Ok(o));
                }
            }
            Err(e) => {
                // Nothing of the batch was committed: every client gets 503 and retries with its
                // key. The connection may be broken (database restarted), so take a fresh one.
                tracing::error!(error = %e, size = batch.len(), "batch failed, rolled back");
                if let Some(mut c) = conn.take() {
                    c.close_on_drop();
                }
                for s in batch.drain(..) {
                    let _ = s.reply.send(Err(DbError::PoolClosed));
                }
            }
        }
    }
}

async fn store_batch(conn: &mut PoolConnection<Any>, kind: DbKind, batch: &[Submission]) -> Result<Vec<Outcome>, DbError> {
    // The batch reads (idempotency keys, free attachments) before it writes.
    let mut tx = conn.begin_with(kind.begin_write()).await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for s in batch {
        outcomes.push(store_one(&mut tx, &s.record).await?);
    }
    tx.commit().await?;
    Ok(outcomes)
}

async fn store_one(tx: &mut sqlx::Transaction<'_, Any>, s: &Record) -> Result<Outcome, DbError> {
    let previous = sqlx::query("SELECT fingerprint, response FROM idempotency_keys WHERE idempotency_key = $1")
        .bind(&s.idempotency_key)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(row) = previous {
        let fingerprint: String = row.try_get("fingerprint")?;
        return Ok(if fingerprint == s.fingerprint { Outcome::Replayed(row.try_get("response")?) } else { Outcome::KeyReused });
    }
    // An attachment must exist, be unclaimed and have been uploaded for this complaint (its
    // Complaint-Key, when the upload named one). Claimed inside a savepoint, each claim checked
    // by its row count (another server instance may have claimed it since), so a refused
    // complaint leaves nothing behind in the batch. Without attachments no savepoint is needed
    // (it costs two statements per complaint in the batch): insert_record writes nothing when
    // the key is taken.
    if s.complaint.attachments.is_empty() {
        return Ok(if insert_record(tx, s).await? { Outcome::Created } else { Outcome::KeyInUse });
    }
    let mut sp = tx.begin().await?;
    for (i, id) in s.complaint.attachments.iter().enumerate() {
        let claimed = sqlx::query(
            "UPDATE attachments SET complaint_ticket = $1 WHERE id = $2 AND complaint_ticket IS NULL AND (for_key IS NULL OR for_key = $3)",
        )
        .bind(&s.receipt.ticket)
        .bind(id)
        .bind(&s.idempotency_key)
        .execute(&mut *sp)
        .await?;
        if claimed.rows_affected() != 1 {
            sp.rollback().await?;
            return Ok(Outcome::AttachmentUnknown(i));
        }
    }
    if !insert_record(&mut sp, s).await? {
        sp.rollback().await?;
        return Ok(Outcome::KeyInUse);
    }
    sp.commit().await?;
    Ok(Outcome::Created)
}

/// The idempotency record and the complaint row; `false` (and nothing written) if the key was
/// taken meanwhile by another server instance. The benchmark's baseline inserts through this too.
pub async fn insert_record(tx: &mut sqlx::Transaction<'_, Any>, s: &Record) -> Result<bool, DbError> {
    let response = serde_json::to_string(&s.receipt).unwrap_or_default();
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (idempotency_key, fingerprint, ticket, response, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(&s.idempotency_key)
    .bind(&s.fingerprint)
    .bind(&s.receipt.ticket)
    .bind(response)
    .bind(s.received_at)
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(false);
    }
    let c = &s.complaint;
    sqlx::query(
        "INSERT INTO complaints (ticket, idempotency_key, category, urgency, reply_channel, status, \
         received_at, response_due_at, updated_at, personal, key_id, lookup_hash) \
         VALUES ($1, $2, $3, $4, $5, 'received', $6, $7, $6, $8, $9, $10)",
    )
    .bind(&s.receipt.ticket)
    .bind(&s.idempotency_key)
    .bind(c.category.as_str())
    .bind(c.urgency.as_str())
    .bind(c.reply_channel.as_str())
    .bind(s.received_at)
    .bind(s.response_due_at)
    .bind(&s.sealed.personal)
    .bind(&s.sealed.key_id)
    .bind(&s.sealed.lookup_hash)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}
