//! `fetchData`: an HTTP GET on the shared tokio runtime that resolves with the body as text.

mod abort;
mod client;
mod options;
mod teardown;

use std::ptr;
use std::sync::Arc;

use napi::bindgen_prelude::PromiseRaw;
use napi::{check_status, sys, Env, JsValue, Unknown};
use tokio::sync::Notify;

use crate::error::{Error, Result};
pub use options::FetchOptions;
use options::Request;

const FUNC: &str = "fetchData";
/// Why a request ended when its environment was torn down (no JS sees it: there is none left).
const TORN_DOWN: &str = "fetchData: the request's JS environment was torn down";

/// Fetches `url` with an HTTP/1.1 GET (as Node's `fetch` does; HTTP/2 is not negotiated) and
/// resolves with the response body as text, decoded by the charset of `Content-Type` (UTF-8 by
/// default) after gzip, brotli or deflate decoding. Runs off the event loop, on one connection
/// pool for the process; follows up to 20 redirects; verifies TLS certificates against Mozilla's
/// roots, `NODE_EXTRA_CA_CERTS` and `options.ca`.
///
/// It never throws: every failure, a bad argument included, is a rejection.
///
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `url` is not a string, `options` is not an
/// object, or an option has the wrong type.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `timeoutMs` or `maxBytes` is out of range.
/// @throws {TypeError} `ERR_INVALID_ARG_VALUE` for an invalid header name or value, or a `ca`
/// without PEM certificates.
/// @throws {TypeError} `ERR_INVALID_URL` when `url` does not parse (the error has `input`).
/// @throws {TypeError} `ERR_INVALID_URL_SCHEME` when the scheme (or a redirect's) is not http(s).
/// @throws {Error} `ERR_HTTP_STATUS` for a non-2xx response (the error has numeric `status`).
/// @throws {Error} `ETIMEDOUT` (named `TimeoutError`) when `timeoutMs` passes.
/// @throws {Error} `ABORT_ERR` (named `AbortError`, `cause` = `signal.reason`) on abort.
/// @throws {Error} `ERR_BODY_TOO_LARGE` when the decoded body exceeds `maxBytes`.
/// @throws {Error} `ERR_TOO_MANY_REDIRECTS` after 20 redirects.
/// @throws {Error} `ERR_TLS_CERT` when the server's certificate is not trusted or not valid for
/// its host name, with the verifier's reason.
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
) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
  // Argument problems are found here, on the JS thread, but still arrive as a rejection.
  let (request, watch) = match start(env, &url, &options)? {
    Ok(started) => started,
    Err(reason) => return Ok(PromiseRaw::new(env.raw(), rejected(env, reason)?.raw())),
  };
  let (trigger, link) = watch.unzip();
  let torn_down = teardown::watch(env)?;
  env.spawn_future_with_callback(
    async move {
      // A request outlives neither its thread nor its environment (see `teardown`).
      Ok(tokio::select! {
        biased;
        () = teardown::closed(torn_down) => Err(Error::Aborted(TORN_DOWN.into())),
        outcome = fetch_or_abort(request, trigger) => outcome,
      })
    },
    move |env, outcome| {
      let aborted = matches!(outcome, Err(Error::Aborted(_)));
      let abort_error = match link {
        Some(link) => link.release(env, aborted)?,
        None => None,
      };
      match (outcome, abort_error) {
        (_, Some(abort_error)) => rejected(env, abort_error),
        (Ok(body), None) => Ok(env.create_string(&body)?.to_unknown()),
        (Err(err), None) => rejected(env, err.into_js(env)?),
      }
    },
  )
}

/// The trigger a request waits on, and the listener to release when it settles.
type Watch = (Arc<Notify>, abort::Link);

/// Reads the arguments and, when there is a signal, starts watching it. The inner `Err` is the
/// JS value to reject with (an argument error, the caller's own exception, or an `AbortError`
/// for a signal that was aborted already).
fn start<'env>(
  env: &'env Env,
  url: &Unknown<'env>,
  options: &Unknown<'env>,
) -> napi::Result<std::result::Result<(Request, Option<Watch>), Unknown<'env>>> {
  let watched = options::read(env, url, options).and_then(|(request, signal)| {
    let Some(signal) = signal else {
      return Ok(Ok((request, None)));
    };
    if abort::is_aborted(env, &signal)? {
      return Ok(Err(signal));
    }
    Ok(Ok((request, Some(abort::watch(env, &signal)?))))
  });
  match watched {
    Ok(Ok(started)) => Ok(Ok(started)),
    Ok(Err(aborted_signal)) => Ok(Err(abort::abort_error(env, &aborted_signal)?)),
    Err(err) => Ok(Err(err.into_js(env)?)),
  }
}

/// A promise already rejected with `reason`. Settling `fetchData`'s promise with it rejects that
/// promise with exactly `reason`, without napi-rs converting the value on the way.
fn rejected<'env>(env: &'env Env, reason: Unknown) -> napi::Result<Unknown<'env>> {
  let mut deferred = ptr::null_mut();
  let mut promise = ptr::null_mut();
  // SAFETY: plain Node-API calls on the live environment; the deferred is settled at once.
  unsafe {
    check_status!(sys::napi_create_promise(
      env.raw(),
      &mut deferred,
      &mut promise
    ))?;
    check_status!(sys::napi_reject_deferred(env.raw(), deferred, reason.raw()))?;
    Ok(Unknown::from_raw_unchecked(env.raw(), promise))
  }
}

/// Runs a request until it settles or `trigger` fires.
async fn fetch_or_abort(request: Request, trigger: Option<Arc<Notify>>) -> Result<String> {
  let Some(trigger) = trigger else {
    return fetch(request).await;
  };
  tokio::select! {
    biased;
    () = trigger.notified() => Err(Error::Aborted(abort::MESSAGE.into())),
    outcome = fetch(request) => outcome,
  }
}

/// Performs a request within its timeout. Dropping the future drops the connection.
pub async fn fetch(mut request: Request) -> Result<String> {
  let timeout = request.timeout;
  match tokio::time::timeout(timeout, get(&mut request)).await {
    Ok(outcome) => outcome,
    Err(_) => Err(Error::Timeout(format!(
      "{FUNC}: GET {} timed out after {} ms",
      display_url(&request.url),
      timeout.as_millis()
    ))),
  }
}

async fn get(request: &mut Request) -> Result<String> {
  // The URL as messages show it, made only for a message.
  let context = || display_url(&request.url);
  let network = |err: reqwest::Error| client::network_error(&context(), &err);
  let _slot = client::slot(&request.url).await;
  let mut response = client::client_for(&request.ca)?
    .get(request.url.clone())
    .headers(std::mem::take(&mut request.headers))
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
      options::check_scheme(&target)
        .map_err(|err| Error::InvalidUrlScheme(format!("{err} (redirected from {})", context())))?;
    }
  }
  if !status.is_success() {
    return Err(Error::HttpStatus {
      message: format!("{FUNC}: GET {} responded with {status}", context()),
      status: status.as_u16(),
    });
  }
  let charset = response
    .headers()
    .get(reqwest::header::CONTENT_TYPE)
    .and_then(|value| value.to_str().ok())
    .and_then(|value| value.parse::<mime::Mime>().ok())
    .and_then(|mime| mime.get_param(mime::CHARSET).map(|c| c.as_str().to_owned()));
  let limit = request.max_bytes;
  if response
    .content_length()
    .is_some_and(|len| len > limit as u64)
  {
    return Err(body_too_large(&context(), limit));
  }
  let mut body = Vec::new();
  while let Some(chunk) = response.chunk().await.map_err(network)? {
    if chunk.len() > limit - body.len() {
      return Err(body_too_large(&context(), limit));
    }
    body.extend_from_slice(&chunk);
  }
  Ok(decode(&body, charset.as_deref()))
}

/// A URL for messages: without the user name and password it may carry.
pub fn display_url(url: &reqwest::Url) -> String {
  let mut shown = url.clone();
  // Both fail only for URLs that cannot have credentials, which then have none to hide.
  let _ = shown.set_username("");
  let _ = shown.set_password(None);
  shown.to_string()
}

fn body_too_large(context: &str, limit: usize) -> Error {
  Error::BodyTooLarge(format!(
    "{FUNC}: GET {context}: the response body exceeds the limit of {limit} bytes"
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

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn messages_never_show_credentials() {
    let url = reqwest::Url::parse("http://user:s3cret@127.0.0.1:8080/path?q=1").unwrap();
    assert_eq!(display_url(&url), "http://127.0.0.1:8080/path?q=1");
  }

  #[test]
  fn bodies_decode_by_charset() {
    assert_eq!(decode("héllo".as_bytes(), None), "héllo");
    assert_eq!(decode(b"h\xe9llo", Some("ISO-8859-1")), "héllo");
    assert_eq!(decode(b"h\xe9llo", Some("utf-8")), "h\u{fffd}llo");
    assert_eq!(decode("héllo".as_bytes(), Some("no-such-charset")), "héllo");
    assert_eq!(decode(b"\xef\xbb\xbfbom", Some("latin1")), "bom");
  }
}
