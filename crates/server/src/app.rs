//! The router: API routes, the widget's static files, and the layers every response passes
//! (security headers, CORS, load shedding, access log, panic safety net).

use crate::access_log::access_log;
use crate::config::Config;
use crate::error::ApiError;
use crate::limits::{no_store, rate_limit, shed_load, time_limit, Budgets, IpLimit};
use crate::routes::{attachments, complaints, fallback, openapi, staff, status, walks};
use crate::state::AppState;
use crate::pages::{self, Shell};
use crate::widget;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{any, delete, get, post};
use axum::Router;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The per-IP limiters, kept so a background task can prune them.
#[derive(Clone)]
pub struct Limiters {
    pub complaints: IpLimit,
    pub lookups: IpLimit,
    pub uploads: IpLimit,
    pub walks: IpLimit,
    pub sign_ins: IpLimit,
}

impl Limiters {
    pub fn new(config: &Config) -> Limiters {
        Limiters {
            complaints: IpLimit::per_minute(config.complaints_per_minute),
            lookups: IpLimit::per_minute(config.lookups_per_minute),
            uploads: IpLimit::per_minute(config.uploads_per_minute),
            walks: IpLimit::per_minute(config.walks_per_minute),
            sign_ins: IpLimit::per_minute(config.staff_sign_ins_per_minute),
        }
    }

    pub fn forget_idle(&self) {
        self.complaints.forget_idle();
        self.lookups.forget_idle();
        self.uploads.forget_idle();
        self.walks.forget_idle();
        self.sign_ins.forget_idle();
    }
}

/// The policy of every response: scripts and styles from this server only, plus the page
/// shell's inline ones by their hashes (no `unsafe-inline`, no `unsafe-eval`).
pub fn content_security_policy(frame_ancestors: &str, shell: &Shell) -> String {
    let with = |hashes: &[String]| hashes.iter().map(|h| format!(" {h}")).collect::<String>();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'{}; img-src 'self' data: blob:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}",
        with(&shell.script_hashes),
        with(&shell.style_hashes),
    )
}

/// `GET /embed-origins.json`: the host pages the widget may talk to when it is framed
/// (`EMBED_ORIGINS`), read by `src/host.js`; see docs/embedding.md.
fn embed_origins(config: &Config) -> axum::routing::MethodRouter<AppState> {
    let body = axum::body::Bytes::from(serde_json::json!({ "origins": config.embed_origins }).to_string());
    get(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-cache")], body) }
    })
}

fn cors(config: &Config) -> CorsLayer {
    let origins: Vec<HeaderValue> = config.allowed_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, HeaderName::from_static(complaints::IDEMPOTENCY_KEY), HeaderName::from_static(attachments::COMPLAINT_KEY)])
        .expose_headers([header::RETRY_AFTER, header::LOCATION, HeaderName::from_static(complaints::REPLAYED)])
        .max_age(std::time::Duration::from_secs(600))
}

pub fn router(app: AppState, config: &Config, limiters: &Limiters) -> Router {
    let limited = |l: &IpLimit| from_fn_with_state(l.clone(), rate_limit);
    let api = Router::new()
        .route("/api/v1/complaints", post(complaints::create).route_layer(limited(&limiters.complaints)))
        .route("/api/v1/complaints/lookup", post(complaints::lookup_post).route_layer(limited(&limiters.lookups)))
        .route("/api/v1/complaints/{ticket}", get(complaints::lookup).route_layer(limited(&limiters.lookups)))
        .route(
            "/api/v1/attachments",
            post(attachments::upload)
                .route_layer(limited(&limiters.uploads))
                .layer(DefaultBodyLimit::max(attachments::UPLOAD_BODY_LIMIT)),
        )
        .route("/api/v1/status", get(status::status))
        .route(
            "/api/v1/walks",
            post(walks::report).route_layer(limited(&limiters.walks)).layer(DefaultBodyLimit::max(walks::WALK_BODY_LIMIT)),
        )
        .route("/api/v1/staff/walks", get(walks::stats))
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/staff/complaints", get(staff::list))
        .route("/api/v1/staff/complaints/{ticket}", get(staff::detail).patch(staff::set_status))
        .route("/api/v1/staff/complaints/{ticket}/erase", post(staff::erase))
        .route("/api/v1/staff/attachments/{id}", get(staff::attachment))
        .route("/api/v1/staff/disruptions", post(staff::create_disruption))
        .route("/api/v1/staff/disruptions/{id}", delete(staff::end_disruption))
        .route("/embed-origins.json", embed_origins(config))
        // The shell itself is no page: every page has its address (`/` for the start screen).
        .route("/index.html", any(|| async { axum::response::Redirect::permanent("/") }))
        .route("/api", any(fallback::not_found))
        .route("/api/{*rest}", any(fallback::not_found))
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .with_state(app.clone())
        .merge(crate::workspace::router(crate::workspace::Workspace { app: app.clone(), sign_ins: limiters.sign_ins.clone() }));

    let shell = Arc::new(Shell::load(&config.widget_dir).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the built index.html cannot hold pages; serving bare pages");
        Shell::parse(pages::BARE_SHELL).expect("the bare shell parses")
    }));
    // Every address that is not a file is a page of the widget, drawn here.
    // A complaint form posted without JavaScript carries its photos as the camera took them.
    let page = any(pages::handle)
        .with_state::<()>(pages::Pages { shell: shell.clone(), app, complaints: limiters.complaints.clone(), lookups: limiters.lookups.clone() })
        .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(pages::FORM_BODY_LIMIT))
        .layer(CompressionLayer::new());
    let files = ServeDir::new(&config.widget_dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .call_fallback_on_method_not_allowed(true)
        .fallback(page);
    let widget = Router::new().fallback_service(files).layer(from_fn(widget::cache_control));
    let csp = HeaderValue::from_str(&content_security_policy(&config.frame_ancestors, &shell))
        .unwrap_or_else(|_| HeaderValue::from_static("frame-ancestors 'self'"));
    let budgets = Budgets { uploads: Arc::new(Semaphore::new(config.uploads_in_flight)), requests: Arc::new(Semaphore::new(config.max_in_flight)) };
    let trusted = Arc::new(config.trusted_proxies.clone());

    api.fallback_service(widget)
        .layer(from_fn(time_limit))
        .layer(from_fn(access_log))
        .layer(from_fn_with_state(budgets, shed_load))
        .layer(from_fn_with_state(trusted, crate::client::identify))
        .layer(cors(config))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, csp))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("handler panicked");
            ApiError::overloaded().into_response()
        }))
        .layer(from_fn(no_store))
}
