//! `fetch`: an HTTP/1.1 GET that returns the body as text, as plain async Rust.
//!
//! The whole client lives here, over hyper's HTTP/1.1 connections: the connection pool and
//! per-origin limits (`client`), TLS by rustls (`tls`), redirects by Node's `fetch` rules
//! (`redirect`), content and charset decoding (`decode`) and the timeout. Aborting is dropping
//! the future: its connection goes with it. It needs a tokio runtime with time and I/O enabled;
//! it returns the core [`Error`].

mod client;
mod decode;
mod redirect;
mod tls;

use std::time::Duration;

use http::header::{self, HeaderMap, HeaderValue};
use http_body_util::BodyExt as _;
use hyper::body::Body as _;
pub use url::Url;

use crate::error::{Argument, Error, Func, Invalid, Param, Received, Result};
use crate::headers::RequestHeaders;
use crate::number::{self, MAX_SAFE_INTEGER};
pub use client::{MAX_IN_FLIGHT_PER_ORIGIN, POOL_IDLE_TIMEOUT};
pub use decode::text as decode;
pub use redirect::MAX_REDIRECTS;

/// The default bound on a whole request, body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default limit on the decoded body, in bytes (32 MiB).
pub const DEFAULT_MAX_BYTES: u64 = 32 * 1024 * 1024;

/// The options of a request, each checked as it is set.
#[derive(Debug, Clone)]
pub struct FetchOptions {
  /// A bound on the whole request, body included; `None`: no bound.
  pub timeout: Option<Duration>,
  /// A limit on the decoded body, in bytes.
  pub max_bytes: u64,
  /// Sends the request on a new connection, closed after it, instead of a pooled one: for
  /// resending a request whose pooled connection died under it. @default false
  pub fresh_connection: bool,
  /// Request headers, by [`RequestHeaders`]'s rules.
  headers: RequestHeaders,
  ca: Vec<String>,
}

impl Default for FetchOptions {
  fn default() -> Self {
    FetchOptions {
      timeout: Some(DEFAULT_TIMEOUT),
      max_bytes: DEFAULT_MAX_BYTES,
      fresh_connection: false,
      headers: RequestHeaders::default(),
      ca: Vec::new(),
    }
  }
}

impl FetchOptions {
  /// Adds a request header by [`RequestHeaders::append`]'s rules (`fetch`'s and undici's).
  /// A `User-Agent` replaces the default one.
  pub fn header(&mut self, name: &str, value: &str) -> Result<()> {
    self.headers.append(name, value)
  }

  /// The request headers, each name once.
  pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
    self
      .headers
      .iter()
      .map(|(name, value)| (name.as_str(), value.as_bytes()))
  }

  /// Trusts the certificates of a PEM text for this request, besides Mozilla's roots and
  /// `NODE_EXTRA_CA_CERTS`; `index` is its position when the caller gave several.
  pub fn ca(&mut self, index: Option<u64>, pem: String) -> Result<()> {
    let arg = Argument {
      func: Func::FetchData,
      param: Param::Ca,
      index,
    };
    check_pem(arg, &pem)?;
    self.ca.push(pem);
    Ok(())
  }

  /// Sets the timeout from milliseconds given as a double: an integer in 1..=4294967295.
  pub fn timeout_ms(&mut self, ms: f64) -> Result<()> {
    let arg = Argument::new(Func::FetchData, Param::Timeout);
    let ms = number::integer_in(arg, ms, 1, u32::MAX.into())?;
    // Within 1..=u32::MAX.
    self.timeout = Some(Duration::from_millis(ms as u64));
    Ok(())
  }

  /// Sets the body limit from bytes given as a double: an integer in
  /// 0..=`Number.MAX_SAFE_INTEGER`.
  pub fn max_bytes_f64(&mut self, bytes: f64) -> Result<()> {
    let arg = Argument::new(Func::FetchData, Param::MaxBytes);
    let bytes = number::integer_in(arg, bytes, 0, MAX_SAFE_INTEGER)?;
    // Non-negative.
    self.max_bytes = bytes as u64;
    Ok(())
  }
}

/// Checks that a PEM text holds at least one certificate, each one usable as a trust anchor.
fn check_pem(arg: Argument, pem: &str) -> Result<()> {
  use rustls::pki_types::{pem::PemObject, CertificateDer};
  let invalid = |reason: String| {
    Error::arg_value(
      arg.clone(),
      Invalid::Pem(reason),
      Received::String(pem.to_owned()),
    )
  };
  let mut store = rustls::RootCertStore::empty();
  for der in CertificateDer::pem_slice_iter(pem.as_bytes()) {
    let der = der.map_err(|err| invalid(format!("{err:?}")))?;
    store.add(der).map_err(|err| invalid(err.to_string()))?;
  }
  if store.is_empty() {
    return Err(invalid("none found".into()));
  }
  Ok(())
}

/// Parses and checks a URL: WHATWG parsing, http and https only.
pub fn parse_url(input: &str) -> Result<Url> {
  let url = Url::parse(input).map_err(|err| Error::invalid_url(input, err.to_string(), None))?;
  check_scheme(&url, None)?;
  Ok(url)
}

/// Refuses any scheme but http and https (for the URL given and for every redirect).
fn check_scheme(url: &Url, redirected_from: Option<&Url>) -> Result<()> {
  if matches!(url.scheme(), "http" | "https") {
    return Ok(());
  }
  Err(Error::InvalidUrlScheme {
    scheme: format!("{}:", url.scheme()),
    redirected_from: redirected_from.map(display_url),
  })
}

/// Fetches `url` with a GET and returns the body as text, decoded by the charset of
/// `Content-Type` (UTF-8 by default) after undoing its gzip, brotli or deflate codings. Follows
/// up to [`MAX_REDIRECTS`] redirects by Node's `fetch` rules (see `redirect`); a final status
/// outside 200..=299 is [`Error::HttpStatus`]. Dropping the future drops the request and its
/// connection.
pub async fn fetch(url: Url, options: FetchOptions) -> Result<String> {
  // Boxed, so that the future a binding creates (and the stack frame it is built in) stays
  // small: a call made with the JS stack nearly full must not run past the engine's limit.
  within(&url, options.timeout, Box::pin(get(&url, options))).await
}

/// `work` on `url`, failed with [`Error::Timeout`] (and dropped) if it has not ended within
/// `timeout`; `None` leaves it unbounded. [`fetch`]'s timeout, for a binding that bounds several
/// fetches of one URL together.
pub async fn within<T>(
  url: &Url,
  timeout: Option<Duration>,
  work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
  let Some(after) = timeout else {
    return work.await;
  };
  tokio::time::timeout(after, work).await.unwrap_or_else(|_| {
    Err(Error::Timeout {
      url: display_url(url),
      after,
    })
  })
}

async fn get(url: &Url, options: FetchOptions) -> Result<String> {
  let network = |err: client::BoxError| client::network_error(url, &*err);
  let trust = client::Trust::of(&options.ca)?;
  let mut headers: HeaderMap = options
    .headers
    .iter()
    .map(|(name, value)| (name.clone(), value.clone()))
    .collect();
  let mut current = url.clone();
  let mut redirects = 0;
  let (response, connection, _slot) = loop {
    let origin = client::Origin::of(&current);
    let slot = client::slot(&origin).await;
    let request = request(&current, &headers).map_err(network)?;
    let mut connection = client::Connection::to(&origin, &trust, options.fresh_connection)
      .await
      .map_err(network)?;
    let response = connection
      .send(&origin, &trust, request)
      .await
      .map_err(network)?;
    let next = redirect::next(
      url,
      &current,
      response.status(),
      response.headers(),
      redirects,
    )?;
    let Some(next) = next else {
      break (response, connection, slot);
    };
    // The redirect's own body is not read: its connection closes.
    redirect::strip_on_origin_change(&current, &next, &mut headers);
    redirects += 1;
    current = next;
  };
  let status = response.status();
  if !status.is_success() {
    return Err(Error::HttpStatus {
      url: display_url(url),
      status: status.as_u16(),
      reason: status.canonical_reason(),
    });
  }
  let values = |name| {
    response
      .headers()
      .get_all(name)
      .iter()
      .map(HeaderValue::as_bytes)
  };
  let charset = crate::mime::charset(values(header::CONTENT_TYPE));
  let codings = decode::codings(values(header::CONTENT_ENCODING));
  let limit = options.max_bytes;
  let too_large = || Error::BodyTooLarge {
    url: display_url(url),
    limit,
  };
  // The bytes on the wire: the decoded limit, plus the little that coding can add to data
  // that does not compress.
  let wire_limit = if codings.is_empty() {
    limit
  } else {
    limit.saturating_add(limit / 64).saturating_add(4096)
  };
  if response
    .body()
    .size_hint()
    .exact()
    .is_some_and(|len| len > wire_limit)
  {
    return Err(too_large());
  }
  let mut incoming = response.into_body();
  let mut body = Vec::new();
  while let Some(frame) = incoming.frame().await {
    let frame = frame.map_err(|err| network(err.into()))?;
    let Ok(chunk) = frame.into_data() else {
      continue;
    };
    if chunk.len() as u64 > wire_limit - body.len() as u64 {
      return Err(too_large());
    }
    body.extend_from_slice(&chunk);
  }
  // Read whole: the connection can carry another request.
  connection.release();
  let body = decode::undo(body, &codings, limit).map_err(|err| match err {
    decode::DecodeError::TooLarge => too_large(),
    decode::DecodeError::Corrupt(reason) => Error::Network {
      code: crate::error::NetworkCode::Other,
      url: display_url(url),
      reason,
    },
  })?;
  Ok(decode::text(&body, charset.as_deref()))
}

/// The GET request for `url` with the caller's `headers`, and those Node's `fetch` adds when the
/// caller sets none: `Host`, `Accept: */*`, a mylib `User-Agent` and `Accept-Encoding`.
fn request(
  url: &Url,
  headers: &HeaderMap,
) -> std::result::Result<http::Request<client::Body>, client::BoxError> {
  let (target, host) = client::target(url)?;
  let mut request = http::Request::new(client::Body::new());
  *request.uri_mut() = target;
  let sent = request.headers_mut();
  if !headers.contains_key(header::HOST) {
    sent.insert(header::HOST, host);
  }
  for (name, value) in headers {
    sent.append(name, value.clone());
  }
  let defaults = [
    (header::ACCEPT, HeaderValue::from_static("*/*")),
    (header::USER_AGENT, HeaderValue::from_static(USER_AGENT)),
    (header::ACCEPT_ENCODING, accept_encoding(url)),
  ];
  for (name, value) in defaults {
    if !headers.contains_key(&name) {
      sent.insert(name, value);
    }
  }
  Ok(request)
}

/// The `User-Agent` sent when the caller sets none.
const USER_AGENT: &str = concat!("mylib/", env!("CARGO_PKG_VERSION"));

/// The `Accept-Encoding` Node's `fetch` sends when the caller sets none.
fn accept_encoding(url: &Url) -> HeaderValue {
  HeaderValue::from_static(if url.scheme() == "https" {
    "br, gzip, deflate"
  } else {
    "gzip, deflate"
  })
}

/// A URL for messages: without the user name and password it may carry.
pub fn display_url(url: &Url) -> String {
  let mut shown = url.clone();
  // Both fail only for URLs that cannot have credentials, which then have none to hide.
  let _ = shown.set_username("");
  let _ = shown.set_password(None);
  shown.to_string()
}

#[cfg(test)]
mod tests;
