//! The real `jmo-selfhelp-server` binary as a child process on loopback. It belongs to another
//! package, so cargo does not hand its path to these tests: it is built here with the same
//! cargo, target directory and profile (a no-op when up to date).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::Duration;

pub const STAFF_TOKEN: &str = "outbox-fault-test-staff-token";

pub fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        // …/<target dir>/<profile dir>/deps/<this test>
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf();
        let target_dir = profile_dir.parent().unwrap();
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()).unwrap() {
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

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    pub fn start(database_url: &str) -> Server {
        let mut child = Command::new(binary())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", database_url)
            .env("STAFF_TOKEN", STAFF_TOKEN)
            .env("RUST_LOG", "warn,jmo_selfhelp_server=info")
            .env("COMPLAINTS_PER_MINUTE", "0")
            .env("LOOKUPS_PER_MINUTE", "0")
            .env("UPLOADS_PER_MINUTE", "0")
            .env("WIDGET_DIR", "/nonexistent-widget-dir")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start jmo-selfhelp-server");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep draining, or the server blocks on a full pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("\"message\":\"listening\"") {
                    let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                    if let Some(addr) = v["addr"].as_str().and_then(|a| a.parse::<SocketAddr>().ok()) {
                        let _ = tx.send(addr);
                    }
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => Server { child, addr },
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("jmo-selfhelp-server did not start");
            }
        }
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}
