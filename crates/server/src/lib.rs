//! The JMO Self-Help complaint intake server: an axum HTTP API over SQLite (default) or
//! PostgreSQL, using the `jmo-contract` types and validators. Complaints are stored by a
//! group-commit writer and answered only once durable; the built widget is served from
//! `WIDGET_DIR`. [`start`] runs it in-process (tests, benchmark); the binary wraps it.

mod access_log;
pub mod app;
mod body;
pub mod clock;
pub mod config;
mod error;
pub mod images;
pub mod intake;
mod limits;
mod routes;
pub mod state;
pub mod store;
mod widget;

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
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Database(e) => write!(f, "database: {e}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
        }
    }
}

/// Opens the database (applying migrations), binds `config.listen_addr` and serves until
/// `shutdown` completes or [`Running::stop`] is called.
pub async fn start(config: Config, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> Result<Running, StartError> {
    let store = Store::open(&config.database_url, config.sqlite_synchronous_full).await.map_err(StartError::Database)?;
    let intake = Intake::start(&store).await.map_err(StartError::Database)?;
    let state = AppState {
        store: store.clone(),
        intake,
        staff_token: config.staff_token.as_deref().map(Arc::from),
        keys_in_flight: Arc::new(Mutex::new(Default::default())),
        image_slots: Arc::new(Semaphore::new(2)),
    };
    let limiters = app::Limiters::new(&config);
    let router = app::router(state, &config, &limiters);
    let listener = tokio::net::TcpListener::bind(&config.listen_addr).await.map_err(StartError::Bind)?;
    let addr = listener.local_addr().map_err(StartError::Bind)?;
    tracing::info!(
        addr = %addr,
        database = %config.database_description(),
        widget_dir = %config.widget_dir.display(),
        allowed_origins = config.allowed_origins.len(),
        staff_endpoints = config.staff_token.is_some(),
        "listening"
    );
    if !config.widget_dir.join("index.html").is_file() {
        tracing::warn!(widget_dir = %config.widget_dir.display(), "no index.html in WIDGET_DIR: only the API is served");
    }
    spawn_housekeeping(store.clone(), limiters);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let signal = async move {
        tokio::select! {
            _ = shutdown => {}
            _ = stop_rx => {}
        }
        tracing::info!("shutting down");
    };
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move { axum::serve(listener, service).with_graceful_shutdown(signal).await });
    Ok(Running { addr, store, shutdown: stop_tx, task })
}

fn spawn_housekeeping(store: Store, limiters: app::Limiters) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        let mut minutes = 0u64;
        loop {
            tick.tick().await;
            limiters.forget_idle();
            if minutes.is_multiple_of(60) {
                if let Err(e) = store.purge(clock::now()).await {
                    tracing::warn!(error = %e, "purge failed");
                }
            }
            minutes += 1;
        }
    });
}
