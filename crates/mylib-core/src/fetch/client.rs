//! The process-wide HTTP clients: one connection pool per set of trusted certificates.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;
use reqwest::Client;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{display_url, tls};
use crate::error::{Error, NetworkCode, Result};
/// Clients kept for distinct `ca` option sets; more distinct sets than this start over.
const MAX_CACHED_CLIENTS: usize = 16;
/// Requests in flight to one origin at a time. HTTP/1.1 needs a connection per request in
/// flight, so this bounds the connections (and sockets) a burst of calls opens; the rest queue,
/// within their own timeout, and reuse the pooled connections as they free up.
pub const MAX_IN_FLIGHT_PER_ORIGIN: usize = 64;
/// Origins whose slots are remembered; past this, idle origins are forgotten.
const MAX_TRACKED_ORIGINS: usize = 1024;
/// How long an idle pooled connection is kept: undici's default keep-alive (4 s), not reqwest's
/// 90 s. A connection opened for a request that then took another pooled one has never carried
/// a request, so a server's keep-alive timer (armed after a response) never closes it; this does.
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);

/// A set of certificates' clients: `[pooled, fresh]`, each made when first asked for.
type Clients = [Option<Client>; 2];

/// Every client, keyed by the extra PEM certificates of the call (empty: the default client).
/// A client owns its connection pool, so calls with the same certificates share connections.
static CLIENTS: Mutex<Option<HashMap<Vec<String>, Clients>>> = Mutex::new(None);

/// The client for a call trusting `ca` besides the default roots; with `fresh`, one that opens a
/// new connection for every request and closes it after.
pub fn client_for(ca: &[String], fresh: bool) -> Result<Client> {
  let mut clients = CLIENTS.lock().unwrap_or_else(PoisonError::into_inner);
  let clients = clients.get_or_insert_with(HashMap::new);
  let kind = usize::from(fresh);
  if let Some(client) = clients.get(ca).and_then(|pair| pair[kind].as_ref()) {
    return Ok(client.clone());
  }
  let client = build(ca, fresh)?;
  if !clients.contains_key(ca) && clients.len() >= MAX_CACHED_CLIENTS {
    clients.retain(|key, _| key.is_empty());
  }
  clients.entry(ca.to_vec()).or_default()[kind] = Some(client.clone());
  Ok(client)
}

/// Waits for one of the origin's [`MAX_IN_FLIGHT_PER_ORIGIN`] slots; the request holds it until
/// its body is read (or it fails), which is when its connection goes back to the pool.
/// (`None` only if the semaphore were closed, which it never is.)
pub async fn slot(url: &reqwest::Url) -> Option<OwnedSemaphorePermit> {
  static ORIGINS: Mutex<Option<HashMap<String, Arc<Semaphore>>>> = Mutex::new(None);
  let semaphore = {
    let mut origins = ORIGINS.lock().unwrap_or_else(PoisonError::into_inner);
    let origins = origins.get_or_insert_with(HashMap::new);
    if origins.len() >= MAX_TRACKED_ORIGINS {
      origins.retain(|_, slots| slots.available_permits() < MAX_IN_FLIGHT_PER_ORIGIN);
    }
    let origin = url.origin().ascii_serialization();
    Arc::clone(
      origins
        .entry(origin)
        .or_insert_with(|| Arc::new(Semaphore::new(MAX_IN_FLIGHT_PER_ORIGIN))),
    )
  };
  semaphore.acquire_owned().await.ok()
}

fn build(ca: &[String], fresh: bool) -> Result<Client> {
  let failed = |reason: String| Error::Network {
    code: NetworkCode::Other,
    url: String::new(),
    reason: format!("cannot create the HTTP client: {reason}"),
  };
  let tls = tls::config(ca).map_err(|err| failed(err.to_string()))?;
  Client::builder()
    // Like Node's http and fetch: HTTP(S)_PROXY and friends are not consulted.
    .no_proxy()
    .pool_idle_timeout(POOL_IDLE_TIMEOUT)
    // No more idle connections per origin than requests that can be in flight to it: a burst
    // that opened more (a connection opened for a request that then took a pooled one) closes
    // the rest as they come back, instead of holding their sockets until they expire. None at
    // all for a `fresh` client: each of its requests connects anew.
    .pool_max_idle_per_host(if fresh { 0 } else { MAX_IN_FLIGHT_PER_ORIGIN })
    .user_agent(concat!("mylib/", env!("CARGO_PKG_VERSION")))
    // Redirects are followed by `redirect`, which applies Node's rules; no `Referer`, ever.
    .redirect(Policy::none())
    .referer(false)
    .use_preconfigured_tls(tls)
    .dns_resolver(Arc::new(TaggingResolver))
    .build()
    .map_err(|err| failed(chain(&err)))
}

/// A failed host name lookup, tagged so it can be told apart from other connect errors.
#[derive(Debug, thiserror::Error)]
#[error("getaddrinfo ENOTFOUND {host}: {source}")]
struct DnsError {
  host: String,
  source: std::io::Error,
}

/// The system resolver (getaddrinfo, as Node uses), with failures tagged as [`DnsError`].
struct TaggingResolver;

impl Resolve for TaggingResolver {
  fn resolve(&self, name: Name) -> Resolving {
    Box::pin(async move {
      let host = name.as_str().to_owned();
      let found = tokio::net::lookup_host((host.as_str(), 0))
        .await
        .map(|addrs| addrs.collect::<Vec<SocketAddr>>());
      match found {
        Ok(addrs) if !addrs.is_empty() => Ok(Box::new(addrs.into_iter()) as Addrs),
        Ok(_) => {
          let source = std::io::Error::new(std::io::ErrorKind::NotFound, "no addresses");
          Err(Box::new(DnsError { host, source }) as _)
        }
        Err(source) => Err(Box::new(DnsError { host, source }) as _),
      }
    })
  }
}

/// Maps a transport error of a request for `url` to the core error, keeping the underlying reason.
pub fn network_error(url: &reqwest::Url, err: &(dyn StdError + 'static)) -> Error {
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
    if cause
      .downcast_ref::<hyper::Error>()
      .is_some_and(|e| e.is_incomplete_message() || e.is_closed())
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

/// The messages of an error and its causes, without reqwest's "error sending request for url"
/// wrapper (the URL is already in our message), joined by ": ".
fn chain(err: &(dyn StdError + 'static)) -> String {
  let mut parts: Vec<String> = Vec::new();
  for cause in causes(err) {
    let text = cause.to_string();
    if !text.starts_with("error sending request")
      && !text.starts_with("error decoding response body")
      && !parts.iter().any(|seen| seen.contains(&text))
    {
      parts.push(text);
    }
  }
  if parts.is_empty() {
    err.to_string()
  } else {
    parts.join(": ")
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[derive(Debug, thiserror::Error)]
  #[error("outer")]
  struct Outer(#[source] std::io::Error);

  fn url() -> reqwest::Url {
    reqwest::Url::parse("https://user:pw@x/").unwrap()
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
}
