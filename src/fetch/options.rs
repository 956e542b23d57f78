//! Reading `fetchData`'s arguments into the core's URL and options, each checked as it is read.

use mylib_core::fetch::{parse_url, FetchOptions as CoreOptions, Url};
use mylib_core::{Argument, Error as CoreError, Expected, Func, Invalid, Param, Received};
use napi::bindgen_prelude::FromNapiValue;
use napi::{Env, JsValue, Unknown, ValueType};

use crate::arg;
use crate::error::Result;

fn arg(param: Param) -> Argument {
  Argument::new(Func::FetchData, param)
}

/// Options for `fetchData`, as read from the caller's object: each property once, in this
/// order (a getter runs once; one that throws rejects with its exception), `undefined` being
/// absent. Every field is then validated as the core reads it: a wrong type is a `TypeError`
/// (`ERR_INVALID_ARG_TYPE`, `null` included), a bad value an `ERR_INVALID_ARG_VALUE` or
/// `ERR_OUT_OF_RANGE`, and either arrives as a rejection.
#[napi(object, object_to_js = false)]
pub struct FetchOptions<'env> {
  /// A bound on the whole request, body included, in milliseconds: an integer in
  /// 1..=4294967295. When it passes, the promise rejects with `ETIMEDOUT`.
  /// @default 30000
  #[napi(ts_type = "number")]
  pub timeout_ms: Option<Unknown<'env>>,
  /// A limit on the decoded body in bytes, an integer in 0..=Number.MAX_SAFE_INTEGER. A larger
  /// body, announced or streamed, rejects with `ERR_BODY_TOO_LARGE` as soon as it is seen.
  /// @default 33554432 (32 MiB)
  #[napi(ts_type = "number")]
  pub max_bytes: Option<Unknown<'env>>,
  /// Request headers, as `fetch` takes them: a record, a `Headers`, a `Map` or an array of
  /// `[name, value]` pairs. Values are trimmed and names that differ only in case combined, as
  /// `Headers` does (`User-Agent: mylib/<version>` unless you set one). `content-length` and
  /// `connection: keep-alive` are left off (the client frames the message); `connection: close`
  /// is honoured; `transfer-encoding`, `keep-alive`, `upgrade` and `expect` reject with
  /// `ERR_INVALID_ARG_VALUE`, as does an invalid name or value. `Authorization`, `Cookie`,
  /// `Proxy-Authorization` and `Host` are not sent on after a redirect to another origin.
  #[napi(
    ts_type = "Record<string, string> | Headers | Map<string, string> | Array<[string, string]>"
  )]
  pub headers: Option<Unknown<'env>>,
  /// Extra PEM certificates to trust for this call, besides Mozilla's roots and
  /// `NODE_EXTRA_CA_CERTS`.
  #[napi(ts_type = "string | string[]")]
  pub ca: Option<Unknown<'env>>,
  /// Aborts the request: the promise rejects with an `AbortError` (`ABORT_ERR`) whose `cause`
  /// is `signal.reason`, and the connection is dropped. An already-aborted signal sends nothing.
  /// Your own listeners and `onabort` on the signal are left alone.
  #[napi(ts_type = "AbortSignal")]
  pub signal: Option<Unknown<'env>>,
}

/// Reads `url` and `options` into the core's request, plus the `AbortSignal` if one was given.
pub fn read<'env>(
  env: &'env Env,
  url: &Unknown<'env>,
  options: &Unknown<'env>,
) -> Result<(Url, CoreOptions, Option<Unknown<'env>>)> {
  let url = parse_url(&arg::expect_string(arg(Param::Url), url)?)?;
  let mut request = CoreOptions::default();
  if arg::type_of(options)? == ValueType::Undefined {
    return Ok((url, request, None));
  }
  if !arg::is_options_object(options)? {
    return Err(arg::type_error(
      arg(Param::Options),
      Expected::Object,
      options,
    ));
  }
  // SAFETY: `options` is a live object of this environment.
  let given = unsafe { FetchOptions::from_napi_value(env.raw(), options.raw()) }
    .map_err(|err| arg::failure(env, err.status.into(), "reading the options"))?;
  if let Some(ms) = given.timeout_ms {
    request.timeout_ms(arg::expect_number(arg(Param::Timeout), &ms)?)?;
  }
  if let Some(bytes) = given.max_bytes {
    request.max_bytes_f64(arg::expect_number(arg(Param::MaxBytes), &bytes)?)?;
  }
  if let Some(headers) = given.headers {
    read_headers(env, &headers, &mut request)?;
  }
  if let Some(ca) = given.ca {
    read_ca(env, &ca, &mut request)?;
  }
  let signal = match given.signal {
    Some(signal) if arg::is_instance_of_global(env, &signal, "AbortSignal")? => Some(signal),
    Some(other) => {
      return Err(arg::type_error(
        arg(Param::Signal),
        Expected::AbortSignal,
        &other,
      ))
    }
    None => None,
  };
  Ok((url, request, signal))
}

fn read_headers(env: &Env, headers: &Unknown, request: &mut CoreOptions) -> Result<()> {
  if arg::type_of(headers)? != ValueType::Object {
    return Err(arg::type_error(
      arg(Param::Headers),
      Expected::Headers,
      headers,
    ));
  }
  // As `fetch` reads a `HeadersInit`: an iterable (an array, a `Headers`, a `Map`) is a sequence
  // of `[name, value]` pairs, any other object a record.
  if arg::is_iterable(env, headers)? {
    return read_pairs(env, &arg::array_from(env, headers)?, request);
  }
  for name in arg::own_keys(env, headers)? {
    if name.contains('\0') {
      // No HTTP field name holds NUL (nor can Node-API read such a property by name).
      let received = Received::String(name.clone());
      let arg = arg(Param::Header(name));
      return Err(CoreError::arg_value(arg, Invalid::HeaderName, received).into());
    }
    let value = arg::property(env, headers, &name)?;
    let value = arg::expect_string(arg(Param::Header(name.clone())), &value)?;
    request.header(&name, &value)?;
  }
  Ok(())
}

/// Reads an array of `[name, value]` pairs (an iterable's entries, copied by `Array.from`).
fn read_pairs(env: &Env, pairs: &Unknown, request: &mut CoreOptions) -> Result<()> {
  for (index, pair) in arg::elements(env, pairs)?.iter().enumerate() {
    let what = || Argument::element(Func::FetchData, Param::Headers, index as u64);
    let items = match arg::type_of(pair)? {
      ValueType::Object if pair.is_array()? => arg::elements(env, pair)?,
      _ => Vec::new(),
    };
    let [name, value] = items.as_slice() else {
      return Err(arg::type_error(what(), Expected::HeaderPair, pair));
    };
    let name = arg::expect_string(what(), name)?;
    let value = arg::expect_string(arg(Param::Header(name.clone())), value)?;
    request.header(&name, &value)?;
  }
  Ok(())
}

fn read_ca(env: &Env, ca: &Unknown, request: &mut CoreOptions) -> Result<()> {
  if arg::type_of(ca)? == ValueType::String {
    let pem = arg::expect_string(arg(Param::Ca), ca)?;
    return Ok(request.ca(None, pem)?);
  }
  if arg::type_of(ca)? != ValueType::Object || !ca.is_array()? {
    return Err(arg::type_error(
      arg(Param::Ca),
      Expected::StringOrStrings,
      ca,
    ));
  }
  for (index, item) in arg::elements(env, ca)?.iter().enumerate() {
    let index = index as u64;
    let what = Argument::element(Func::FetchData, Param::Ca, index);
    let pem = arg::expect_string(what, item)?;
    request.ca(Some(index), pem)?;
  }
  Ok(())
}
