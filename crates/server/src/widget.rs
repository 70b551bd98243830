//! The built widget's files: the precompressed `.br`/`.gz` variants the build writes next to
//! them, and caching that lets phones keep content-hashed files for good while `index.html` is
//! always revalidated (so a new release is picked up on the next visit).

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub async fn cache_control(request: Request, next: Next) -> Response {
    let immutable = is_content_hashed(request.uri().path());
    let mut response = next.run(request).await;
    // A page that chose its own (a receipt, a posted form's answer: `no-store`) keeps it.
    if response.status().is_success() && !response.headers().contains_key(header::CACHE_CONTROL) {
        let value = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// Trunk names assets `name-<16 hex>.ext` (the wasm `…_bg.wasm`); the guide files are
/// `content-<guide>-<lang>-<12 hex>.txt`. Such a name changes whenever the content does.
fn is_content_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() >= 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn only_hashed_names_are_immutable() {
        assert!(is_content_hashed("/jmo-selfhelp-a64c461608abe3f0_bg.wasm"));
        assert!(is_content_hashed("/app-1d077e3ff6660fdb.css"));
        assert!(is_content_hashed("/content-928ff1251b85.txt"));
        assert!(!is_content_hashed("/"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/host-embed.js"));
        assert!(!is_content_hashed("/some-page.html"));
    }
}
