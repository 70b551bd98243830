//! The real `jmo-selfhelp-server` binary as a child process on loopback: only the variables it
//! is given (the environment is cleared), its JSON logs (stdout and stderr) captured, started
//! once it logs `listening` — or run once with arguments and standard input (`Launch::run`).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The server binary of the running test's cargo, target folder and profile, built on first
/// use (a no-op when it is up to date). Only the server's own tests get its path from cargo
/// (`CARGO_BIN_EXE_jmo-selfhelp-server`, for [`Launch::binary`]); `JMO_SERVER_BIN` overrides.
pub fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("JMO_SERVER_BIN") {
            return PathBuf::from(bin);
        }
        // <target dir>/<profile dir>/[deps|examples/]<this executable>
        let exe = std::env::current_exe().expect("the test's own path");
        let mut profile_dir = exe.parent().expect("the test's folder").to_path_buf();
        if matches!(profile_dir.file_name().and_then(|n| n.to_str()), Some("deps" | "examples")) {
            profile_dir.pop();
        }
        let target_dir = profile_dir.parent().expect("the target folder");
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()).expect("a profile folder") {
            "debug" => "dev",
            other => other,
        };
        let status = Command::new(env!("CARGO"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "-q", "-p", "jmo-selfhelp-server", "--bin", "jmo-selfhelp-server", "--profile", profile, "--target-dir"])
            .arg(target_dir)
            .status()
            .expect("run cargo build for the server");
        assert!(status.success(), "building jmo-selfhelp-server failed");
        let bin = profile_dir.join(format!("jmo-selfhelp-server{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.exists(), "{} missing after the build", bin.display());
        bin
    })
    .clone()
}

/// A loopback address free right now (bound, then released).
pub fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address")
}

/// How to start the server. By default: a free loopback port, a new SQLite file in a temporary
/// folder, no widget (`WIDGET_DIR` does not exist), `RUST_LOG=info`, nothing else set — the
/// server's own defaults for the rest.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    binary: Option<PathBuf>,
    addr: Option<SocketAddr>,
    database_url: Option<String>,
    widget_dir: Option<PathBuf>,
    env: Vec<(String, String)>,
    unset: Vec<String>,
}

impl Launch {
    pub fn new() -> Launch {
        Launch::default()
    }

    /// The binary to run instead of [`binary`].
    pub fn binary(mut self, path: impl Into<PathBuf>) -> Launch {
        self.binary = Some(path.into());
        self
    }

    /// Listen on `addr` (waiting up to 10 s for it to be free, as after a stop).
    pub fn addr(mut self, addr: SocketAddr) -> Launch {
        self.addr = Some(addr);
        self
    }

    /// `DATABASE_URL`, `sqlite://…` or `postgres://…`.
    pub fn database(mut self, url: &str) -> Launch {
        self.database_url = Some(url.to_owned());
        self
    }

    /// Serve the built widget in `dir`.
    pub fn widget_dir(mut self, dir: &Path) -> Launch {
        self.widget_dir = Some(dir.to_owned());
        self
    }

    /// Sets (or overrides) one variable.
    pub fn env(mut self, key: &str, value: &str) -> Launch {
        self.env.retain(|(k, _)| k != key);
        self.unset.retain(|k| k != key);
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn envs(self, vars: &[(&str, &str)]) -> Launch {
        vars.iter().fold(self, |launch, (k, v)| launch.env(k, v))
    }

    /// Leaves `key` out of the environment, even one of the kit's own defaults (`DATABASE_URL`,
    /// `LISTEN_ADDR`, …): for a test of the server's own default or of a missing variable.
    pub fn unset(mut self, key: &str) -> Launch {
        self.env.retain(|(k, _)| k != key);
        self.unset.push(key.to_owned());
        self
    }

    /// Runs the server expecting it to refuse its configuration and exit: its exit code
    /// (`None` when a signal ended it) and everything it printed. Panics when it listens
    /// instead, or still runs after 10 s.
    pub fn refused(mut self) -> (Option<i32>, String) {
        let _db = self.default_database();
        let bin = self.binary.clone().unwrap_or_else(binary);
        let mut child = command(&self, &bin).spawn().unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let running = matches!(child.try_wait(), Ok(None));
        if running {
            let _ = child.kill();
        }
        let out = child.wait_with_output().expect("the server's output");
        let logs = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!running && !logs.contains("\"message\":\"listening\""), "the server started when it should have refused; logs:\n{logs}");
        (out.status.code(), logs)
    }

    /// Runs the binary once with `args` (a subcommand such as `staff list`), `stdin` written to
    /// its standard input and then closed, and waits for it to exit (30 s at most, then it is
    /// killed and this panics). The environment is the launch's, as for [`Launch::start`]; give
    /// the database with [`Launch::database`] (without one, a fresh file is used and deleted).
    pub fn run(mut self, args: &[&str], stdin: &str) -> Finished {
        use std::io::{Read, Write};
        let _db = self.default_database();
        let bin = self.binary.clone().unwrap_or_else(binary);
        let mut cmd = command(&self, &bin);
        cmd.args(args).stdin(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let mut input = child.stdin.take().expect("piped stdin");
        let stdin = stdin.to_owned();
        // Written on threads, so that neither side blocks on a full pipe.
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(stdin.as_bytes());
        });
        let drain = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                String::from_utf8_lossy(&bytes).into_owned()
            })
        };
        let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
        let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
        let deadline = Instant::now() + Duration::from_secs(30);
        while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let timed_out = matches!(child.try_wait(), Ok(None));
        if timed_out {
            let _ = child.kill();
        }
        let status = child.wait().expect("the command's exit status");
        let _ = writer.join();
        let finished = Finished { code: status.code(), stdout: stdout.join().unwrap_or_default(), stderr: stderr.join().unwrap_or_default() };
        assert!(!timed_out, "{} {args:?} still ran after 30 s; it printed:\n{}", bin.display(), finished.output());
        finished
    }

    /// A new SQLite file in a temporary folder when no database was given.
    fn default_database(&mut self) -> Option<tempfile::TempDir> {
        if self.database_url.is_some() || self.unset.iter().any(|k| k == "DATABASE_URL") {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        self.database_url = Some(format!("sqlite://{}", dir.path().join("jmo.db").display()));
        Some(dir)
    }

    /// Starts the server and waits until it listens.
    pub fn start(mut self) -> Server {
        let db = self.default_database();
        let database_url = self.database_url.clone().unwrap_or_default();
        let logs = Arc::new(Mutex::new(String::new()));
        let (child, addr, readers) = spawn(&self, &logs);
        Server { child: Some(child), readers, addr, base: format!("http://{addr}"), database_url, logs, launch: self, _db: db }
    }
}

/// What a one-shot run ([`Launch::run`]) left: its exit code (`None` when a signal ended it) and
/// what it printed.
#[derive(Debug, Clone)]
pub struct Finished {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// Standard output, then standard error.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A running (or stopped) server. Killed when dropped.
pub struct Server {
    child: Option<Child>,
    readers: Vec<JoinHandle<()>>,
    pub addr: SocketAddr,
    /// `http://<addr>`.
    pub base: String,
    pub database_url: String,
    logs: Arc<Mutex<String>>,
    launch: Launch,
    /// The temporary folder of the default SQLite file.
    _db: Option<tempfile::TempDir>,
}

impl Server {
    /// `path` on this server, e.g. `/api/v1/complaints` or `/#/login?lang=en`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Everything it logged, and after a [`Server::restart`] what it logged before too.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// The SQLite file behind `DATABASE_URL`, if it is one.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        self.database_url.strip_prefix("sqlite://").map(|p| PathBuf::from(p.split('?').next().unwrap_or(p)))
    }

    pub fn is_running(&mut self) -> bool {
        self.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.join_readers();
    }

    /// SIGTERM and wait (5 s at most, then SIGKILL), so the logs are complete.
    pub fn stop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        self.kill9();
    }

    /// Starts it again, on the same address with the same database and configuration (stopping
    /// it first if it still runs), as a restart of the service would.
    pub fn restart(&mut self) {
        self.stop();
        let launch = self.launch.clone().addr(self.addr);
        let (child, _, readers) = spawn(&launch, &self.logs);
        self.child = Some(child);
        self.readers = readers;
    }

    fn join_readers(&mut self) {
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// The binary with a cleared environment: `PATH`, the kit's defaults, then the launch's own.
fn command(launch: &Launch, bin: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .env("LISTEN_ADDR", launch.addr.map_or("127.0.0.1:0".to_owned(), |a| a.to_string()))
        .env("DATA_KEY", crate::DATA_KEY)
        .env("WIDGET_DIR", launch.widget_dir.as_deref().unwrap_or(Path::new("/nonexistent-widget-dir")))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = &launch.database_url {
        cmd.env("DATABASE_URL", url);
    }
    for (k, v) in &launch.env {
        cmd.env(k, v);
    }
    for k in &launch.unset {
        cmd.env_remove(k);
    }
    cmd
}

/// Starts the binary and waits for its `listening` line; a given address that is not free yet
/// is tried again for 10 s.
fn spawn(launch: &Launch, logs: &Arc<Mutex<String>>) -> (Child, SocketAddr, Vec<JoinHandle<()>>) {
    let bin = launch.binary.clone().unwrap_or_else(binary);
    let retry_until = Instant::now() + Duration::from_secs(10);
    loop {
        let mut child = command(launch, &bin).spawn().unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        // `Some(addr)` once listening, `None` when its output ends first (it exited).
        let (tx, rx) = mpsc::channel::<Option<SocketAddr>>();
        let stdout = child.stdout.take().unwrap();
        let (sink, listening) = (logs.clone(), tx.clone());
        let out = std::thread::spawn(move || {
            // Keep draining, or the server blocks on a full pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                {
                    let mut logs = sink.lock().unwrap();
                    logs.push_str(&line);
                    logs.push('\n');
                }
                if line.contains("\"message\":\"listening\"") {
                    let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                    if let Some(addr) = v["addr"].as_str().and_then(|a| a.parse().ok()) {
                        let _ = listening.send(Some(addr));
                    }
                }
            }
            let _ = listening.send(None);
        });
        let stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        let err = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut logs = sink.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
            }
        });
        let started = rx.recv_timeout(Duration::from_secs(30));
        if let Ok(Some(addr)) = started {
            return (child, addr, vec![out, err]);
        }
        let _ = child.kill();
        let _ = child.wait();
        let _ = (out.join(), err.join());
        // It exited before listening: the port of a server just stopped may take a moment to
        // be free again.
        if launch.addr.is_some() && started == Ok(None) && Instant::now() < retry_until {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        panic!("jmo-selfhelp-server did not start; logs:\n{}", logs.lock().unwrap());
    }
}
