//! `jmo-selfhelp-server`: reads its configuration from the environment and serves until SIGINT
//! or SIGTERM. `--help` lists the variables.

use jmo_selfhelp_server::config::{Config, ENV_VARS};
use std::process::ExitCode;

fn usage() -> String {
    let mut s = String::from(
        "jmo-selfhelp-server: JMO Self-Help complaint intake API and widget server\n\n\
         Usage: jmo-selfhelp-server [--help | --version | --generate-key]\n\n\
         Configuration comes from environment variables (default in brackets):\n",
    );
    for (name, default, what) in ENV_VARS {
        s.push_str(&format!("  {name:<22} {what} [{default}]\n"));
    }
    s.push_str("\nAPI description: GET /api/v1/openapi.json\n");
    s
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("-h" | "--help") => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Some("--generate-key") => {
            // A new data key for DATA_KEY_FILE: 32 random bytes as 64 hex digits.
            println!("{}", jmo_selfhelp_server::crypto::generate_key());
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            println!("jmo-selfhelp-server {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("unknown argument {other:?}\n\n{}", usage());
            return ExitCode::from(2);
        }
        None => {}
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt().json().flatten_event(true).with_current_span(false).with_env_filter(filter).init();

    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "invalid configuration");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match jmo_selfhelp_server::start(config, shutdown_signal()).await {
            Ok(running) => {
                let store = running.store.clone();
                let result = running.wait().await;
                store.close().await;
                match result {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        tracing::error!(error = %e, "server failed");
                        ExitCode::FAILURE
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot start");
                ExitCode::FAILURE
            }
        }
    })
}
