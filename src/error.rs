//! The one error type of mylib, and its single conversion into a JS error.
//!
//! Each variant chooses its JS class and its stable `code` here, nowhere else: caller mistakes
//! use Node core's own codes (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`, `ERR_OUT_OF_RANGE`)
//! so Node users can branch on them; runtime failures are plain `Error`s.

use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{Env, JsError, JsRangeError, JsTypeError, JsValue, Unknown};

/// Everything that can go wrong in mylib.
#[derive(Debug, thiserror::Error)]
pub enum Error {
  /// An argument has the wrong JS type. `TypeError`, `ERR_INVALID_ARG_TYPE`.
  #[error("{0}")]
  InvalidArgType(String),
  /// An argument has the right type but an unusable value. `TypeError`, `ERR_INVALID_ARG_VALUE`.
  #[error("{0}")]
  InvalidArgValue(String),
  /// A number (argument or result) is out of range. `RangeError`, `ERR_OUT_OF_RANGE`.
  #[error("{0}")]
  OutOfRange(String),
  /// A class constructor called without `new`. `TypeError`, `ERR_CONSTRUCT_CALL_REQUIRED`.
  #[error("{0}")]
  ConstructCallRequired(String),
  /// A method or getter called on a receiver of the wrong class. `TypeError`, `ERR_INVALID_THIS`.
  #[error("{0}")]
  InvalidThis(String),
  /// A result string would exceed the engine's maximum length. `RangeError`, `ERR_STRING_TOO_LONG`.
  #[error("{0}")]
  StringTooLong(String),
  /// A URL that does not parse. `TypeError`, `ERR_INVALID_URL`, with the offending `input`.
  #[error("{message}")]
  InvalidUrl { message: String, input: String },
  /// A URL whose scheme is not http or https. `TypeError`, `ERR_INVALID_URL_SCHEME`.
  #[error("{0}")]
  InvalidUrlScheme(String),
  /// The server answered with a non-2xx status. `Error`, `ERR_HTTP_STATUS`, with numeric `status`.
  #[error("{message}")]
  HttpStatus { message: String, status: u16 },
  /// The response body exceeded the size limit. `Error`, `ERR_BODY_TOO_LARGE`.
  #[error("{0}")]
  BodyTooLarge(String),
  /// Too many redirects. `Error`, `ERR_TOO_MANY_REDIRECTS`.
  #[error("{0}")]
  TooManyRedirects(String),
  /// The request was aborted through its `AbortSignal`. `Error` named `AbortError`,
  /// `ABORT_ERR`; `fetchData` sets the signal's reason as `cause`.
  #[error("{0}")]
  Aborted(String),
  /// A certificate the TLS verifier refused. `Error`, `ERR_TLS_CERT`.
  #[error("{0}")]
  TlsCert(String),
  /// The request did not finish in time. `Error` named `TimeoutError`, `ETIMEDOUT`.
  #[error("{0}")]
  Timeout(String),
  /// A network failure, with the system-style code Node uses for it.
  #[error("{message}")]
  Network { code: NetworkCode, message: String },
  /// A JS exception raised while reading an argument (a throwing getter, a Proxy trap) or a
  /// Node-API failure; it reaches the caller unchanged.
  #[error(transparent)]
  Js(#[from] napi::Error),
}

/// The network failure codes `fetchData` distinguishes, named as Node names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkCode {
  /// The server actively refused the connection.
  ConnectionRefused,
  /// The host name did not resolve.
  NotFound,
  /// The connection was reset or closed before a complete response arrived.
  ConnectionReset,
  /// Any other transport failure (TLS, protocol, I/O).
  Other,
}

impl NetworkCode {
  /// The stable `code` string.
  pub fn as_str(self) -> &'static str {
    match self {
      NetworkCode::ConnectionRefused => "ECONNREFUSED",
      NetworkCode::NotFound => "ENOTFOUND",
      NetworkCode::ConnectionReset => "ECONNRESET",
      NetworkCode::Other => "ERR_NETWORK",
    }
  }
}

/// The JS constructor an error is created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsClass {
  Error,
  TypeError,
  RangeError,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
  /// `TypeError` `ERR_INVALID_ARG_TYPE`, in Node's wording:
  /// `greet: The "name" argument must be of type string. Received type number (1)`.
  pub fn arg_type(func: &str, arg: &str, expected: &str, received: &str) -> Self {
    Error::InvalidArgType(format!(
      "{func}: The \"{arg}\" argument must be {expected}. Received {received}"
    ))
  }

  /// `TypeError` `ERR_INVALID_ARG_VALUE`:
  /// `createUser: The argument 'name' must not be blank. Received '  '`.
  pub fn arg_value(func: &str, arg: &str, reason: &str, received: &str) -> Self {
    Error::InvalidArgValue(format!(
      "{func}: The argument '{arg}' {reason}. Received {received}"
    ))
  }

  /// `RangeError` `ERR_OUT_OF_RANGE`, in Node's wording:
  /// `sum: The value of "numbers[2]" is out of range. It must be an integer. Received 1.5`.
  pub fn out_of_range(func: &str, what: &str, range: &str, received: &str) -> Self {
    Error::OutOfRange(format!(
      "{func}: The value of \"{what}\" is out of range. It must be {range}. Received {received}"
    ))
  }

  /// The stable `code` property, or `None` for an error that already is a JS value.
  pub fn code(&self) -> Option<&'static str> {
    Some(match self {
      Error::InvalidArgType(_) => "ERR_INVALID_ARG_TYPE",
      Error::InvalidArgValue(_) => "ERR_INVALID_ARG_VALUE",
      Error::OutOfRange(_) => "ERR_OUT_OF_RANGE",
      Error::ConstructCallRequired(_) => "ERR_CONSTRUCT_CALL_REQUIRED",
      Error::InvalidThis(_) => "ERR_INVALID_THIS",
      Error::StringTooLong(_) => "ERR_STRING_TOO_LONG",
      Error::InvalidUrl { .. } => "ERR_INVALID_URL",
      Error::InvalidUrlScheme(_) => "ERR_INVALID_URL_SCHEME",
      Error::HttpStatus { .. } => "ERR_HTTP_STATUS",
      Error::BodyTooLarge(_) => "ERR_BODY_TOO_LARGE",
      Error::TooManyRedirects(_) => "ERR_TOO_MANY_REDIRECTS",
      Error::Timeout(_) => "ETIMEDOUT",
      Error::Aborted(_) => "ABORT_ERR",
      Error::TlsCert(_) => "ERR_TLS_CERT",
      Error::Network { code, .. } => code.as_str(),
      Error::Js(_) => return None,
    })
  }

  /// The JS class this error is thrown as.
  pub fn js_class(&self) -> JsClass {
    match self {
      Error::InvalidArgType(_)
      | Error::InvalidArgValue(_)
      | Error::ConstructCallRequired(_)
      | Error::InvalidThis(_)
      | Error::InvalidUrl { .. }
      | Error::InvalidUrlScheme(_) => JsClass::TypeError,
      Error::OutOfRange(_) | Error::StringTooLong(_) => JsClass::RangeError,
      _ => JsClass::Error,
    }
  }

  /// Builds the JS error object (class, `code`, `message` and any extra fields) and wraps it
  /// so napi-rs throws or rejects with exactly that object. Must run on the JS thread.
  pub fn into_napi(self, env: &Env) -> napi::Error {
    match self.into_js(env) {
      Ok(object) => napi::Error::from(object.to_unknown()),
      Err(err) => err,
    }
  }

  /// Builds the JS error object: class, `code`, `message` and the variant's extra fields.
  /// `Error::Js` (already a JS value) comes back as the `Err`.
  pub fn into_js(self, env: &Env) -> napi::Result<Object<'_>> {
    let Some(code) = self.code() else {
      return Err(match self {
        Error::Js(inner) => inner,
        other => napi::Error::from_reason(other.to_string()),
      });
    };
    let class = self.js_class();
    let message = self.to_string();
    let plain = napi::Error::new(code, message.clone());
    // SAFETY: `env` is the live environment of the current JS thread.
    let raw = unsafe {
      match class {
        JsClass::Error => JsError::from(plain).into_value(env.raw()),
        JsClass::TypeError => JsTypeError::from(plain).into_value(env.raw()),
        JsClass::RangeError => JsRangeError::from(plain).into_value(env.raw()),
      }
    };
    if raw.is_null() {
      // The environment is shutting down and cannot build objects; nobody will see this.
      return Err(napi::Error::from_reason(message));
    }
    let mut object = Object::from_raw(env.raw(), raw);
    match self {
      Error::HttpStatus { status, .. } => object.set_named_property("status", status)?,
      Error::InvalidUrl { input, .. } => object.set_named_property("input", input)?,
      Error::Timeout(_) => object.set_named_property("name", "TimeoutError")?,
      Error::Aborted(_) => object.set_named_property("name", "AbortError")?,
      _ => {}
    }
    Ok(object)
  }
}

/// Converts a mylib result into a napi-rs result, building the JS error on the JS thread.
pub trait IntoNapi<T> {
  fn into_napi(self, env: &Env) -> napi::Result<T>;
}

impl<T> IntoNapi<T> for Result<T> {
  fn into_napi(self, env: &Env) -> napi::Result<T> {
    self.map_err(|err| err.into_napi(env))
  }
}

/// Wraps a pending JS exception (if any) so it reaches the caller unchanged, or passes on
/// the Node-API failure itself.
pub fn take_exception(env: &Env, fallback: napi::Error) -> napi::Error {
  let mut pending = false;
  // SAFETY: plain Node-API queries on the current thread's live environment.
  unsafe {
    if napi::sys::napi_is_exception_pending(env.raw(), &mut pending) != napi::sys::Status::napi_ok
      || !pending
    {
      return fallback;
    }
    let mut exception = std::ptr::null_mut();
    if napi::sys::napi_get_and_clear_last_exception(env.raw(), &mut exception)
      != napi::sys::Status::napi_ok
    {
      return fallback;
    }
    napi::Error::from(Unknown::from_raw_unchecked(env.raw(), exception))
  }
}

/// Formats a number exactly as JavaScript's `String(n)` does, for error messages.
pub fn fmt_number(n: f64) -> String {
  if n.is_nan() {
    return "NaN".into();
  }
  if n.is_infinite() {
    return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
  }
  if n == 0.0 {
    return "0".into();
  }
  let magnitude = n.abs();
  if (1e-6..1e21).contains(&magnitude) {
    // Rust's shortest round-trip digits are the same as JS's; only the notation differs.
    return format!("{n}");
  }
  let exp = format!("{n:e}");
  match exp.split_once('e') {
    Some((mantissa, power)) if !power.starts_with('-') => format!("{mantissa}e+{power}"),
    _ => exp,
  }
}

/// Formats a string the way Node's error messages quote one: `'abc'`, cut after 25 characters.
pub fn fmt_string(s: &str) -> String {
  const LIMIT: usize = 25;
  let mut chars = s.chars();
  let head: String = chars.by_ref().take(LIMIT).collect();
  if chars.next().is_some() {
    format!("'{head}...'")
  } else {
    format!("'{head}'")
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn numbers_format_like_js() {
    let cases = [
      (1.5, "1.5"),
      (-3.0, "-3"),
      (0.1, "0.1"),
      (-0.0, "0"),
      (1e21, "1e+21"),
      (123456789012345680000.0, "123456789012345680000"),
      (1.7976931348623157e308, "1.7976931348623157e+308"),
      (1e-7, "1e-7"),
      (1.5e-7, "1.5e-7"),
      (0.000001, "0.000001"),
      (4294967296.0, "4294967296"),
      (5e-324, "5e-324"),
      (f64::NAN, "NaN"),
      (f64::INFINITY, "Infinity"),
      (f64::NEG_INFINITY, "-Infinity"),
    ];
    for (n, js) in cases {
      assert_eq!(fmt_number(n), js, "String({n:?})");
    }
  }

  #[test]
  fn strings_are_quoted_and_cut() {
    assert_eq!(fmt_string(""), "''");
    assert_eq!(fmt_string("abc"), "'abc'");
    assert_eq!(fmt_string(&"x".repeat(25)), format!("'{}'", "x".repeat(25)));
    assert_eq!(
      fmt_string(&"x".repeat(26)),
      format!("'{}...'", "x".repeat(25))
    );
  }

  #[test]
  fn classes_and_codes() {
    let err = Error::arg_type("f", "x", "of type string", "undefined");
    assert_eq!(err.code(), Some("ERR_INVALID_ARG_TYPE"));
    assert_eq!(err.js_class(), JsClass::TypeError);
    assert_eq!(
      err.to_string(),
      "f: The \"x\" argument must be of type string. Received undefined"
    );
    let err = Error::out_of_range("f", "x", "an integer", "1.5");
    assert_eq!(err.code(), Some("ERR_OUT_OF_RANGE"));
    assert_eq!(err.js_class(), JsClass::RangeError);
    let err = Error::Network {
      code: NetworkCode::ConnectionRefused,
      message: "m".into(),
    };
    assert_eq!(err.code(), Some("ECONNREFUSED"));
    assert_eq!(err.js_class(), JsClass::Error);
  }
}
