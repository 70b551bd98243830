//! The same API scenarios against PostgreSQL, on a server this test starts on loopback (and
//! stops). Fails with instructions when PostgreSQL is not installed, unless JMO_SKIP_POSTGRES=1.

mod support;

use jmo_testkit::Postgres;
use support::{scenarios, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_scenarios_on_postgres() {
    let Some(pg) = Postgres::start() else { return };
    // The server trusts loopback, so the password is ignored by it, but it must not reach the logs.
    let url = pg.database().replace("postgres@", "postgres:pw-canary-91x@");
    let s = Server::start(&url, &[]);
    assert!(s.logs().contains(&format!("\"database\":\"postgres 127.0.0.1:{}/", pg.port)));
    assert!(!s.logs().contains("pw-canary-91x"));
    assert!(s.logs().contains("\"database_tls\":\"not required (loopback); sslmode=default\""), "{}", s.logs());
    scenarios::file_and_look_up(&s).await;
    scenarios::conflict_while_processing(&s).await;
    scenarios::rejects_bad_input(&s).await;
    scenarios::attachments(&s).await;
    scenarios::staff_and_disruptions(&s).await;
    scenarios::walks_are_counted_once_and_forgeries_not_at_all(&s).await;
    scenarios::sealed_then_erased(&s).await;
    scenarios::upload_claimed_only_by_its_complaint(&s).await;
    drop(s);
    // Lockouts shared by two instances on one PostgreSQL database.
    scenarios::lookups_lock_per_ticket_across_instances(&pg.database()).await;
    // TLS demanded of a server that has none: refused at start, not downgraded.
    let (code, logs) = support::launch(&url).env("DATABASE_TLS", "require").refused();
    assert!(code != Some(0) && logs.contains("cannot start"), "{code:?} {logs}");
    // The idempotency scenario counts the stored complaints, so it gets a database of its own;
    // a second server on an already migrated database also checks that start-up is repeatable.
    let url = pg.database();
    drop(Server::start(&url, &[]));
    let s = Server::start(&url, &[]);
    scenarios::idempotency(&s).await;
    drop(s);
    scenarios::survives_kill9(&pg.database()).await;
    let s = std::sync::Arc::new(Server::start(&pg.database(), &[]));
    scenarios::concurrent_writers_never_refuse_a_complaint(s, 120).await;
    // The staff accounts' statements on PostgreSQL, through the CLI.
    support::staff::account_changes(&pg.database()).await;
    // The workspace's queue and routing statements.
    scenarios::queue_by_unit(&pg.database()).await;
}
