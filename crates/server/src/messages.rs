//! A short text in Indonesian and English for every code the server answers with, sent beside
//! the code (`{"field":…,"code":…,"message":{"id":…,"en":…}}`) so that a client without its own
//! table (curl, a partner system) still shows something clear. Clients with their own texts keep
//! mapping the code; codes never change meaning, texts may be improved.

use jmo_contract::codes;

/// Codes this server adds to those of `jmo-contract` (request level).
pub mod server_codes {
    /// The image is larger than the server decodes (pixels or side length).
    pub const IMAGE_TOO_LARGE: &str = "image_too_large";
    /// Too many failed status lookups for this ticket or from this address: wait (Retry-After).
    pub const LOOKUP_LOCKED: &str = "lookup_locked";
    /// Too many open connections from this address.
    pub const TOO_MANY_CONNECTIONS: &str = "too_many_connections";
    /// Walk reports not counted (`crate::walks::Refused`).
    pub const WALK_MALFORMED: &str = "walk_malformed";
    pub const WALK_DAY: &str = "walk_day";
    pub const WALK_VERSION: &str = "walk_version";
    pub const WALK_PATH: &str = "walk_path";
    pub const WALK_OUTCOME: &str = "walk_outcome";
}

const TABLE: &[(&str, &str, &str)] = &[
    (codes::REQUIRED, "Wajib diisi.", "Required."),
    (codes::INVALID_FORMAT, "Formatnya tidak sesuai.", "The format is not valid."),
    (codes::INVALID_TYPE, "Jenis nilainya tidak sesuai.", "The value has the wrong type."),
    (codes::TOO_LONG, "Terlalu panjang.", "Too long."),
    (codes::TOO_SHORT, "Terlalu pendek.", "Too short."),
    (codes::TOO_MANY, "Terlalu banyak.", "Too many."),
    (codes::ATTACHMENT_UNKNOWN, "Lampiran tidak ditemukan atau sudah dipakai untuk pengaduan lain. Unggah ulang gambarnya.",
        "The attachment does not exist or belongs to another complaint. Upload the image again."),
    (codes::MALFORMED_JSON, "Isi permintaan bukan JSON yang sah.", "The request body is not valid JSON."),
    (codes::MALFORMED_BODY, "Isi permintaan tidak dapat dibaca.", "The request body cannot be read."),
    (codes::BODY_TOO_LARGE, "Isi permintaan terlalu besar.", "The request body is too large."),
    (codes::UNSUPPORTED_MEDIA_TYPE, "Jenis isi permintaan tidak didukung.", "The request's content type is not supported."),
    (codes::IDEMPOTENCY_KEY_MISSING, "Header Idempotency-Key wajib ada.", "The Idempotency-Key header is required."),
    (codes::IDEMPOTENCY_KEY_INVALID, "Idempotency-Key harus berupa UUID.", "The Idempotency-Key must be a UUID."),
    (codes::IDEMPOTENCY_KEY_REUSED, "Idempotency-Key ini sudah dipakai untuk pengaduan lain.", "This Idempotency-Key was used for another complaint."),
    (codes::IDEMPOTENCY_KEY_IN_USE, "Pengaduan ini masih diproses. Coba lagi sebentar lagi.", "This complaint is still being processed. Try again shortly."),
    (codes::IMAGE_TYPE_UNSUPPORTED, "Hanya gambar JPEG, PNG, atau WebP yang diterima.", "Only JPEG, PNG or WebP images are accepted."),
    (codes::IMAGE_CORRUPT, "Gambar rusak atau tidak dapat dibuka.", "The image is damaged or cannot be opened."),
    (server_codes::IMAGE_TOO_LARGE, "Gambar terlalu besar: paling banyak 4096 piksel per sisi. Kecilkan lalu kirim lagi.",
        "The image is too large: at most 4096 pixels a side. Make it smaller and send it again."),
    (codes::NOT_FOUND, "Tidak ditemukan.", "Not found."),
    (codes::METHOD_NOT_ALLOWED, "Metode ini tidak diizinkan di sini.", "This method is not allowed here."),
    (codes::UNAUTHORIZED, "Perlu masuk sebagai petugas.", "Staff sign-in is required."),
    (codes::RATE_LIMITED, "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.", "Too many requests. Wait a moment and try again."),
    (server_codes::LOOKUP_LOCKED, "Terlalu banyak percobaan yang salah. Coba lagi nanti.", "Too many wrong attempts. Try again later."),
    (server_codes::TOO_MANY_CONNECTIONS, "Terlalu banyak koneksi dari alamat ini. Coba lagi sebentar lagi.",
        "Too many connections from this address. Try again shortly."),
    (server_codes::WALK_MALFORMED, "Laporan perjalanan ini tidak lengkap atau salah bentuk.", "This walk report is incomplete or malformed."),
    (server_codes::WALK_DAY, "Tanggal laporan perjalanan ini di luar 7 hari terakhir.", "This walk report's day is outside the last 7 days."),
    (server_codes::WALK_VERSION, "Laporan perjalanan ini dibuat dengan versi panduan yang sudah diganti.", "This walk report was made with a version of the guides that has been replaced."),
    (server_codes::WALK_PATH, "Panduan tidak dapat ditempuh seperti dalam laporan ini.", "The guides cannot be walked the way this report says."),
    (server_codes::WALK_OUTCOME, "Akhir perjalanan dalam laporan ini tidak sesuai dengan langkahnya.", "The way this report says the walk ended does not fit its step."),
    (codes::OVERLOADED, "Layanan sedang sibuk. Coba lagi sebentar lagi.", "The service is busy. Try again shortly."),
    (codes::REQUEST_TIMEOUT, "Permintaan terlalu lama. Coba lagi dengan koneksi yang lebih baik.", "The request took too long. Try again on a better connection."),
    (codes::INTERNAL, "Terjadi kesalahan. Coba lagi nanti.", "Something went wrong. Try again later."),
];

/// The text for a code; a generic one for field codes the table does not name.
pub fn message(code: &str) -> (&'static str, &'static str) {
    TABLE
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, id, en)| (*id, *en))
        .unwrap_or(("Nilai ini tidak diterima. Periksa lalu coba lagi.", "This value is not accepted. Check it and try again."))
}

/// The JSON body of an error answer: the contract's `ErrorBody` with a `message` in each item.
pub fn error_json(body: &jmo_contract::ErrorBody) -> String {
    let errors: Vec<serde_json::Value> = body
        .errors
        .iter()
        .map(|e| {
            let (id, en) = message(&e.code);
            let mut item = serde_json::json!({ "code": e.code, "message": { "id": id, "en": en } });
            if let Some(f) = &e.field {
                item["field"] = f.clone().into();
            }
            item
        })
        .collect();
    serde_json::json!({ "errors": errors }).to_string()
}
