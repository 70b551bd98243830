//! The JMO Self-Help complaint intake server: an axum HTTP API over SQLite (default) or
//! PostgreSQL, using the `jmo-contract` types and validators. Complaints are stored by a
//! group-commit writer and answered only once durable; the built widget is served from
//! `WIDGET_DIR`. [`start`] runs it in-process (tests, benchmark); the binary wraps it.

mod access_log;
pub mod accounts;
pub mod app;
mod body;
pub mod client;
pub mod clock;
pub mod config;
pub mod crypto;
mod error;
pub mod images;
pub mod intake;
mod limits;
pub mod messages;
pub mod pages;
mod routes;
pub mod serve;
pub mod state;
pub mod store;
pub mod walks;
mod widget;
pub mod workspace;

pub use config::Config;

use intake::Intake;
use state::AppState;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;
use tokio::sync::{oneshot, Semaphore};
use tokio::task::JoinHandle;

/// A server running in this process.
pub struct Running {
    pub addr: SocketAddr,
    pub store: Store,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stops accepting, finishes requests in flight, and waits.
    pub async fn stop(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(());
        self.task.await.unwrap_or(Ok(()))
    }

    /// Waits until the server ends (after a shutdown signal).
    pub async fn wait(self) -> std::io::Result<()> {
        let Running { shutdown, task, .. } = self;
        let result = task.await.unwrap_or(Ok(()));
        drop(shutdown);
        result
    }
}

#[derive(Debug)]
pub enum StartError {
    Database(sqlx::Error),
    Bind(std::io::Error),
    /// The data keys: unreadable, malformed, or not those the database was sealed with.
    Keys(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Database(e) => write!(f, "database: {e}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::Keys(e) => write!(f, "data key: {e}"),
        }
    }
}

/// Opens the database (applying migrations), binds `config.listen_addr` and serves until
/// `shutdown` completes or [`Running::stop`] is called.
pub async fn start(config: Config, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> Result<Running, StartError> {
    if let Some(file) = &config.clock_file {
        clock::use_offset_file(file.clone());
    }
    let keys = Arc::new(load_keys(&config.data_keys)?);
    let store = Store::open(&config.database_url, config.sqlite_synchronous_full, keys.clone()).await.map_err(StartError::Database)?;
    // Before anything is served: plain text from before sealing (or from an older key) is
    // sealed with the current key, and what the retention period says must go is erased.
    store.reseal().await.map_err(|e| match e {
        store::ResealError::Database(e) => StartError::Database(e),
        e => StartError::Keys(e.to_string()),
    })?;
    let retention_secs = retention_secs(&config);
    store.purge(clock::now(), retention_secs).await.map_err(StartError::Database)?;
    let intake = Intake::start(&store).await.map_err(StartError::Database)?;
    let state = AppState {
        store: store.clone(),
        intake,
        staff_token: config.staff_token.as_deref().map(Arc::from),
        keys_in_flight: Arc::new(Mutex::new(Default::default())),
        image_slots: Arc::new(Semaphore::new(2)),
        lookup_failures_per_ticket: config.lookup_failures_per_ticket,
        lookup_failures_per_client: config.lookup_failures_per_client,
        body_idle_timeout: Duration::from_secs(config.body_idle_timeout_secs),
        page_counts: walks::PageCounts::default(),
    };
    let limiters = app::Limiters::new(&config);
    let page_counts = state.page_counts.clone();
    let router = app::router(state, &config, &limiters);
    let listener = tokio::net::TcpListener::bind(&config.listen_addr).await.map_err(StartError::Bind)?;
    let addr = listener.local_addr().map_err(StartError::Bind)?;
    tracing::info!(
        addr = %addr,
        database = %config.database_description(),
        database_tls = %config.database_tls,
        data_key = keys.current_id(),
        retention_days_after_resolution = config.retention_days_after_resolution,
        development = config.development,
        widget_dir = %config.widget_dir.display(),
        allowed_origins = config.allowed_origins.len(),
        staff_endpoints = config.staff_token.is_some(),
        trusted_proxies = config.trusted_proxies.len(),
        "listening"
    );
    if !config.widget_dir.join("index.html").is_file() {
        tracing::warn!(widget_dir = %config.widget_dir.display(), "no index.html in WIDGET_DIR: only the API is served");
    }
    if config.clock_file.is_some() {
        tracing::warn!(offset_secs = clock::now().unix() - std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
            "JMO_CLOCK_FILE: the clock is moved for testing");
    }
    spawn_housekeeping(store.clone(), limiters, retention_secs, page_counts);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let signal = async move {
        tokio::select! {
            _ = shutdown => {}
            _ = stop_rx => {}
        }
        tracing::info!("shutting down");
    };
    let conn_limits = serve::ConnLimits {
        per_client: config.connections_per_client,
        total: config.max_connections,
        header_read_timeout: Duration::from_secs(config.header_read_timeout_secs),
        idle_timeout: Duration::from_secs(config.idle_timeout_secs),
        trusted: Arc::new(config.trusted_proxies.clone()),
    };
    let task = tokio::spawn(serve::serve(listener, router, conn_limits, signal));
    Ok(Running { addr, store, shutdown: stop_tx, task })
}

/// The database as `config` names it, with the migrations applied and the data keys loaded, for
/// tools that work on it without serving (`jmo-selfhelp-server staff …`): no resealing, purge
/// or listening, which only [`start`] does.
pub async fn open_store(config: &Config) -> Result<Store, StartError> {
    let keys = Arc::new(load_keys(&config.data_keys)?);
    Store::open(&config.database_url, config.sqlite_synchronous_full, keys).await.map_err(StartError::Database)
}

fn retention_secs(config: &Config) -> i64 {
    (config.retention_days_after_resolution.min(100 * 365) as i64) * clock::DAY_SECS
}

/// The key ring from configuration; in development, a key file made on first use.
fn load_keys(source: &config::KeySource) -> Result<crypto::KeyRing, StartError> {
    use config::KeySource;
    let text = match source {
        KeySource::Value(v) => v.clone(),
        KeySource::File(path) => std::fs::read_to_string(path).map_err(|e| StartError::Keys(format!("DATA_KEY_FILE {}: {e}", path.display())))?,
        KeySource::Development(path) => {
            if !path.exists() {
                write_private(path, &format!("{}\n", crypto::generate_key()))
                    .map_err(|e| StartError::Keys(format!("creating the development key {}: {e}", path.display())))?;
                tracing::warn!(file = %path.display(), "development: created a data key; production needs DATA_KEY_FILE");
            } else {
                tracing::warn!(file = %path.display(), "development: using the data key in this file");
            }
            std::fs::read_to_string(path).map_err(|e| StartError::Keys(format!("{}: {e}", path.display())))?
        }
    };
    crypto::KeyRing::parse(&text).map_err(StartError::Keys)
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

/// Every minute: prune the rate limiters and write the step pages counted; every hour by [`clock::now`] (so a moved clock moves
/// it too): the purge, with the retention erasure.
fn spawn_housekeeping(store: Store, limiters: app::Limiters, retention_secs: i64, page_counts: walks::PageCounts) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        tick.tick().await;
        let mut next_purge = clock::now().unix() + 3600;
        loop {
            tick.tick().await;
            limiters.forget_idle();
            if let Err(e) = page_counts.write(&store, &jmo_selfhelp::content::bundled().version).await {
                tracing::warn!(error = %e, "page counts not written");
            }
            let now = clock::now();
            if now.unix() >= next_purge {
                next_purge = now.unix() + 3600;
                if let Err(e) = store.purge(now, retention_secs).await {
                    tracing::warn!(error = %e, "purge failed");
                }
                if let Err(e) = store.purge_walk_nonces(pages::today()).await {
                    tracing::warn!(error = %e, "walk nonces not purged");
                }
                if let Err(e) = store.purge_staff_sessions(now).await {
                    tracing::warn!(error = %e, "ended staff sessions not purged");
                }
            }
        }
    });
}
