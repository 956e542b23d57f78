//! Reading and validating `fetchData`'s arguments into a [`Request`].

use std::time::Duration;

use napi::{Env, JsValue, Unknown, ValueType};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;

use super::FUNC;
use crate::arg;
use crate::error::{fmt_string, Error, Result};

/// The default bound on a whole request, body included, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// The default limit on the decoded body, in bytes (32 MiB).
pub const DEFAULT_MAX_BYTES: usize = 32 * 1024 * 1024;
/// `Number.MAX_SAFE_INTEGER`, the largest `maxBytes` accepted.
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Options for `fetchData`. Every field is optional and validated: a wrong type is a
/// `TypeError` (`ERR_INVALID_ARG_TYPE`), a bad value an `ERR_INVALID_ARG_VALUE` or
/// `ERR_OUT_OF_RANGE`, and either arrives as a rejection.
#[napi(object, object_to_js = false)]
#[derive(Debug, Default)]
pub struct FetchOptions {
  /// A bound on the whole request, body included, in milliseconds: an integer in
  /// 1..=4294967295. When it passes, the promise rejects with `ETIMEDOUT`.
  /// @default 30000
  pub timeout_ms: Option<u32>,
  /// Aborts the request: the promise rejects with an `AbortError` (`ABORT_ERR`) whose `cause`
  /// is `signal.reason`, and the connection is dropped. An already-aborted signal sends nothing.
  /// Your own listeners and `onabort` on the signal are left alone.
  #[napi(ts_type = "AbortSignal")]
  pub signal: Option<()>,
  /// Request headers, sent as given (`User-Agent: mylib/<version>` unless you set one).
  /// An invalid name or value rejects with `ERR_INVALID_ARG_VALUE` naming it.
  pub headers: Option<std::collections::HashMap<String, String>>,
  /// A limit on the decoded body in bytes, an integer in 0..=Number.MAX_SAFE_INTEGER. A larger
  /// body, announced or streamed, rejects with `ERR_BODY_TOO_LARGE` as soon as it is seen.
  /// @default 33554432 (32 MiB)
  pub max_bytes: Option<f64>,
  /// Extra PEM certificates to trust for this call, besides Mozilla's roots and
  /// `NODE_EXTRA_CA_CERTS`.
  pub ca: Option<napi::Either<String, Vec<String>>>,
}

/// A validated request, ready to send from any thread.
#[derive(Debug, Clone)]
pub struct Request {
  pub url: Url,
  pub timeout: Duration,
  pub headers: HeaderMap,
  pub max_bytes: usize,
  /// Extra trusted certificates, PEM, each checked to hold at least one certificate.
  pub ca: Vec<String>,
}

impl Request {
  /// A request with every option at its default.
  pub fn new(url: Url) -> Self {
    Request {
      url,
      timeout: Duration::from_millis(DEFAULT_TIMEOUT_MS.into()),
      headers: HeaderMap::new(),
      max_bytes: DEFAULT_MAX_BYTES,
      ca: Vec::new(),
    }
  }
}

/// Reads `url` and `options` into a request, plus the `AbortSignal` if one was given.
pub fn read<'env>(
  env: &'env Env,
  url: &Unknown<'env>,
  options: &Unknown<'env>,
) -> Result<(Request, Option<Unknown<'env>>)> {
  let mut request = Request::new(parse_url(&arg::expect_string(FUNC, "url", url)?)?);
  if arg::type_of(options)? == ValueType::Undefined {
    return Ok((request, None));
  }
  if !arg::is_options_object(options)? {
    return Err(Error::arg_type(
      FUNC,
      "options",
      "of type object",
      &arg::describe(options),
    ));
  }
  if let Some(ms) = present(env, options, "timeoutMs")? {
    let ms = arg::expect_number(FUNC, "options.timeoutMs", &ms)?;
    request.timeout = Duration::from_millis(check_timeout(ms)?.into());
  }
  if let Some(bytes) = present(env, options, "maxBytes")? {
    let bytes = arg::expect_number(FUNC, "options.maxBytes", &bytes)?;
    request.max_bytes = check_max_bytes(bytes)?;
  }
  if let Some(headers) = present(env, options, "headers")? {
    request.headers = read_headers(env, &headers)?;
  }
  if let Some(ca) = present(env, options, "ca")? {
    request.ca = read_ca(env, &ca)?;
  }
  let signal = match present(env, options, "signal")? {
    Some(signal) if arg::is_instance_of_global(env, &signal, "AbortSignal")? => Some(signal),
    Some(other) => {
      return Err(Error::arg_type(
        FUNC,
        "options.signal",
        "an instance of AbortSignal",
        &arg::describe(&other),
      ))
    }
    None => None,
  };
  Ok((request, signal))
}

/// An option's value, or `None` when it is `undefined` (absent).
fn present<'env>(
  env: &'env Env,
  options: &Unknown<'env>,
  name: &str,
) -> Result<Option<Unknown<'env>>> {
  let value = arg::property(env, options, name)?;
  Ok((arg::type_of(&value)? != ValueType::Undefined).then_some(value))
}

/// Parses and checks a URL: WHATWG parsing, http and https only.
pub fn parse_url(input: &str) -> Result<Url> {
  let url = Url::parse(input).map_err(|err| Error::InvalidUrl {
    message: format!("{FUNC}: Invalid URL {}: {err}", fmt_string(input)),
    input: input.to_string(),
  })?;
  check_scheme(&url)?;
  Ok(url)
}

/// Refuses any scheme but http and https (for the URL given and for every redirect).
pub fn check_scheme(url: &Url) -> Result<()> {
  if matches!(url.scheme(), "http" | "https") {
    return Ok(());
  }
  Err(Error::InvalidUrlScheme(format!(
    "{FUNC}: The URL must be of scheme http or https. Received {}",
    fmt_string(&format!("{}:", url.scheme()))
  )))
}

/// Checks `options.timeoutMs`: an integer in 1..=4294967295.
pub fn check_timeout(ms: f64) -> Result<u32> {
  let n = arg::integer_in(FUNC, "options.timeoutMs", ms, 1, u32::MAX.into())?;
  // Within the u32 bounds just checked.
  Ok(n as u32)
}

/// Checks `options.maxBytes`: an integer in 0..=Number.MAX_SAFE_INTEGER.
pub fn check_max_bytes(bytes: f64) -> Result<usize> {
  let n = arg::integer_in(FUNC, "options.maxBytes", bytes, 0, MAX_SAFE_INTEGER)?;
  // Non-negative; a limit beyond the address space is no limit at all.
  Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Checks one header: a valid HTTP field name, and a value that is a ByteString as `fetch`
/// requires (every character U+0000..=U+00FF, sent as that byte) without NUL, CR or LF.
pub fn check_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue)> {
  let what = format!("options.headers[{}]", fmt_string(name));
  let header_name = HeaderName::from_bytes(name.as_bytes())
    .map_err(|_| Error::arg_value(FUNC, &what, "has an invalid header name", &fmt_string(name)))?;
  let latin1: Option<Vec<u8>> = value.chars().map(|c| u8::try_from(c).ok()).collect();
  let header_value = latin1
    .and_then(|bytes| HeaderValue::from_bytes(&bytes).ok())
    .ok_or_else(|| {
      Error::arg_value(
        FUNC,
        &what,
        "has an invalid header value (Latin-1 characters without control characters)",
        &fmt_string(value),
      )
    })?;
  Ok((header_name, header_value))
}

fn read_headers(env: &Env, headers: &Unknown) -> Result<HeaderMap> {
  if !arg::is_options_object(headers)? {
    return Err(Error::arg_type(
      FUNC,
      "options.headers",
      "of type object (Record<string, string>)",
      &arg::describe(headers),
    ));
  }
  let mut map = HeaderMap::new();
  for name in arg::own_keys(env, headers)? {
    let what = format!("options.headers[{}]", fmt_string(&name));
    let value = arg::expect_string(FUNC, &what, &arg::property(env, headers, &name)?)?;
    let (name, value) = check_header(&name, &value)?;
    map.append(name, value);
  }
  Ok(map)
}

/// Checks that a PEM text holds at least one certificate, each one usable as a trust anchor.
pub fn check_pem(what: &str, pem: &str) -> Result<()> {
  use rustls::pki_types::{pem::PemObject, CertificateDer};
  let invalid = |reason: &str| {
    Error::arg_value(
      FUNC,
      what,
      &format!("must hold PEM certificates (-----BEGIN CERTIFICATE-----): {reason}"),
      &fmt_string(pem),
    )
  };
  let mut store = rustls::RootCertStore::empty();
  for der in CertificateDer::pem_slice_iter(pem.as_bytes()) {
    let der = der.map_err(|err| invalid(&format!("{err:?}")))?;
    store.add(der).map_err(|err| invalid(&err.to_string()))?;
  }
  if store.is_empty() {
    return Err(invalid("none found"));
  }
  Ok(())
}

fn read_ca(env: &Env, ca: &Unknown) -> Result<Vec<String>> {
  const EXPECTED: &str = "of type string or an array of strings";
  if arg::type_of(ca)? == ValueType::String {
    let pem = arg::expect_string(FUNC, "options.ca", ca)?;
    check_pem("options.ca", &pem)?;
    return Ok(vec![pem]);
  }
  if arg::type_of(ca)? != ValueType::Object || !ca.is_array()? {
    return Err(Error::arg_type(
      FUNC,
      "options.ca",
      EXPECTED,
      &arg::describe(ca),
    ));
  }
  let mut pems = Vec::new();
  for (index, item) in arg::elements(env, ca)?.iter().enumerate() {
    let what = format!("options.ca[{index}]");
    let pem = arg::expect_string(FUNC, &what, item)?;
    check_pem(&what, &pem)?;
    pems.push(pem);
  }
  Ok(pems)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn urls_must_parse_and_be_http() {
    assert_eq!(
      parse_url("http://127.0.0.1:8080/a").unwrap().port(),
      Some(8080)
    );
    assert!(parse_url("https://example.com").is_ok());
    let err = parse_url("not a url").unwrap_err();
    assert!(
      matches!(&err, Error::InvalidUrl { input, .. } if input == "not a url"),
      "{err}"
    );
    let err = parse_url("ftp://example.com/x").unwrap_err();
    assert!(
      matches!(&err, Error::InvalidUrlScheme(m) if m.contains("'ftp:'")),
      "{err}"
    );
    assert!(matches!(
      parse_url("file:///etc/passwd"),
      Err(Error::InvalidUrlScheme(_))
    ));
  }

  #[test]
  fn timeouts_are_positive_u32_integers() {
    assert_eq!(check_timeout(1.0).unwrap(), 1);
    assert_eq!(check_timeout(4294967295.0).unwrap(), u32::MAX);
    for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, 4294967296.0] {
      assert!(
        matches!(check_timeout(bad), Err(Error::OutOfRange(_))),
        "{bad}"
      );
    }
    let url = Url::parse("http://x/").unwrap();
    assert_eq!(Request::new(url).timeout, Duration::from_secs(30));
  }

  #[test]
  fn body_limits_are_safe_integers() {
    assert_eq!(check_max_bytes(0.0).unwrap(), 0);
    assert_eq!(check_max_bytes(1024.0).unwrap(), 1024);
    assert!(check_max_bytes(9007199254740991.0).is_ok());
    for bad in [-1.0, 0.5, f64::NAN, 9007199254740992.0] {
      assert!(
        matches!(check_max_bytes(bad), Err(Error::OutOfRange(_))),
        "{bad}"
      );
    }
  }

  #[test]
  fn headers_are_checked() {
    assert!(check_header("x-custom", "a value\twith tab").is_ok());
    let (_, value) = check_header("x-latin1", "café").unwrap();
    assert_eq!(value.as_bytes(), b"caf\xe9");
    for (name, value) in [
      ("bad name", "v"),
      ("", "v"),
      ("x", "line\nbreak"),
      ("x", "€"),
    ] {
      let err = check_header(name, value).unwrap_err();
      assert!(
        matches!(&err, Error::InvalidArgValue(m) if m.contains("options.headers[")),
        "{err}"
      );
    }
  }

  #[test]
  fn pem_must_hold_a_certificate() {
    assert!(matches!(
      check_pem("options.ca", "nope"),
      Err(Error::InvalidArgValue(_))
    ));
    assert!(matches!(
      check_pem("options.ca", ""),
      Err(Error::InvalidArgValue(_))
    ));
  }
}
