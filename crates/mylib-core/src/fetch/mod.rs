//! `fetch`: an HTTP/1.1 GET that returns the body as text, as plain async Rust.
//!
//! The whole client lives here: one connection pool per set of trusted certificates, per-origin
//! limits, TLS by rustls, content and charset decoding, redirects and the timeout. Aborting is
//! dropping the future: its connection goes with it. It needs a tokio runtime with time and I/O
//! enabled; it returns the core [`Error`].

mod client;

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
pub use reqwest::Url;

use crate::error::{Argument, Error, Func, Invalid, Param, Received, Result};
use crate::number::{self, MAX_SAFE_INTEGER};
pub use client::{MAX_IN_FLIGHT_PER_ORIGIN, MAX_REDIRECTS};

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
  headers: HeaderMap,
  ca: Vec<String>,
}

impl Default for FetchOptions {
  fn default() -> Self {
    FetchOptions {
      timeout: Some(DEFAULT_TIMEOUT),
      max_bytes: DEFAULT_MAX_BYTES,
      headers: HeaderMap::new(),
      ca: Vec::new(),
    }
  }
}

impl FetchOptions {
  /// Adds a request header: a valid HTTP field name, and a value that is a ByteString as
  /// `fetch` requires (every character U+0000..=U+00FF, sent as that byte) without NUL, CR or
  /// LF. A `User-Agent` replaces the default one.
  pub fn header(&mut self, name: &str, value: &str) -> Result<()> {
    let arg = || Argument::new(Func::FetchData, Param::Header(name.to_owned()));
    let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
      Error::arg_value(
        arg(),
        Invalid::HeaderName,
        Received::String(name.to_owned()),
      )
    })?;
    let latin1: Option<Vec<u8>> = value.chars().map(|c| u8::try_from(c).ok()).collect();
    let header_value = latin1
      .and_then(|bytes| HeaderValue::from_bytes(&bytes).ok())
      .ok_or_else(|| {
        Error::arg_value(
          arg(),
          Invalid::HeaderValue,
          Received::String(value.to_owned()),
        )
      })?;
    self.headers.append(header_name, header_value);
    Ok(())
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
  let url = Url::parse(input).map_err(|err| Error::InvalidUrl {
    input: input.to_owned(),
    reason: err.to_string(),
  })?;
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
/// `Content-Type` (UTF-8 by default) after gzip, brotli or deflate decoding. Follows up to
/// [`MAX_REDIRECTS`] redirects (http and https only); a status outside 200..=299 is
/// [`Error::HttpStatus`]. Dropping the future drops the request and its connection.
pub async fn fetch(url: Url, options: FetchOptions) -> Result<String> {
  let Some(timeout) = options.timeout else {
    return get(&url, options).await;
  };
  match tokio::time::timeout(timeout, get(&url, options)).await {
    Ok(outcome) => outcome,
    Err(_) => Err(Error::Timeout {
      url: display_url(&url),
      after: timeout,
    }),
  }
}

async fn get(url: &Url, options: FetchOptions) -> Result<String> {
  let network = |err: reqwest::Error| client::network_error(url, &err);
  let _slot = client::slot(url).await;
  let mut response = client::client_for(&options.ca)?
    .get(url.clone())
    .headers(options.headers)
    .send()
    .await
    .map_err(network)?;
  let status = response.status();
  if status.is_redirection() {
    // reqwest hands back a redirect it does not follow (a Location that is not http(s)).
    if let Some(target) = response
      .headers()
      .get(reqwest::header::LOCATION)
      .and_then(|location| location.to_str().ok())
      .and_then(|location| response.url().join(location).ok())
    {
      check_scheme(&target, Some(url))?;
    }
  }
  if !status.is_success() {
    return Err(Error::HttpStatus {
      url: display_url(url),
      status: status.as_u16(),
      reason: status.canonical_reason(),
    });
  }
  let charset = response
    .headers()
    .get(reqwest::header::CONTENT_TYPE)
    .and_then(|value| value.to_str().ok())
    .and_then(|value| value.parse::<mime::Mime>().ok())
    .and_then(|mime| mime.get_param(mime::CHARSET).map(|c| c.as_str().to_owned()));
  let limit = options.max_bytes;
  let too_large = || Error::BodyTooLarge {
    url: display_url(url),
    limit,
  };
  if response.content_length().is_some_and(|len| len > limit) {
    return Err(too_large());
  }
  let mut body = Vec::new();
  while let Some(chunk) = response.chunk().await.map_err(network)? {
    if chunk.len() as u64 > limit - body.len() as u64 {
      return Err(too_large());
    }
    body.extend_from_slice(&chunk);
  }
  Ok(decode(&body, charset.as_deref()))
}

/// A URL for messages: without the user name and password it may carry.
pub fn display_url(url: &Url) -> String {
  let mut shown = url.clone();
  // Both fail only for URLs that cannot have credentials, which then have none to hide.
  let _ = shown.set_username("");
  let _ = shown.set_password(None);
  shown.to_string()
}

/// Decodes a body by its charset label (UTF-8 when absent or unknown), honouring a BOM, as
/// the WHATWG Encoding standard's "decode" does.
pub fn decode(body: &[u8], charset: Option<&str>) -> String {
  let encoding = charset
    .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
    .unwrap_or(encoding_rs::UTF_8);
  let (text, _, _) = encoding.decode(body);
  text.into_owned()
}

#[cfg(test)]
mod tests;
