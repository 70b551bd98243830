//! The complaints as the intake server's SQLite file holds them, read over a connection of its
//! own (the server may be stopped).

use std::path::Path;

/// A complaint as the database holds it.
#[derive(Debug, Clone)]
pub struct StoredComplaint {
    pub ticket: String,
    pub idempotency_key: String,
    pub category: String,
    pub status: String,
    /// The last 4 digits of the reporter's phone, from the payload (the database keeps only a
    /// keyed hash of them); empty once erased.
    pub phone_last4: String,
    /// The normalised complaint the server stored (reporter, guide trail, description…), opened
    /// with [`crate::DATA_KEY`]; `null` once erased.
    pub payload: serde_json::Value,
    pub attachments: Vec<StoredAttachment>,
}

/// An image attached to a complaint, as stored.
#[derive(Debug, Clone)]
pub struct StoredAttachment {
    pub id: String,
    pub content_type: String,
    pub bytes: i64,
    pub width: i64,
    pub height: i64,
    /// The image, opened with [`crate::DATA_KEY`].
    pub data: Vec<u8>,
}

/// Every complaint in the SQLite file `db_file`, oldest first, with its attachments — read over
/// a connection of its own, not through the server (which may be stopped).
pub async fn stored_complaints(db_file: &Path) -> Result<Vec<StoredComplaint>, String> {
    use jmo_selfhelp_server::crypto::{Column, KeyRing};
    use sqlx::{ConnectOptions, Connection, Row};
    let keys = KeyRing::parse(crate::DATA_KEY)?;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db_file).create_if_missing(false);
    let mut conn = options.connect().await.map_err(|e| format!("opening {}: {e}", db_file.display()))?;
    let rows = sqlx::query(
        "SELECT ticket, idempotency_key, category, status, personal FROM complaints ORDER BY received_at, ticket",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(|e| format!("reading complaints: {e}"))?;
    let mut complaints = Vec::new();
    for row in rows {
        let get = |name: &str| -> Result<String, String> { row.try_get::<String, _>(name).map_err(|e| format!("complaints.{name}: {e}")) };
        let ticket = get("ticket")?;
        let sealed: Option<Vec<u8>> = row.try_get("personal").map_err(|e| format!("complaints.personal: {e}"))?;
        let payload: serde_json::Value = match sealed {
            Some(sealed) => {
                let plain = keys.open(Column::ComplaintPersonal, &ticket, &sealed).map_err(|e| format!("complaints.personal of {ticket}: {e}"))?;
                serde_json::from_slice(&plain).map_err(|e| format!("complaints.personal of {ticket}: {e}"))?
            }
            None => serde_json::Value::Null,
        };
        let phone = payload["reporter"]["phone"].as_str().unwrap_or("");
        let phone_last4 = phone[phone.len().saturating_sub(4)..].to_string();
        let attachments = sqlx::query(
            "SELECT id, content_type, bytes, width, height, data FROM attachments WHERE complaint_ticket = ? ORDER BY created_at, id",
        )
        .bind(&ticket)
        .fetch_all(&mut conn)
        .await
        .map_err(|e| format!("reading attachments: {e}"))?
        .into_iter()
        .map(|a| {
            let id: String = a.try_get("id").map_err(|e| e.to_string())?;
            let sealed: Vec<u8> = a.try_get("data").map_err(|e| e.to_string())?;
            let data = keys.open(Column::AttachmentData, &id, &sealed).map_err(|e| format!("attachments.data of {id}: {e}"))?;
            Ok(StoredAttachment {
                id,
                content_type: a.try_get("content_type").map_err(|e| e.to_string())?,
                bytes: a.try_get("bytes").map_err(|e| e.to_string())?,
                width: a.try_get("width").map_err(|e| e.to_string())?,
                height: a.try_get("height").map_err(|e| e.to_string())?,
                data,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
        complaints.push(StoredComplaint {
            idempotency_key: get("idempotency_key")?,
            category: get("category")?,
            status: get("status")?,
            phone_last4,
            ticket,
            payload,
            attachments,
        });
    }
    let _ = conn.close().await;
    Ok(complaints)
}
