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
    ("MAX_IN_FLIGHT", "1024", "requests handled at once; more are refused with 503 at once"),
    ("TRUST_FORWARDED_FOR", "false", "take the client IP from the last X-Forwarded-For entry (behind a proxy)"),
    ("RUST_LOG", "info", "log filter; logs are JSON lines on stdout"),
];

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
    pub max_in_flight: usize,
    pub trust_forwarded_for: bool,
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
            max_in_flight: number("MAX_IN_FLIGHT", 1024)?.max(1) as usize,
            trust_forwarded_for: flag("TRUST_FORWARDED_FOR")?,
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
    fn rejects_bad_values() {
        let cfg = |k: &'static str, v: &'static str| Config::from_lookup(move |key| (key == k).then(|| v.to_string()));
        assert!(cfg("COMPLAINTS_PER_MINUTE", "lots").is_err());
        assert!(cfg("DATABASE_URL", "mysql://x").is_err());
        assert_eq!(cfg("ALLOWED_ORIGINS", "https://a.id/, https://b.id").unwrap().allowed_origins, ["https://a.id", "https://b.id"]);
    }

    #[test]
    fn embed_origins_are_exact_origins_and_feed_frame_ancestors() {
        let cfg = |pairs: &'static [(&'static str, &'static str)]| {
            Config::from_lookup(move |key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()))
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
