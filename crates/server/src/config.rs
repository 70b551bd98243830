//! Configuration from environment variables, with defaults that are safe for a first run.

use std::path::PathBuf;

/// Every variable the server reads, its default and meaning (shown by `--help`).
pub const ENV_VARS: &[(&str, &str, &str)] = &[
    ("LISTEN_ADDR", "127.0.0.1:8080", "address and port to listen on (port 0: any free port)"),
    ("DATABASE_URL", "sqlite://<binary dir>/jmo-selfhelp.db", "sqlite://PATH or postgres://USER:PASS@HOST/DB"),
    ("SQLITE_SYNCHRONOUS", "normal", "normal (durable against process death) or full (also against power loss)"),
    ("ALLOWED_ORIGINS", "", "comma-separated origins allowed by CORS; empty: same origin only"),
    ("EMBED_ORIGINS", "", "comma-separated origins (scheme://host[:port]) of pages that may embed the widget and talk to it"),
    ("FRAME_ANCESTORS", "'self' + EMBED_ORIGINS", "CSP frame-ancestors, only to override what EMBED_ORIGINS gives"),
    ("STAFF_TOKEN", "", "bearer token for /api/v1/staff/*; empty: staff endpoints always answer 401"),
    ("WIDGET_DIR", "dist", "folder of the built widget, served at /"),
    ("COMPLAINTS_PER_MINUTE", "10", "per client IP; 0 disables the limit"),
    ("LOOKUPS_PER_MINUTE", "20", "ticket status lookups per client IP; 0 disables the limit"),
    ("UPLOADS_PER_MINUTE", "20", "attachment uploads per client IP; 0 disables the limit"),
    ("WALKS_PER_MINUTE", "120", "anonymous walk reports per client IP (docs/learning.md); 0 disables the limit"),
    ("STAFF_SIGN_INS_PER_MINUTE", "60", "workspace sign-in attempts per client IP (a contact center signs in from one address; accounts lock on their own); 0 disables the limit"),
    ("MAX_IN_FLIGHT", "1024", "requests handled at once; more are refused with 503 at once"),
    ("TRUSTED_PROXIES", "", "comma-separated addresses or CIDR blocks of reverse proxies whose X-Forwarded-For is believed"),
    ("UPLOADS_IN_FLIGHT", "32", "attachment uploads handled at once (their own budget); more are refused with 503 at once"),
    ("CONNECTIONS_PER_CLIENT", "64", "open connections per client address (IPv6: per /64); more are refused with 503"),
    ("MAX_CONNECTIONS", "8192", "open connections in all; more are refused with 503"),
    ("HEADER_READ_TIMEOUT_SECS", "10", "seconds for a request's headers to arrive (HTTP/1) before the connection is closed"),
    ("IDLE_TIMEOUT_SECS", "60", "seconds a connection may move no byte before it is closed"),
    ("BODY_IDLE_TIMEOUT_SECS", "20", "seconds a request body may stall before the request is answered 408"),
    ("LOOKUP_FAILURES_PER_TICKET", "10", "failed status lookups of one ticket within an hour before it locks (429)"),
    ("LOOKUP_FAILURES_PER_CLIENT", "30", "failed status lookups from one client address within an hour before it locks (429)"),
    ("DATA_KEY_FILE", "", "file holding the data keys (64 hex digits each, one a line; the first seals, all open)"),
    ("DATA_KEY", "", "the data keys themselves, comma-separated, instead of DATA_KEY_FILE"),
    ("RETENTION_DAYS_AFTER_RESOLUTION", "365", "days after resolution before a complaint's personal data is erased"),
    ("DATABASE_TLS", "auto", "PostgreSQL: auto (TLS unless the host is loopback), require (always) or off"),
    ("JMO_DEV", "false", "development: without a data key, use (or create) one beside the database; allows JMO_CLOCK_FILE"),
    ("JMO_CLOCK_FILE", "", "development and tests: a file holding seconds added to the clock, re-read on every use"),
    ("RUST_LOG", "info", "log filter; logs are JSON lines on stdout"),
];

/// Where the data keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `DATA_KEY`.
    Value(String),
    /// `DATA_KEY_FILE`.
    File(PathBuf),
    /// Development without a key: this file, created if missing.
    Development(PathBuf),
}

/// What `DATABASE_TLS` asks of a PostgreSQL connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseTls {
    /// TLS unless the host is loopback (or a Unix socket).
    Auto,
    Require,
    Off,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen_addr: String,
    pub database_url: String,
    pub sqlite_synchronous_full: bool,
    pub allowed_origins: Vec<String>,
    /// Host pages allowed to embed the widget and exchange messages with it (exact origins).
    pub embed_origins: Vec<String>,
    pub frame_ancestors: String,
    pub staff_token: Option<String>,
    pub widget_dir: PathBuf,
    pub complaints_per_minute: u32,
    pub lookups_per_minute: u32,
    pub uploads_per_minute: u32,
    /// Walk reports a minute per client address (many participants share a carrier's address).
    pub walks_per_minute: u32,
    /// Staff sign-in attempts a minute per client address (the accounts lock on their own too).
    pub staff_sign_ins_per_minute: u32,
    pub max_in_flight: usize,
    pub trusted_proxies: crate::client::TrustedProxies,
    pub uploads_in_flight: usize,
    pub connections_per_client: usize,
    pub max_connections: usize,
    pub header_read_timeout_secs: u64,
    pub idle_timeout_secs: u64,
    pub body_idle_timeout_secs: u64,
    pub lookup_failures_per_ticket: u64,
    pub lookup_failures_per_client: u64,
    pub data_keys: KeySource,
    pub retention_days_after_resolution: u64,
    /// How the database connection is protected in transit, for the startup log.
    pub database_tls: String,
    pub development: bool,
    pub clock_file: Option<PathBuf>,
}

impl Config {
    /// Reads the environment; an invalid value is an error (better than a silent default).
    pub fn from_env() -> Result<Config, String> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let var = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let number = |k: &str, default: u64| -> Result<u64, String> {
            var(k).map_or(Ok(default), |v| v.parse().map_err(|_| format!("{k} must be a whole number, not {v:?}")))
        };
        let flag = |k: &str| -> Result<bool, String> {
            match var(k).as_deref() {
                None | Some("0" | "false" | "no") => Ok(false),
                Some("1" | "true" | "yes") => Ok(true),
                Some(v) => Err(format!("{k} must be true or false, not {v:?}")),
            }
        };
        let sqlite_synchronous_full = match var("SQLITE_SYNCHRONOUS").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("normal") => false,
            Some("full") => true,
            Some(v) => return Err(format!("SQLITE_SYNCHRONOUS must be normal or full, not {v:?}")),
        };
        let database_url = match var("DATABASE_URL") {
            Some(url) => url,
            None => default_database_url(),
        };
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err("DATABASE_URL must start with sqlite: or postgres://".into());
        }
        let tls = match var("DATABASE_TLS").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("auto") => DatabaseTls::Auto,
            Some("require") => DatabaseTls::Require,
            Some("off") => DatabaseTls::Off,
            Some(v) => return Err(format!("DATABASE_TLS must be auto, require or off, not {v:?}")),
        };
        let (database_url, database_tls) = database_transport(database_url, tls)?;
        let allowed_origins = var("ALLOWED_ORIGINS")
            .map(|v| v.split(',').map(|o| o.trim().trim_end_matches('/').to_string()).filter(|o| !o.is_empty()).collect())
            .unwrap_or_default();
        let embed_origins = var("EMBED_ORIGINS")
            .map(|v| v.split(',').map(str::trim).filter(|o| !o.is_empty()).map(parse_origin).collect::<Result<Vec<_>, _>>())
            .transpose()?
            .unwrap_or_default();
        let frame_ancestors = var("FRAME_ANCESTORS").unwrap_or_else(|| {
            std::iter::once("'self'").chain(embed_origins.iter().map(String::as_str)).collect::<Vec<_>>().join(" ")
        });
        if frame_ancestors.contains([';', ',', '\n', '\r']) {
            return Err("FRAME_ANCESTORS must be a space-separated source list".into());
        }
        if var("TRUST_FORWARDED_FOR").is_some() {
            return Err("TRUST_FORWARDED_FOR is replaced by TRUSTED_PROXIES: list the addresses or CIDR blocks of the reverse proxies \
                        (e.g. TRUSTED_PROXIES=10.0.0.0/8); X-Forwarded-For is believed only from them"
                .into());
        }
        let development = flag("JMO_DEV")?;
        let data_keys = match (var("DATA_KEY"), var("DATA_KEY_FILE")) {
            (Some(_), Some(_)) => return Err("set DATA_KEY or DATA_KEY_FILE, not both".into()),
            (Some(v), None) => KeySource::Value(v),
            (None, Some(f)) => KeySource::File(f.into()),
            (None, None) if development => KeySource::Development(development_key_file(&database_url)),
            (None, None) => {
                return Err("no data key: set DATA_KEY_FILE (a file holding 64 hex digits, e.g. from `jmo-selfhelp-server --generate-key`) \
                            or DATA_KEY; personal data is stored encrypted with it. JMO_DEV=1 makes one for development"
                    .into())
            }
        };
        let clock_file = var("JMO_CLOCK_FILE").map(PathBuf::from);
        if clock_file.is_some() && !development {
            return Err("JMO_CLOCK_FILE moves the server's clock and is only for development and tests (JMO_DEV=1)".into());
        }
        Ok(Config {
            listen_addr: var("LISTEN_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into()),
            database_url,
            sqlite_synchronous_full,
            allowed_origins,
            embed_origins,
            frame_ancestors,
            staff_token: var("STAFF_TOKEN"),
            widget_dir: var("WIDGET_DIR").unwrap_or_else(|| "dist".into()).into(),
            complaints_per_minute: number("COMPLAINTS_PER_MINUTE", 10)? as u32,
            lookups_per_minute: number("LOOKUPS_PER_MINUTE", 20)? as u32,
            uploads_per_minute: number("UPLOADS_PER_MINUTE", 20)? as u32,
            walks_per_minute: number("WALKS_PER_MINUTE", 120)? as u32,
            staff_sign_ins_per_minute: number("STAFF_SIGN_INS_PER_MINUTE", 60)? as u32,
            max_in_flight: number("MAX_IN_FLIGHT", 1024)?.max(1) as usize,
            trusted_proxies: crate::client::TrustedProxies::parse(&var("TRUSTED_PROXIES").unwrap_or_default())?,
            uploads_in_flight: number("UPLOADS_IN_FLIGHT", 32)?.max(1) as usize,
            connections_per_client: number("CONNECTIONS_PER_CLIENT", 64)?.max(1) as usize,
            max_connections: number("MAX_CONNECTIONS", 8192)?.max(1) as usize,
            header_read_timeout_secs: number("HEADER_READ_TIMEOUT_SECS", 10)?.max(1),
            idle_timeout_secs: number("IDLE_TIMEOUT_SECS", 60)?.max(1),
            body_idle_timeout_secs: number("BODY_IDLE_TIMEOUT_SECS", 20)?.max(1),
            lookup_failures_per_ticket: number("LOOKUP_FAILURES_PER_TICKET", 10)?,
            lookup_failures_per_client: number("LOOKUP_FAILURES_PER_CLIENT", 30)?,
            data_keys,
            retention_days_after_resolution: number("RETENTION_DAYS_AFTER_RESOLUTION", 365)?,
            database_tls,
            development,
            clock_file,
        })
    }

    /// The database for logs: kind and location, never the credentials.
    pub fn database_description(&self) -> String {
        describe_database_url(&self.database_url)
    }
}

/// One `EMBED_ORIGINS` entry as browsers write an origin (`event.origin`): `https://host[:port]`,
/// lower case, without a default port. Anything else (a path, a wildcard, a user) is refused.
fn parse_origin(entry: &str) -> Result<String, String> {
    let bad = |why: &str| {
        Err(format!(
            "EMBED_ORIGINS: {entry:?} is not an origin ({why}); write scheme://host[:port] with http or https, \
             no path, no wildcard, e.g. https://www.bpjsketenagakerjaan.go.id"
        ))
    };
    let lower = entry.to_ascii_lowercase();
    let Some((scheme, rest)) = lower.split_once("://") else { return bad("no scheme") };
    let default_port = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return bad("the scheme must be http or https"),
    };
    // A bare trailing slash is the empty path; anything more is a path.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#', '@', '*', '\\']) || rest.chars().any(char::is_whitespace) {
        return bad("only scheme, host and port");
    }
    let (host, port) = if rest.starts_with('[') {
        // An IPv6 literal: [::1] or [::1]:8080.
        let Some(end) = rest.find(']') else { return bad("unclosed [") };
        let (host, after) = rest.split_at(end + 1);
        let addr = &host[1..end];
        if addr.is_empty() || !addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
            return bad("bad IPv6 address");
        }
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return bad("bad port"),
            },
        }
    } else {
        match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        }
    };
    let host_ok = host.starts_with('[')
        || (!host.is_empty()
            && !host.starts_with(['.', '-'])
            && !host.ends_with(['.', '-'])
            && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'));
    if !host_ok {
        return bad("bad host name");
    }
    match port {
        None => Ok(format!("{scheme}://{host}")),
        Some(p) if p == default_port => Ok(format!("{scheme}://{host}")),
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0) => Ok(format!("{scheme}://{host}:{p}")),
        Some(_) => bad("the port must be a number from 1 to 65535"),
    }
}

/// Applies `DATABASE_TLS` to a PostgreSQL URL: off loopback (or always, with `require`) the URL
/// must not weaken TLS (`sslmode=disable|allow|prefer`), and gets `sslmode=require` when it names
/// none. Returns the URL to connect with and what the startup log says about it.
fn database_transport(url: String, tls: DatabaseTls) -> Result<(String, String), String> {
    if url.starts_with("sqlite:") {
        return Ok((url, "local file".into()));
    }
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let param = |name: &str| query.split('&').find_map(|kv| kv.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v.to_string()));
    let sslmode = param("sslmode").map(|m| m.to_ascii_lowercase());
    let loopback = is_loopback_host(&url, param("host").as_deref());
    let required = match tls {
        DatabaseTls::Off => return Ok((url, format!("not required (DATABASE_TLS=off); sslmode={}", sslmode.as_deref().unwrap_or("default")))),
        DatabaseTls::Require => true,
        DatabaseTls::Auto => !loopback,
    };
    match sslmode.as_deref() {
        _ if !required => Ok((url, format!("not required (loopback); sslmode={}", sslmode.as_deref().unwrap_or("default")))),
        Some(mode @ ("require" | "verify-ca" | "verify-full")) => Ok((url.clone(), format!("required (sslmode={mode})"))),
        Some(mode) => Err(format!(
            "DATABASE_URL has sslmode={mode}, which may send personal data in plain text{}; use sslmode=require or verify-full \
             (or DATABASE_TLS=off to accept that)",
            if loopback { "" } else { " over the network" }
        )),
        None => {
            let sep = if url.contains('?') { '&' } else { '?' };
            Ok((format!("{url}{sep}sslmode=require"), "required (sslmode=require)".into()))
        }
    }
}

/// Loopback: `localhost`, 127.0.0.0/8, `::1`, or a Unix socket (no host, or `host=/path`).
fn is_loopback_host(url: &str, host_param: Option<&str>) -> bool {
    if let Some(h) = host_param {
        return h.starts_with('/') || is_loopback_name(h);
    }
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // Several hosts (h1:5432,h2:5432) are loopback only if all are.
    hosts.split(',').all(|h| {
        let h = if h.starts_with('[') { h.split(']').next().unwrap_or("").trim_start_matches('[') } else { h.split(':').next().unwrap_or("") };
        h.is_empty() || is_loopback_name(h)
    })
}

fn is_loopback_name(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Development's key file: `data-key` beside the SQLite file (or the binary, for PostgreSQL).
fn development_key_file(database_url: &str) -> PathBuf {
    let path = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:")).map(|p| p.split('?').next().unwrap_or(""));
    let dir = match path.map(std::path::Path::new).and_then(|p| p.parent()) {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::env::current_exe().ok().and_then(|p| p.parent().map(PathBuf::from)).unwrap_or_else(|| ".".into()),
    };
    dir.join("data-key")
}

fn default_database_url() -> String {
    let dir = std::env::current_exe().ok().and_then(|p| p.parent().map(PathBuf::from)).unwrap_or_else(|| ".".into());
    format!("sqlite://{}", dir.join("jmo-selfhelp.db").display())
}

/// `postgres://user:secret@db:5432/jmo` → `postgres db:5432/jmo`.
pub fn describe_database_url(url: &str) -> String {
    if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        return format!("sqlite {}", path.split('?').next().unwrap_or(""));
    }
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    format!("postgres {}", rest.split('?').next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_describes_credentials() {
        assert_eq!(describe_database_url("postgres://jmo:s3cr%40t@db.internal:5432/jmo?sslmode=require"), "postgres db.internal:5432/jmo");
        assert_eq!(describe_database_url("sqlite:///var/lib/jmo.db?mode=rwc"), "sqlite /var/lib/jmo.db");
    }

    #[test]
    fn postgres_needs_tls_off_loopback() {
        let url = |u: &str, tls| database_transport(u.to_string(), tls);
        assert_eq!(url("postgres://u:p@db.internal/jmo", DatabaseTls::Auto).unwrap().0, "postgres://u:p@db.internal/jmo?sslmode=require");
        assert_eq!(url("postgres://u@db/jmo?application_name=x", DatabaseTls::Auto).unwrap().0, "postgres://u@db/jmo?application_name=x&sslmode=require");
        assert!(url("postgres://u@db.internal/jmo?sslmode=prefer", DatabaseTls::Auto).unwrap_err().contains("sslmode=prefer"));
        assert!(url("postgres://u@db.internal/jmo?sslmode=verify-full", DatabaseTls::Auto).unwrap().1.starts_with("required"));
        for local in ["postgres://u@127.0.0.1:5432/jmo", "postgres://u@localhost/jmo", "postgres://u@[::1]:5432/jmo", "postgres:///jmo?host=/run/postgresql"] {
            let (u, said) = url(local, DatabaseTls::Auto).unwrap();
            assert_eq!((u.as_str(), said.starts_with("not required (loopback)")), (local, true), "{local}");
        }
        assert!(url("postgres://u@127.0.0.1,db.internal/jmo?sslmode=disable", DatabaseTls::Auto).is_err());
        assert_eq!(url("postgres://u@localhost/jmo", DatabaseTls::Require).unwrap().0, "postgres://u@localhost/jmo?sslmode=require");
        assert!(url("postgres://u@db.internal/jmo?sslmode=disable", DatabaseTls::Off).is_ok());
    }

    #[test]
    fn needs_a_data_key_outside_development() {
        let cfg = |pairs: &'static [(&'static str, &'static str)]| {
            Config::from_lookup(move |key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()))
        };
        assert!(cfg(&[("DATABASE_URL", "sqlite:///tmp/x/jmo.db")]).unwrap_err().contains("DATA_KEY_FILE"));
        let dev = cfg(&[("DATABASE_URL", "sqlite:///tmp/x/jmo.db"), ("JMO_DEV", "1")]).unwrap();
        assert_eq!(dev.data_keys, KeySource::Development("/tmp/x/data-key".into()));
        assert!(cfg(&[("DATA_KEY", "k"), ("DATA_KEY_FILE", "f")]).is_err());
        assert!(cfg(&[("DATA_KEY", "k"), ("JMO_CLOCK_FILE", "/tmp/clock")]).unwrap_err().contains("JMO_DEV"));
    }

    #[test]
    fn rejects_bad_values() {
        let cfg = |k: &'static str, v: &'static str| {
            Config::from_lookup(move |key| match key {
                "DATA_KEY" => Some("test".into()),
                _ => (key == k).then(|| v.to_string()),
            })
        };
        assert!(cfg("COMPLAINTS_PER_MINUTE", "lots").is_err());
        assert!(cfg("DATABASE_URL", "mysql://x").is_err());
        assert_eq!(cfg("ALLOWED_ORIGINS", "https://a.id/, https://b.id").unwrap().allowed_origins, ["https://a.id", "https://b.id"]);
    }

    #[test]
    fn embed_origins_are_exact_origins_and_feed_frame_ancestors() {
        let cfg = |pairs: &'static [(&'static str, &'static str)]| {
            Config::from_lookup(move |key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()).or_else(|| (key == "DATA_KEY").then(|| "k".into())))
        };
        let c = cfg(&[("EMBED_ORIGINS", " https://WWW.Bpjs.id/ ,http://127.0.0.1:8000, https://a.id:443, http://[::1]:9000")]).unwrap();
        assert_eq!(c.embed_origins, ["https://www.bpjs.id", "http://127.0.0.1:8000", "https://a.id", "http://[::1]:9000"]);
        assert_eq!(c.frame_ancestors, "'self' https://www.bpjs.id http://127.0.0.1:8000 https://a.id http://[::1]:9000");
        assert_eq!(cfg(&[]).unwrap().frame_ancestors, "'self'");
        // An explicit FRAME_ANCESTORS wins.
        let c = cfg(&[("EMBED_ORIGINS", "https://a.id"), ("FRAME_ANCESTORS", "'none'")]).unwrap();
        assert_eq!((c.embed_origins.as_slice(), c.frame_ancestors.as_str()), (&["https://a.id".to_string()][..], "'none'"));
        for bad in ["*", "https://*.bpjs.id", "https://a.id/help", "a.id", "ftp://a.id", "https://", "https://a.id:0", "https://a.id:99999",
                    "https://user@a.id", "https://a.id?x", "https://a.id:80a", "https://a.id:", "https://-a.id", "http://[::1", "https://a id"] {
            let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([("EMBED_ORIGINS", bad)]));
            let err = cfg(pairs).expect_err(bad);
            assert!(err.starts_with("EMBED_ORIGINS:") && err.contains("scheme://host[:port]"), "{bad}: {err}");
        }
    }
}
