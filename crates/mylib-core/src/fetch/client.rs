//! The connections: opened by hyper's HTTP/1.1 client over tokio (and rustls for https), pooled
//! per origin and trust set, and limited per origin.
//!
//! A request takes an idle pooled connection to its origin or opens one; once its body has been
//! read to the end, the connection goes back to the pool. A connection is driven by a task of
//! its own on the runtime that opened it; dropping its last handle (from the pool or from a
//! request that failed or was dropped) ends that task and closes the socket.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Request, Response, Uri};
use http_body_util::Empty;
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use rustls::ClientConfig;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::{Host, Url};

use super::{display_url, tls};
use crate::error::{Error, NetworkCode, Result};

/// Trust sets (distinct `ca` options) kept with their TLS configuration; more distinct sets
/// than this start over (their pooled connections are then never taken again and expire).
const MAX_CACHED_TRUSTS: usize = 16;
/// Requests in flight to one origin at a time. HTTP/1.1 needs a connection per request in
/// flight, so this bounds the connections (and sockets) a burst of calls opens; the rest queue,
/// within their own timeout, and reuse the pooled connections as they free up. It also bounds
/// the idle connections pooled per origin.
pub const MAX_IN_FLIGHT_PER_ORIGIN: usize = 64;
/// Origins whose slots are remembered; past this, idle origins are forgotten.
const MAX_TRACKED_ORIGINS: usize = 1024;
/// How long an idle pooled connection is kept: undici's default keep-alive (4 s).
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);
/// How often the pool drops the connections idle for longer than [`POOL_IDLE_TIMEOUT`].
const REAP_EVERY: Duration = Duration::from_secs(1);

/// The request body: a GET sends none.
pub type Body = Empty<Bytes>;

/// What a connection is for: an origin (scheme, host, port) and, for https, the trust set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
  https: bool,
  host: String,
  port: u16,
}

impl Origin {
  /// The origin of an http(s) URL (which always has a host and a known default port).
  pub fn of(url: &Url) -> Origin {
    Origin {
      https: url.scheme() == "https",
      host: url.host_str().unwrap_or_default().to_owned(),
      port: url.port_or_known_default().unwrap_or_default(),
    }
  }
}

/// The certificates a request trusts: an id for pooling, and the TLS configuration.
#[derive(Clone)]
pub struct Trust {
  id: u64,
  config: Arc<ClientConfig>,
}

impl Trust {
  /// The trust set of a call with the extra PEM certificates `ca` (checked when they were set):
  /// Mozilla's roots and `NODE_EXTRA_CA_CERTS` besides.
  pub fn of(ca: &[String]) -> Result<Trust> {
    static DEFAULT: OnceLock<std::result::Result<Arc<ClientConfig>, String>> = OnceLock::new();
    static OTHERS: Mutex<Vec<(Vec<String>, Trust)>> = Mutex::new(Vec::new());
    static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let config = |ca: &[String]| tls::config(ca).map(Arc::new).map_err(|err| err.to_string());
    if ca.is_empty() {
      let config = DEFAULT.get_or_init(|| config(ca)).clone();
      return config.map(|config| Trust { id: 0, config }).map_err(failed);
    }
    let mut others = OTHERS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, trust)) = others.iter().find(|(key, _)| key == ca) {
      return Ok(trust.clone());
    }
    let trust = Trust {
      id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
      config: config(ca).map_err(failed)?,
    };
    if others.len() >= MAX_CACHED_TRUSTS {
      others.clear();
    }
    others.push((ca.to_vec(), trust.clone()));
    Ok(trust)
  }
}

fn failed(reason: String) -> Error {
  Error::Network {
    code: NetworkCode::Other,
    url: String::new(),
    reason: format!("cannot create the HTTP client: {reason}"),
  }
}

/// An idle connection in the pool, and since when.
struct Idle {
  sender: SendRequest<Body>,
  since: Instant,
}

/// Idle connections by origin and trust set (0 for plain http, which trusts nothing), the most
/// recently used last; and whether a task is dropping the expired ones.
#[derive(Default)]
struct Pool {
  idle: HashMap<(Origin, u64), Vec<Idle>>,
  reaping: bool,
}

static POOL: Mutex<Option<Pool>> = Mutex::new(None);

fn with_pool<T>(f: impl FnOnce(&mut Pool) -> T) -> T {
  let mut pool = POOL.lock().unwrap_or_else(PoisonError::into_inner);
  f(pool.get_or_insert_with(Pool::default))
}

/// A connection a request holds: given back to the pool by [`Connection::release`] once its
/// response has been read whole, closed if dropped instead.
pub struct Connection {
  sender: SendRequest<Body>,
  key: Option<(Origin, u64)>,
}

impl Connection {
  /// Takes an idle connection to `origin` that can carry a request now, or opens one. `fresh`:
  /// always opens one, and never pools it.
  pub async fn to(origin: &Origin, trust: &Trust, fresh: bool) -> Result<Connection, BoxError> {
    let key = (origin.clone(), if origin.https { trust.id } else { 0 });
    if !fresh {
      while let Some(mut sender) = take_idle(&key) {
        // Ready at once unless the connection has just ended (the server closed it); a closed
        // one fails here and is dropped.
        if sender.ready().await.is_ok() {
          return Ok(Connection {
            sender,
            key: Some(key),
          });
        }
      }
    }
    let sender = connect(origin, trust).await?;
    Ok(Connection {
      sender,
      key: (!fresh).then_some(key),
    })
  }

  /// Sends `request`. A pooled connection that turned out closed before the request went out is
  /// replaced by a new one, once (nothing was sent, so nothing is sent twice).
  pub async fn send(
    &mut self,
    origin: &Origin,
    trust: &Trust,
    request: Request<Body>,
  ) -> Result<Response<Incoming>, BoxError> {
    match self.sender.try_send_request(request).await {
      Ok(response) => Ok(response),
      Err(mut err) => match err.take_message() {
        Some(unsent) if self.key.is_some() => {
          self.sender = connect(origin, trust).await?;
          Ok(self.sender.send_request(unsent).await?)
        }
        _ => Err(err.into_error().into()),
      },
    }
  }

  /// Gives the connection back to the pool: its response has been read whole.
  pub fn release(self) {
    let Some(key) = self.key else { return };
    if self.sender.is_closed() {
      return;
    }
    let start_reaping = with_pool(|pool| {
      let idle = pool.idle.entry(key).or_default();
      if idle.len() < MAX_IN_FLIGHT_PER_ORIGIN {
        idle.push(Idle {
          sender: self.sender,
          since: Instant::now(),
        });
      }
      !std::mem::replace(&mut pool.reaping, true)
    });
    // Outside the lock: a runtime shutting down drops the task at once, and with it `Reaping`.
    if start_reaping {
      tokio::spawn(reap());
    }
  }
}

/// The most recently pooled connection of `key` that is open and not expired, if any; the
/// closed and expired ones met on the way are dropped.
fn take_idle(key: &(Origin, u64)) -> Option<SendRequest<Body>> {
  with_pool(|pool| {
    let idle = pool.idle.get_mut(key)?;
    while let Some(found) = idle.pop() {
      if !found.sender.is_closed() && found.since.elapsed() < POOL_IDLE_TIMEOUT {
        return Some(found.sender);
      }
    }
    None
  })
}

/// Says the pool has no reaper any more when the reaper ends or is dropped.
struct Reaping;

impl Drop for Reaping {
  fn drop(&mut self) {
    with_pool(|pool| pool.reaping = false);
  }
}

/// Drops the pooled connections idle for longer than [`POOL_IDLE_TIMEOUT`] (or closed), every
/// [`REAP_EVERY`], until the pool is empty. If its runtime shuts down first (or never runs it),
/// the next connection pooled starts another.
fn reap() -> impl std::future::Future<Output = ()> {
  let reaping = Reaping;
  async move {
    loop {
      tokio::time::sleep(REAP_EVERY).await;
      let expired: Vec<Idle> = with_pool(|pool| {
        let mut expired = Vec::new();
        pool.idle.retain(|_, idle| {
          let (keep, gone): (Vec<Idle>, Vec<Idle>) = idle
            .drain(..)
            .partition(|i| !i.sender.is_closed() && i.since.elapsed() < POOL_IDLE_TIMEOUT);
          *idle = keep;
          expired.extend(gone);
          !idle.is_empty()
        });
        expired
      });
      // Closed outside the lock.
      drop(expired);
      // Stops when nothing is left, in the same lock as a connection pooled meanwhile would see
      // that no reaper runs any more.
      let done = with_pool(|pool| {
        let done = pool.idle.is_empty();
        pool.reaping = !done;
        done
      });
      if done {
        std::mem::forget(reaping);
        return;
      }
    }
  }
}

/// Any error of opening or using a connection, for [`network_error`].
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// Opens a connection to `origin`: resolves its host, connects to each address in turn until
/// one answers, does the TLS handshake for https, and starts the task that drives it. Boxed:
/// its future (a TLS handshake's state among it) would otherwise make every request's future,
/// and the stack frame of the binding that creates it, many kilobytes larger.
fn connect<'a>(
  origin: &'a Origin,
  trust: &'a Trust,
) -> std::pin::Pin<
  Box<dyn std::future::Future<Output = Result<SendRequest<Body>, BoxError>> + Send + 'a>,
> {
  Box::pin(open(origin, trust))
}

async fn open(origin: &Origin, trust: &Trust) -> Result<SendRequest<Body>, BoxError> {
  let host = Host::parse(&origin.host).map_err(|err| err.to_string())?;
  let addrs: Vec<SocketAddr> = match &host {
    Host::Ipv4(ip) => vec![SocketAddr::new(IpAddr::V4(*ip), origin.port)],
    Host::Ipv6(ip) => vec![SocketAddr::new(IpAddr::V6(*ip), origin.port)],
    Host::Domain(name) => resolve(name, origin.port).await?,
  };
  let mut last = None;
  let mut tcp = None;
  for addr in addrs {
    match TcpStream::connect(addr).await {
      Ok(stream) => {
        tcp = Some(stream);
        break;
      }
      Err(source) => last = Some(ConnectError { addr, source }),
    }
  }
  let Some(tcp) = tcp else {
    return Err(match last {
      Some(err) => err.into(),
      None => "no address to connect to".into(),
    });
  };
  // Requests are written whole; no Nagle delay before the next one.
  tcp.set_nodelay(true)?;
  if !origin.https {
    return handshake(tcp).await;
  }
  let name = match host {
    Host::Ipv4(ip) => ServerName::IpAddress(IpAddr::V4(ip).into()),
    Host::Ipv6(ip) => ServerName::IpAddress(IpAddr::V6(ip).into()),
    Host::Domain(name) => ServerName::try_from(name)?,
  };
  let connector = tokio_rustls::TlsConnector::from(Arc::clone(&trust.config));
  handshake(connector.connect(name, tcp).await?).await
}

async fn handshake<S>(stream: S) -> Result<SendRequest<Body>, BoxError>
where
  S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
  let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
  // Its errors reach the request it was carrying; an idle connection's end needs no report.
  tokio::spawn(async move {
    let _ = connection.await;
  });
  Ok(sender)
}

/// The addresses of a host name, by the system resolver (getaddrinfo, as Node uses), with
/// failures tagged as [`DnsError`].
async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, BoxError> {
  let failed = |source| DnsError {
    host: host.to_owned(),
    source,
  };
  let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
    .await
    .map_err(failed)?
    .collect();
  if addrs.is_empty() {
    let none = std::io::Error::new(std::io::ErrorKind::NotFound, "no addresses");
    return Err(failed(none).into());
  }
  Ok(addrs)
}

/// A failed host name lookup, tagged so it can be told apart from other connect errors.
#[derive(Debug, thiserror::Error)]
#[error("getaddrinfo ENOTFOUND {host}: {source}")]
struct DnsError {
  host: String,
  source: std::io::Error,
}

/// A failed TCP connect, naming the address.
#[derive(Debug, thiserror::Error)]
#[error("connect {addr}")]
struct ConnectError {
  addr: SocketAddr,
  #[source]
  source: std::io::Error,
}

/// Waits for one of the origin's [`MAX_IN_FLIGHT_PER_ORIGIN`] slots; the request holds it until
/// its body is read (or it fails), which is when its connection goes back to the pool.
/// (`None` only if the semaphore were closed, which it never is.)
pub async fn slot(origin: &Origin) -> Option<OwnedSemaphorePermit> {
  static ORIGINS: Mutex<Option<HashMap<Origin, Arc<Semaphore>>>> = Mutex::new(None);
  let semaphore = {
    let mut origins = ORIGINS.lock().unwrap_or_else(PoisonError::into_inner);
    let origins = origins.get_or_insert_with(HashMap::new);
    if origins.len() >= MAX_TRACKED_ORIGINS {
      origins.retain(|_, slots| slots.available_permits() < MAX_IN_FLIGHT_PER_ORIGIN);
    }
    let slots = match origins.get(origin) {
      Some(slots) => slots,
      None => origins
        .entry(origin.clone())
        .or_insert_with(|| Arc::new(Semaphore::new(MAX_IN_FLIGHT_PER_ORIGIN))),
    };
    Arc::clone(slots)
  };
  semaphore.acquire_owned().await.ok()
}

/// The request line's target (path and query) and the `Host` header of a request for `url`.
pub fn target(url: &Url) -> Result<(Uri, HeaderValue), BoxError> {
  let path = &url[url::Position::BeforePath..url::Position::AfterQuery];
  let host = &url[url::Position::BeforeHost..url::Position::AfterPort];
  Ok((Uri::try_from(path)?, HeaderValue::try_from(host)?))
}

/// Maps a transport error of a request for `url` to the core error, keeping the underlying reason.
pub fn network_error(url: &Url, err: &(dyn StdError + 'static)) -> Error {
  for cause in causes(err) {
    if let Some(rustls::Error::InvalidCertificate(cert)) = cause.downcast_ref::<rustls::Error>() {
      return Error::TlsCert {
        url: display_url(url),
        reason: tls::describe(cert, url.host_str().unwrap_or_default()),
      };
    }
  }
  Error::Network {
    code: classify(err),
    url: display_url(url),
    reason: chain(err),
  }
}

fn classify(err: &(dyn StdError + 'static)) -> NetworkCode {
  for cause in causes(err) {
    if cause.is::<DnsError>() {
      return NetworkCode::NotFound;
    }
    if let Some(io) = cause.downcast_ref::<std::io::Error>() {
      match io.kind() {
        std::io::ErrorKind::ConnectionRefused => return NetworkCode::ConnectionRefused,
        std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::BrokenPipe
        | std::io::ErrorKind::UnexpectedEof => return NetworkCode::ConnectionReset,
        _ => {}
      }
    }
    // Closed before a whole response, or before the request went out at all.
    if cause
      .downcast_ref::<hyper::Error>()
      .is_some_and(|e| e.is_incomplete_message() || e.is_closed() || e.is_canceled())
    {
      return NetworkCode::ConnectionReset;
    }
  }
  NetworkCode::Other
}

/// An error and its causes. Unlike `source()` alone, this steps into the error an
/// `std::io::Error` wraps (where TLS errors live).
fn causes<'a>(
  err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
  std::iter::successors(Some(err), |&current| {
    current
      .downcast_ref::<std::io::Error>()
      .and_then(|io| io.get_ref())
      .map(|inner| inner as &(dyn StdError + 'static))
      .or_else(|| current.source())
  })
}

/// The messages of an error and its causes, each once, joined by ": ".
fn chain(err: &(dyn StdError + 'static)) -> String {
  let mut parts: Vec<String> = Vec::new();
  for cause in causes(err) {
    let text = cause.to_string();
    if !parts.iter().any(|seen| seen.contains(&text)) {
      parts.push(text);
    }
  }
  parts.join(": ")
}

#[cfg(test)]
mod tests {
  use super::*;

  #[derive(Debug, thiserror::Error)]
  #[error("outer")]
  struct Outer(#[source] std::io::Error);

  fn url() -> Url {
    Url::parse("https://user:pw@x/").unwrap()
  }

  #[test]
  fn errors_are_classified_through_the_source_chain() {
    let refused = Outer(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
    assert_eq!(classify(&refused), NetworkCode::ConnectionRefused);
    let reset = Outer(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
    assert_eq!(classify(&reset), NetworkCode::ConnectionReset);
    let dns = DnsError {
      host: "nowhere.invalid".into(),
      source: std::io::Error::other("Name or service not known"),
    };
    assert_eq!(classify(&dns), NetworkCode::NotFound);
    assert_eq!(chain(&refused), format!("outer: {}", refused.0));
  }

  #[test]
  fn tls_errors_inside_io_errors_are_found_and_worded() {
    let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::Expired);
    let wrapped = Outer(std::io::Error::new(std::io::ErrorKind::InvalidData, tls));
    let err = network_error(&url(), &wrapped);
    assert_eq!(
      err,
      Error::TlsCert {
        url: "https://x/".into(),
        reason: "the certificate has expired".into()
      }
    );
  }

  #[test]
  fn the_target_is_the_path_and_query_and_the_host_keeps_its_port() {
    let url = Url::parse("http://u:p@[::1]:8080/a%20b?q=1#frag").unwrap();
    let (uri, host) = target(&url).unwrap();
    assert_eq!(uri, "/a%20b?q=1");
    assert_eq!(host, "[::1]:8080");
    let (uri, host) = target(&Url::parse("https://example.com").unwrap()).unwrap();
    assert_eq!(uri, "/");
    assert_eq!(host, "example.com");
  }
}
