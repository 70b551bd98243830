//! What the workspace's tests share, said once:
//!
//! - [`server`]: the real `jmo-selfhelp-server` binary as a child process (built with the
//!   caller's cargo, target folder and profile when its path is not given), on a free loopback
//!   port or a given address, with its logs captured; killed (`kill -9`), stopped (SIGTERM) and
//!   restarted on the same address and database; or run expecting it to refuse its
//!   configuration (`Launch::refused`: exit code and output); or run once as a command with
//!   arguments and standard input (`Launch::run`, e.g. `staff add`).
//! - [`proxy`]: a loopback HTTP proxy in front of it that records every request and injects
//!   faults into complaints — scripted one at a time or drawn at random from a seed.
//! - [`postgres`]: a throwaway PostgreSQL server on loopback.
//! - [`db`]: the complaints as the server's SQLite file holds them, read without the server.
//! - [`http`]: a small blocking HTTP/1.1 client over std sockets.
//! - [`guides`]: steps of the shipped guides that tests open by address.
//!
//! Everything but [`db::stored_complaints`] and [`proxy::FaultProxy::wait_until`] is blocking
//! (std processes, threads and sockets), so tests on threads and tests on tokio use the same kit.

pub mod db;
pub mod guides;
pub mod http;
pub mod postgres;
pub mod proxy;
pub mod server;

/// The data key every launched server seals personal data with (a `DATA_KEY` in [`Launch`]'s
/// env overrides it), and [`db`] opens it with.
pub const DATA_KEY: &str = "5e5f0d2c8a4b7e1f9c3d6a0b2e4f8c1d7a9b3e5f0c2d4a6b8e1f3c5d7a9b0e2f";

pub use db::{stored_complaints, StoredAttachment, StoredComplaint};
pub use postgres::Postgres;
pub use proxy::{Fault, FaultProxy, Outcome, RandomFaults, SeenRequest};
pub use server::{free_addr, Finished, Launch, Server};
