//! `fetchData`: an HTTP GET on the shared tokio runtime that resolves with the body as text.

mod abort;
mod options;
mod teardown;

use std::ptr;
use std::sync::Arc;

use mylib_core::fetch::{FetchOptions as CoreOptions, Url};
use napi::bindgen_prelude::PromiseRaw;
use napi::{check_status, sys, Env, JsValue, Unknown};
use tokio::sync::Notify;

use crate::error::Error;
use crate::greet::MAX_STRING_LENGTH;
pub use options::FetchOptions;

/// Fetches `url` with an HTTP/1.1 GET (as Node's `fetch` does; HTTP/2 is not negotiated) and
/// resolves with the response body as text, decoded by the charset of `Content-Type` (UTF-8 by
/// default) after undoing its gzip, brotli or deflate codings as Node's `fetch` does. Runs off
/// the event loop, on one connection pool for the process; follows up to 20 redirects, never
/// sending a `Referer`, nor your `Authorization`, `Cookie`, `Proxy-Authorization` or `Host` to
/// another origin; verifies TLS certificates against Mozilla's roots, `NODE_EXTRA_CA_CERTS` and
/// `options.ca` (a trusted self-signed certificate included).
///
/// It never throws: every failure, a bad argument included, is a rejection.
///
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `url` is not a string, `options` is not an
/// object, or an option has the wrong type.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `timeoutMs` or `maxBytes` is out of range.
/// @throws {TypeError} `ERR_INVALID_ARG_VALUE` for an invalid header name or value, a header
/// that controls the connection, or a `ca` without PEM certificates.
/// @throws {TypeError} `ERR_INVALID_URL` when `url`, or a redirect's `Location`, does not parse
/// (the error has `input`, without a password).
/// @throws {TypeError} `ERR_INVALID_URL_SCHEME` when the scheme (or a redirect's) is not http(s).
/// @throws {Error} `ERR_HTTP_STATUS` for a non-2xx response (the error has numeric `status`).
/// @throws {Error} `ETIMEDOUT` (named `TimeoutError`) when `timeoutMs` passes.
/// @throws {Error} `ABORT_ERR` (named `AbortError`, `cause` = `signal.reason`) on abort.
/// @throws {Error} `ERR_BODY_TOO_LARGE` when the decoded body exceeds `maxBytes`.
/// @throws {Error} `ERR_TOO_MANY_REDIRECTS` after 20 redirects.
/// @throws {RangeError} `ERR_STRING_TOO_LONG` when the body is longer than the longest string
/// (possible only with a raised `maxBytes`).
/// @throws {Error} `ERR_TLS_CERT` when the server's certificate is not trusted, expired or not
/// valid for its host name, with the reason in words.
/// @throws {Error} `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, or `ERR_NETWORK` for any other
/// network failure (a corrupt encoded body, a redirect to a URL with credentials), with the
/// underlying reason in the message.
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
  let (url, request, watch) = match start(env, &url, &options)? {
    Ok(started) => started,
    Err(reason) => return Ok(PromiseRaw::new(env.raw(), rejected(env, reason)?.raw())),
  };
  let (trigger, link) = watch.unzip();
  let torn_down = teardown::watch(env)?;
  env.spawn_future_with_callback(
    async move {
      // A request outlives neither its thread nor its environment (see `teardown`).
      // (No JS sees the error of a torn-down environment: there is none left.)
      Ok(tokio::select! {
        biased;
        () = teardown::closed(torn_down) => Err(mylib_core::Error::Aborted),
        outcome = fetch_or_abort(url, request, trigger) => outcome,
      })
    },
    move |env, outcome| {
      let aborted = matches!(outcome, Err(mylib_core::Error::Aborted));
      let abort_error = match link {
        Some(link) => link.release(env, aborted)?,
        None => None,
      };
      match (outcome, abort_error) {
        (_, Some(abort_error)) => rejected(env, abort_error),
        (Ok(body), None) => match fits_in_a_string(&body) {
          Ok(()) => Ok(env.create_string(&body)?.to_unknown()),
          Err(err) => rejected(env, Error::Core(err).into_js(env)?),
        },
        (Err(err), None) => rejected(env, Error::Core(err).into_js(env)?),
      }
    },
  )
}

/// The trigger a request waits on, and the listener to release when it settles.
type Watch = (Arc<Notify>, abort::Link);

/// A request read from the arguments: where, how, and what to watch for an abort.
type Started = (Url, CoreOptions, Option<Watch>);

/// Reads the arguments and, when there is a signal, starts watching it. The inner `Err` is the
/// JS value to reject with (an argument error, the caller's own exception, or an `AbortError`
/// for a signal that was aborted already).
fn start<'env>(
  env: &'env Env,
  url: &Unknown<'env>,
  options: &Unknown<'env>,
) -> napi::Result<std::result::Result<Started, Unknown<'env>>> {
  let watched = options::read(env, url, options).and_then(|(url, request, signal)| {
    let Some(signal) = signal else {
      return Ok(Ok((url, request, None)));
    };
    if abort::is_aborted(env, &signal)? {
      return Ok(Err(signal));
    }
    Ok(Ok((url, request, Some(abort::watch(env, &signal)?))))
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

/// Refuses a body longer than the longest JS string (possible only with a raised `maxBytes`),
/// which Node-API would otherwise fail to create with no message.
fn fits_in_a_string(body: &str) -> mylib_core::Result<()> {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so most bodies need no count.
  if body.len() <= MAX_STRING_LENGTH {
    return Ok(());
  }
  let length = body.encode_utf16().count();
  if length <= MAX_STRING_LENGTH {
    return Ok(());
  }
  Err(mylib_core::Error::StringTooLong {
    func: mylib_core::Func::FetchData,
    length,
    max: MAX_STRING_LENGTH,
  })
}

/// Runs a request until it settles or `trigger` fires (which drops it, and its connection).
async fn fetch_or_abort(
  url: Url,
  request: CoreOptions,
  trigger: Option<Arc<Notify>>,
) -> mylib_core::Result<String> {
  let Some(trigger) = trigger else {
    return mylib_core::fetch(url, request).await;
  };
  tokio::select! {
    biased;
    () = trigger.notified() => Err(mylib_core::Error::Aborted),
    outcome = mylib_core::fetch(url, request) => outcome,
  }
}
