//! `fetchData`: an HTTP GET on the shared tokio runtime that resolves with the body as text.

use std::error::Error as StdError;
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Unknown, ValueType};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;

use crate::arg;
use crate::error::{fmt_string, Error, IntoNapi, NetworkCode, Result};

const FUNC: &str = "fetchData";

/// The default bound on a whole request, body included, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// The largest body `fetchData` reads, in bytes (32 MiB); a larger one is refused.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// Redirects followed before giving up, as Node's `fetch` does.
pub const MAX_REDIRECTS: usize = 20;

/// Options for `fetchData`.
#[napi(object, object_to_js = false)]
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FetchOptions {
  /// A bound on the whole request, body included, in milliseconds: an integer in
  /// 1..=4294967295. When it passes, the promise rejects with `ETIMEDOUT`.
  /// @default 30000
  pub timeout_ms: Option<u32>,
}

impl FetchOptions {
  /// The request timeout, with the default resolved.
  pub fn timeout(&self) -> Duration {
    Duration::from_millis(u64::from(self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)))
  }
}

/// A validated request, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
  pub url: Url,
  pub options: FetchOptions,
}

/// Parses and checks a URL: WHATWG parsing, http and https only.
pub fn parse_url(input: &str) -> Result<Url> {
  let url = Url::parse(input).map_err(|err| Error::InvalidUrl {
    message: format!("{FUNC}: Invalid URL {}: {err}", fmt_string(input)),
    input: input.to_string(),
  })?;
  if !matches!(url.scheme(), "http" | "https") {
    return Err(Error::InvalidUrlScheme(format!(
      "{FUNC}: The URL must be of scheme http or https. Received {}",
      fmt_string(&format!("{}:", url.scheme()))
    )));
  }
  Ok(url)
}

/// Checks `options.timeoutMs`: an integer in 1..=4294967295.
pub fn check_timeout(ms: f64) -> Result<u32> {
  let n = arg::integer_in(FUNC, "options.timeoutMs", ms, 1, u32::MAX.into())?;
  // Within the u32 bounds just checked.
  Ok(n as u32)
}

/// Fetches `url` with an HTTP GET and resolves with the response body as text, decoded by the
/// charset of `Content-Type` (UTF-8 by default). Runs off the event loop on a shared connection
/// pool. It never throws: every failure is a rejection.
///
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `url` is not a string or `options` is not an
/// object (or `options.timeoutMs` is not a number).
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `options.timeoutMs` is not an integer in
/// 1..=4294967295.
/// @throws {TypeError} `ERR_INVALID_URL` when `url` does not parse (the error has `input`).
/// @throws {TypeError} `ERR_INVALID_URL_SCHEME` when the scheme is not http or https.
/// @throws {Error} `ERR_HTTP_STATUS` for a non-2xx response (the error has numeric `status`).
/// @throws {Error} `ETIMEDOUT` (named `TimeoutError`) when `timeoutMs` passes.
/// @throws {Error} `ERR_BODY_TOO_LARGE` when the body exceeds 32 MiB.
/// @throws {Error} `ERR_TOO_MANY_REDIRECTS` after 20 redirects.
/// @throws {Error} `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, or `ERR_NETWORK` for any other
/// network failure, with the underlying reason in the message.
#[napi(
  catch_unwind,
  ts_args_type = "url: string, options?: FetchOptions",
  ts_return_type = "Promise<string>"
)]
pub fn fetch_data<'env>(
  env: &'env Env,
  url: Unknown<'env>,
  options: Unknown<'env>,
) -> napi::Result<PromiseRaw<'env, String>> {
  // Argument problems are found here, on the JS thread, but still arrive as a rejection.
  let request = read_request(env, &url, &options).map_err(|err| err.into_napi(env));
  env.spawn_future_with_callback(async move { Ok(fetch(request?).await) }, |env, outcome| {
    outcome.into_napi(env)
  })
}

fn read_request(env: &Env, url: &Unknown, options: &Unknown) -> Result<Request> {
  let url = parse_url(&arg::expect_string(FUNC, "url", url)?)?;
  let options = read_options(env, options)?;
  Ok(Request { url, options })
}

fn read_options(env: &Env, options: &Unknown) -> Result<FetchOptions> {
  if arg::type_of(options)? == ValueType::Undefined {
    return Ok(FetchOptions::default());
  }
  if !arg::is_options_object(options)? {
    return Err(Error::arg_type(
      FUNC,
      "options",
      "of type object",
      &arg::describe(options),
    ));
  }
  let timeout = arg::property(env, options, "timeoutMs")?;
  let timeout_ms = match arg::type_of(&timeout)? {
    ValueType::Undefined => None,
    _ => Some(check_timeout(arg::expect_number(
      FUNC,
      "options.timeoutMs",
      &timeout,
    )?)?),
  };
  Ok(FetchOptions { timeout_ms })
}

/// Performs a request within its timeout.
pub async fn fetch(request: Request) -> Result<String> {
  let timeout = request.options.timeout();
  let url = request.url.clone();
  match tokio::time::timeout(timeout, get(request.url)).await {
    Ok(outcome) => outcome,
    Err(_) => Err(Error::Timeout(format!(
      "{FUNC}: GET {url} timed out after {} ms",
      timeout.as_millis()
    ))),
  }
}

async fn get(url: Url) -> Result<String> {
  let context = url.to_string();
  let network = |err: reqwest::Error| network_error(&context, &err);
  let mut response = shared_client()?
    .get(url.clone())
    .send()
    .await
    .map_err(network)?;
  let status = response.status();
  if !status.is_success() {
    return Err(Error::HttpStatus {
      message: format!("{FUNC}: GET {context} responded with {status}"),
      status: status.as_u16(),
    });
  }
  let charset = response
    .headers()
    .get(reqwest::header::CONTENT_TYPE)
    .and_then(|value| value.to_str().ok())
    .and_then(|value| value.parse::<mime::Mime>().ok())
    .and_then(|mime| mime.get_param(mime::CHARSET).map(|c| c.as_str().to_owned()));
  if response
    .content_length()
    .is_some_and(|len| len > MAX_BODY_BYTES as u64)
  {
    return Err(body_too_large(&context));
  }
  let mut body = Vec::new();
  while let Some(chunk) = response.chunk().await.map_err(network)? {
    if body.len() + chunk.len() > MAX_BODY_BYTES {
      return Err(body_too_large(&context));
    }
    body.extend_from_slice(&chunk);
  }
  Ok(decode(&body, charset.as_deref()))
}

fn body_too_large(context: &str) -> Error {
  Error::BodyTooLarge(format!(
    "{FUNC}: GET {context}: the response body exceeds the limit of {MAX_BODY_BYTES} bytes"
  ))
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

static CLIENT: Mutex<Option<reqwest::Client>> = Mutex::new(None);

/// The process-wide client: one connection pool shared by every call.
fn shared_client() -> Result<reqwest::Client> {
  let mut slot = CLIENT.lock().unwrap_or_else(PoisonError::into_inner);
  if let Some(client) = slot.as_ref() {
    return Ok(client.clone());
  }
  let client = reqwest::Client::builder()
    .user_agent(concat!("mylib/", env!("CARGO_PKG_VERSION")))
    .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
    .dns_resolver(std::sync::Arc::new(TaggingResolver))
    .build()
    .map_err(|err| Error::Network {
      code: NetworkCode::Other,
      message: format!("{FUNC}: cannot create the HTTP client: {}", chain(&err)),
    })?;
  *slot = Some(client.clone());
  Ok(client)
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
        Ok(addrs) => {
          if addrs.is_empty() {
            let source = std::io::Error::new(std::io::ErrorKind::NotFound, "no addresses");
            return Err(Box::new(DnsError { host, source }) as _);
          }
          Ok(Box::new(addrs.into_iter()) as Addrs)
        }
        Err(source) => Err(Box::new(DnsError { host, source }) as _),
      }
    })
  }
}

/// Maps a transport error to Node's code for it, keeping the underlying reason.
fn network_error(context: &str, err: &reqwest::Error) -> Error {
  let reason = chain(err);
  if err.is_redirect() {
    return Error::TooManyRedirects(format!(
      "{FUNC}: GET {context}: more than {MAX_REDIRECTS} redirects ({reason})"
    ));
  }
  let code = classify(err);
  Error::Network {
    code,
    message: format!("{FUNC}: GET {context} failed ({}): {reason}", code.as_str()),
  }
}

fn classify(err: &(dyn StdError + 'static)) -> NetworkCode {
  let mut cause: Option<&(dyn StdError + 'static)> = Some(err);
  while let Some(current) = cause {
    if current.is::<DnsError>() {
      return NetworkCode::NotFound;
    }
    if let Some(io) = current.downcast_ref::<std::io::Error>() {
      match io.kind() {
        std::io::ErrorKind::ConnectionRefused => return NetworkCode::ConnectionRefused,
        std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::BrokenPipe
        | std::io::ErrorKind::UnexpectedEof => return NetworkCode::ConnectionReset,
        _ => {}
      }
    }
    if current
      .downcast_ref::<hyper::Error>()
      .is_some_and(|e| e.is_incomplete_message() || e.is_closed())
    {
      return NetworkCode::ConnectionReset;
    }
    cause = current.source();
  }
  NetworkCode::Other
}

/// The messages of an error and its sources, without reqwest's "error sending request for url"
/// wrapper (the URL is already in our message), joined by ": ".
fn chain(err: &(dyn StdError + 'static)) -> String {
  let mut parts: Vec<String> = Vec::new();
  let mut cause: Option<&(dyn StdError + 'static)> = Some(err);
  while let Some(current) = cause {
    let text = current.to_string();
    if !text.starts_with("error sending request")
      && !text.starts_with("error decoding response body")
      && !parts.iter().any(|seen| seen.contains(&text))
    {
      parts.push(text);
    }
    cause = current.source();
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
    assert_eq!(FetchOptions::default().timeout(), Duration::from_secs(30));
  }

  #[test]
  fn bodies_decode_by_charset() {
    assert_eq!(decode("héllo".as_bytes(), None), "héllo");
    assert_eq!(decode(b"h\xe9llo", Some("ISO-8859-1")), "héllo");
    assert_eq!(decode(b"h\xe9llo", Some("utf-8")), "h\u{fffd}llo");
    assert_eq!(decode("héllo".as_bytes(), Some("no-such-charset")), "héllo");
    assert_eq!(decode(b"\xef\xbb\xbfbom", Some("latin1")), "bom");
  }

  #[test]
  fn errors_are_classified_through_the_source_chain() {
    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);
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
}
