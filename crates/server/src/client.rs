//! Who the client is, for rate limits, lockouts, connection caps and the audit trail.
//!
//! The address is the TCP peer, unless the peer is one of `TRUSTED_PROXIES`: then
//! `X-Forwarded-For` is read from the right (each proxy appends the address it received the
//! request from) and the first entry that is not itself a trusted proxy is the client. Entries to
//! the left of it were written by the client and are ignored, so a forged header gains nothing.
//! For limits an IPv6 client counts by its /64 (one subscriber's network; a phone or home router
//! can pick any address in it), an IPv4 client by its address.

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// `TRUSTED_PROXIES`: addresses or CIDR blocks (`10.0.0.0/8`, `2001:db8::/32`, `127.0.0.1`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut out = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = || format!("TRUSTED_PROXIES: {entry:?} is not an address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/48, 127.0.0.1)");
            let (addr, bits) = match entry.split_once('/') {
                Some((a, b)) => (a, Some(b.parse::<u8>().map_err(|_| bad())?)),
                None => (entry, None),
            };
            let addr: IpAddr = addr.parse().map_err(|_| bad())?;
            let addr = canonical(addr);
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = bits.unwrap_or(max);
            if bits > max {
                return Err(bad());
            }
            out.push((mask(addr, bits), bits));
        }
        Ok(TrustedProxies(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, bits)| net.is_ipv4() == ip.is_ipv4() && mask(ip, *bits) == *net)
    }

    /// The client's address for a request from `peer` carrying `headers`.
    pub fn client_addr(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        // All X-Forwarded-For lines as one list, read from the right.
        let entries: Vec<&str> =
            headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim).collect();
        let mut client = peer;
        for entry in entries.iter().rev() {
            match parse_entry(entry) {
                // A trusted proxy passed it on: keep reading to the left.
                Some(ip) if self.contains(ip) => client = ip,
                Some(ip) => return ip,
                // Garbage (or `unknown`): nothing to the left of it can be believed.
                None => return client,
            }
        }
        client
    }
}

/// An `X-Forwarded-For` entry: `1.2.3.4`, `1.2.3.4:567`, `2001:db8::1`, `[2001:db8::1]:567`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    entry.parse::<SocketAddr>().ok().map(|s| canonical(s.ip()))
}

/// IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack socket reports) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn mask(ip: IpAddr, bits: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let m = if bits == 0 { 0 } else { u32::MAX << (32 - bits as u32) };
            IpAddr::V4((u32::from(v4) & m).into())
        }
        IpAddr::V6(v6) => {
            let m = if bits == 0 { 0 } else { u128::MAX << (128 - bits as u32) };
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & m))
        }
    }
}

/// What limits count by: IPv4 as is, IPv6 by its /64.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    let ip = canonical(ip);
    if ip.is_ipv6() {
        mask(ip, 64)
    } else {
        ip
    }
}

/// The client address of a request, put in its extensions by [`identify`].
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// For limits: IPv6 by its /64.
    pub fn key(&self) -> IpAddr {
        limit_key(self.0)
    }
}

/// Middleware: works out the client address once per request.
pub async fn identify(axum::extract::State(trusted): axum::extract::State<Arc<TrustedProxies>>, mut req: Request, next: Next) -> Response {
    if let Some(peer) = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip()) {
        let client = trusted.client_addr(peer, req.headers());
        req.extensions_mut().insert(ClientAddr(client));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn right_most_untrusted_entry_only_from_a_trusted_peer() {
        let t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8, 2001:db8:ffff::/48").unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Untrusted peer: the header is ignored.
        assert_eq!(t.client_addr(ip("192.0.2.9"), &xff(&["6.6.6.6"])), ip("192.0.2.9"));
        // Trusted peer: the right-most entry that is not a proxy.
        assert_eq!(t.client_addr(ip("127.0.0.1"), &xff(&["1.1.1.1, 6.6.6.6, 10.1.2.3"])), ip("6.6.6.6"));
        assert_eq!(t.client_addr(ip("127.0.0.1"), &xff(&["1.1.1.1", "6.6.6.6:4711"])), ip("6.6.6.6"));
        assert_eq!(t.client_addr(ip("::ffff:127.0.0.1"), &xff(&["[2001:db8::1]:80"])), ip("2001:db8::1"));
        // Garbage stops the walk at the last proxy; no header leaves the peer.
        assert_eq!(t.client_addr(ip("127.0.0.1"), &xff(&["6.6.6.6, nonsense, 10.0.0.7"])), ip("10.0.0.7"));
        assert_eq!(t.client_addr(ip("127.0.0.1"), &HeaderMap::new()), ip("127.0.0.1"));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.internal").is_err());
    }

    #[test]
    fn ipv6_counts_by_its_64() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), limit_key(ip("2001:db8:1:2:ffff::9")));
        assert_ne!(limit_key(ip("2001:db8:1:2::1")), limit_key(ip("2001:db8:1:3::1")));
        assert_eq!(limit_key(ip("192.0.2.1")), ip("192.0.2.1"));
    }
}
