//! A throwaway PostgreSQL server on loopback, in a temporary folder, stopped when dropped. When
//! the tests run as root its tools run as the `postgres` OS user (PostgreSQL refuses root).

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    as_postgres_user: bool,
    next_db: AtomicUsize,
}

/// Debian's layout, `/usr/lib/postgresql/<version>/bin`; `JMO_POSTGRES_LIB_DIR` overrides the root.
fn bin_dir() -> Option<PathBuf> {
    let root = std::env::var("JMO_POSTGRES_LIB_DIR").unwrap_or_else(|_| "/usr/lib/postgresql".into());
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, bin)| bin)
}

impl Postgres {
    /// Starts a server, or `None` when `JMO_SKIP_POSTGRES=1`. Fails loudly when PostgreSQL is
    /// not installed: a silently skipped database test would hide a broken deployment path.
    pub fn start() -> Option<Postgres> {
        if std::env::var("JMO_SKIP_POSTGRES").as_deref() == Ok("1") {
            eprintln!("JMO_SKIP_POSTGRES=1: skipping the PostgreSQL tests");
            return None;
        }
        let bin = bin_dir().unwrap_or_else(|| {
            panic!(
                "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Run `cargo xtask test`, \
                 which installs them (apt-get install postgresql), or set JMO_SKIP_POSTGRES=1 to skip these tests."
            )
        });
        let is_root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false);
        let dir = tempfile::Builder::new().prefix("jmo-pg-").tempdir().unwrap();
        let pg = Postgres { dir, bin, port: crate::server::free_addr().port(), as_postgres_user: is_root, next_db: AtomicUsize::new(0) };
        std::fs::create_dir(pg.data_dir()).unwrap();
        if is_root {
            // The postgres user must reach its folders inside root's temporary directory.
            Command::new("chmod").arg("755").arg(pg.dir.path()).status().unwrap();
            let ok = Command::new("chown").arg("-R").arg("postgres:postgres").arg(pg.dir.path()).status().unwrap();
            assert!(ok.success(), "chown to the postgres user failed");
        }
        pg.run("initdb", &["-D", pg.data_dir().to_str().unwrap(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200",
            pg.port,
            pg.dir.path().display()
        );
        let log = pg.dir.path().join("server.log");
        pg.run("pg_ctl", &["-D", pg.data_dir().to_str().unwrap(), "-l", log.to_str().unwrap(), "-w", "-t", "60", "-o", &options, "start"]);
        Some(pg)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).current_dir("/").output().unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A new, empty database; its URL.
    pub fn database(&self) -> String {
        let name = format!("jmo_test_{}", self.next_db.fetch_add(1, Ordering::SeqCst));
        let port = self.port.to_string();
        self.run("psql", &["-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-q", "-c", &format!("CREATE DATABASE {name}")]);
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.data_dir();
        let exe = self.bin.join("pg_ctl");
        let mut cmd = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let _ = cmd.args(["-D", data.to_str().unwrap_or(""), "-m", "immediate", "-w", "stop"]).current_dir("/").output();
    }
}
