//! The accept loop (instead of `axum::serve`), so that connections themselves are bounded:
//!
//! - at most `CONNECTIONS_PER_CLIENT` open connections per client address (IPv6: per /64; a
//!   trusted proxy's own address is not capped) and `MAX_CONNECTIONS` in all — more are answered
//!   at once with a JSON 503 and closed;
//! - HTTP/1 headers must arrive within `HEADER_READ_TIMEOUT_SECS` (slowloris), on a new
//!   connection and between keep-alive requests; and on any connection (HTTP/2 too, whose
//!   preface could otherwise be trickled) the first request must arrive within that time;
//! - a connection that moves no byte either way for `IDLE_TIMEOUT_SECS` is closed (HTTP/1 and
//!   HTTP/2, idle keep-alive or a stalled body; a body stalling for `BODY_IDLE_TIMEOUT_SECS`
//!   is first answered 408 by the handler);
//! - HTTP/2: at most 32 concurrent streams per connection.
//!
//! Requests in flight are bounded by the budgets in [`crate::limits`].

use crate::client::{limit_key, TrustedProxies};
use crate::messages::server_codes::TOO_MANY_CONNECTIONS;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use jmo_contract::{codes, ErrorBody};
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone)]
pub struct ConnLimits {
    pub per_client: usize,
    pub total: usize,
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub trusted: Arc<TrustedProxies>,
}

/// Open connections, per client key and in all.
#[derive(Default)]
struct Open {
    per_client: HashMap<IpAddr, usize>,
    total: usize,
}

struct Slot {
    open: Arc<Mutex<Open>>,
    key: Option<IpAddr>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.total -= 1;
        if let Some(key) = self.key {
            if let Some(n) = open.per_client.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    open.per_client.remove(&key);
                }
            }
        }
    }
}

/// A slot for a connection from `peer`, or the code to refuse it with.
fn take_slot(open: &Arc<Mutex<Open>>, limits: &ConnLimits, peer: IpAddr) -> Result<Slot, &'static str> {
    let mut o = open.lock().unwrap_or_else(|p| p.into_inner());
    if o.total >= limits.total {
        return Err(codes::OVERLOADED);
    }
    let key = (!limits.trusted.contains(peer)).then(|| limit_key(peer));
    if let Some(key) = key {
        let n = o.per_client.entry(key).or_insert(0);
        if *n >= limits.per_client {
            return Err(TOO_MANY_CONNECTIONS);
        }
        *n += 1;
    }
    o.total += 1;
    Ok(Slot { open: open.clone(), key })
}

/// Answers a refused connection with a JSON 503 (HTTP/1.1) and closes it, within a second.
async fn refuse(mut stream: TcpStream, code: &'static str) {
    let body = crate::messages::error_json(&ErrorBody::single(code));
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncache-control: no-store\r\nretry-after: 1\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// Serves `router` on `listener` until `shutdown`, then lets connections finish (up to 10 s).
pub async fn serve(listener: TcpListener, router: Router, limits: ConnLimits, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
    let open = Arc::new(Mutex::new(Open::default()));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    builder.http2().timer(TokioTimer::new()).max_concurrent_streams(32);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let slot = match take_slot(&open, &limits, peer.ip()) {
            Ok(s) => s,
            Err(code) => {
                tracing::debug!(code, "connection refused");
                tokio::spawn(refuse(stream, code));
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let epoch = Instant::now();
        let last = Arc::new(AtomicU64::new(0));
        let io = TokioIo::new(IdleIo { inner: stream, last: last.clone(), epoch });
        let router = router.clone();
        // Set when the first request's headers are in: before that, neither hyper-util's
        // protocol detection nor HTTP/2 has a header timeout of its own.
        let started = Arc::new(AtomicBool::new(false));
        let first = started.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            first.store(true, Ordering::Relaxed);
            req.extensions_mut().insert(ConnectInfo(peer));
            tower::ServiceExt::oneshot(router.clone(), req.map(axum::body::Body::new))
        });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let idle = limits.idle_timeout;
        let header_read = limits.header_read_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let conn = watcher.watch(builder.serve_connection_with_upgrades(io, service).into_owned());
            tokio::select! {
                result = conn => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                _ = idle_for(&last, epoch, idle) => tracing::debug!("idle connection closed"),
                _ = no_request_within(&started, header_read) => tracing::debug!("no request within the header timeout: closed"),
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open 10 s after shutdown: closed");
    }
    Ok(())
}

/// Completes if no request has arrived `within` the connection's start; else never.
async fn no_request_within(started: &AtomicBool, within: Duration) {
    tokio::time::sleep(within).await;
    if started.load(Ordering::Relaxed) {
        std::future::pending::<()>().await;
    }
}

/// Completes once no byte has moved for `idle`.
async fn idle_for(last: &AtomicU64, epoch: Instant, idle: Duration) {
    loop {
        let since = epoch + Duration::from_millis(last.load(Ordering::Relaxed));
        let deadline = since + idle;
        if Instant::now() >= deadline {
            return;
        }
        tokio::time::sleep_until(deadline.into()).await;
    }
}

/// A TCP stream that notes when a byte last moved.
struct IdleIo {
    inner: TcpStream,
    last: Arc<AtomicU64>,
    epoch: Instant,
}

impl IdleIo {
    fn touch(&self) {
        self.last.store(self.epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

impl AsyncRead for IdleIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl AsyncWrite for IdleIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
