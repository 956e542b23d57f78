//! The one error type of mylib, and its single conversion into a JS error.
//!
//! Each variant chooses its JS class and its stable `code` here, nowhere else: caller mistakes
//! use Node core's own codes (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`, `ERR_OUT_OF_RANGE`)
//! so Node users can branch on them; runtime failures are plain `Error`s.

use std::ptr;

use napi::{sys, Env, JsValue, Status, Unknown};

use crate::callback;

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

  /// Throws this error as a JS exception, for a synchronous export: returns the napi-rs error
  /// that tells napi-rs an exception is already pending. Must run on the JS thread.
  ///
  /// The object is thrown with `napi_throw` rather than wrapped with `napi::Error::from(Unknown)`:
  /// that conversion stringifies the value and recurses on the string's own errors, which
  /// overflows the stack when the JS stack is nearly full or the value's `toString` throws.
  pub fn into_napi(self, env: &Env) -> napi::Error {
    let message = self.to_string();
    match self.into_js(env) {
      Ok(value) => {
        // SAFETY: `value` is a live value of this environment.
        let status = unsafe { sys::napi_throw(env.raw(), value.raw()) };
        if status == sys::Status::napi_ok {
          napi::Error::new(Status::PendingException, message)
        } else {
          napi::Error::new(Status::from(status), message)
        }
      }
      Err(err) => err,
    }
  }

  /// The JS value to reject a promise with: the error object this variant describes, or, for
  /// `Error::Js`, the pending exception itself (cleared from the environment).
  pub fn into_js(self, env: &Env) -> napi::Result<Unknown<'_>> {
    self.into_js_with_cause(env, None)
  }

  /// [`Error::into_js`], with `cause` set as the error's `cause` property when given.
  pub fn into_js_with_cause<'env>(
    self,
    env: &'env Env,
    cause: Option<&Unknown>,
  ) -> napi::Result<Unknown<'env>> {
    let Some(code) = self.code() else {
      return match self {
        Error::Js(inner) => match pending_exception(env) {
          Some(exception) => Ok(exception),
          // A Node-API failure without an exception: an Error carrying its status as `code`.
          None => create(
            env,
            JsClass::Error,
            inner.status.as_ref(),
            &inner.reason,
            &[],
          ),
        },
        other => create(env, JsClass::Error, "ERR_INTERNAL", &other.to_string(), &[]),
      };
    };
    let message = self.to_string();
    let class = self.js_class();
    let mut extra = match &self {
      Error::HttpStatus { status, .. } => vec![("status", Extra::Number(f64::from(*status)))],
      Error::InvalidUrl { input, .. } => vec![("input", Extra::Text(input))],
      Error::Timeout(_) => vec![("name", Extra::Text("TimeoutError"))],
      Error::Aborted(_) => vec![("name", Extra::Text("AbortError"))],
      _ => vec![],
    };
    if let Some(cause) = cause {
      extra.push(("cause", Extra::Value(cause.raw())));
    }
    create(env, class, code, &message, &extra)
  }
}

/// An extra own property of an error object.
enum Extra<'a> {
  Number(f64),
  Text(&'a str),
  Value(sys::napi_value),
}

/// Creates `new <class>(message)` and defines `code` and the extra properties on it as own data
/// properties, the way an assignment in the constructor would, but without running setters
/// someone may have put on `Object.prototype` or `Error.prototype`.
fn create<'env>(
  env: &'env Env,
  class: JsClass,
  code: &str,
  message: &str,
  extra: &[(&str, Extra)],
) -> napi::Result<Unknown<'env>> {
  let raw_env = env.raw();
  let message = env.create_string(message)?.raw();
  let mut error = ptr::null_mut();
  // SAFETY: `message` is a live string; a null code makes Node-API set no property itself.
  let status = unsafe {
    match class {
      JsClass::Error => sys::napi_create_error(raw_env, ptr::null_mut(), message, &mut error),
      JsClass::TypeError => {
        sys::napi_create_type_error(raw_env, ptr::null_mut(), message, &mut error)
      }
      JsClass::RangeError => {
        sys::napi_create_range_error(raw_env, ptr::null_mut(), message, &mut error)
      }
    }
  };
  if status != sys::Status::napi_ok || error.is_null() {
    return Err(napi::Error::new(
      Status::from(status),
      "creating an error failed",
    ));
  }
  let mut names = Vec::with_capacity(extra.len() + 1);
  let mut values = Vec::with_capacity(extra.len() + 1);
  for (name, value) in std::iter::once(("code", &Extra::Text(code)))
    .chain(extra.iter().map(|(name, value)| (*name, value)))
  {
    names.push(std::ffi::CString::new(name).map_err(|_| napi::Error::from_reason("bad name"))?);
    values.push(match value {
      Extra::Number(n) => env.create_double(*n)?.raw(),
      Extra::Text(text) => env.create_string(text)?.raw(),
      Extra::Value(value) => *value,
    });
  }
  let descriptors: Vec<sys::napi_property_descriptor> = names
    .iter()
    .zip(&values)
    .map(|(name, &value)| callback::data_property(name, value))
    .collect();
  // SAFETY: `error` is a fresh object; the descriptors point at live names and values.
  let status =
    unsafe { sys::napi_define_properties(raw_env, error, descriptors.len(), descriptors.as_ptr()) };
  if status != sys::Status::napi_ok {
    return Err(napi::Error::new(
      Status::from(status),
      "defining error properties failed",
    ));
  }
  // SAFETY: `error` is a live object of this environment.
  Ok(unsafe { Unknown::from_raw_unchecked(raw_env, error) })
}

/// Converts a mylib result into a napi-rs result, throwing the JS error on the JS thread.
pub trait IntoNapi<T> {
  fn into_napi(self, env: &Env) -> napi::Result<T>;
}

impl<T> IntoNapi<T> for Result<T> {
  fn into_napi(self, env: &Env) -> napi::Result<T> {
    self.map_err(|err| err.into_napi(env))
  }
}

/// Takes the pending JS exception, if any, clearing it from the environment.
pub fn pending_exception(env: &Env) -> Option<Unknown<'_>> {
  let mut pending = false;
  let mut exception = ptr::null_mut();
  // SAFETY: plain Node-API queries on the current thread's live environment.
  unsafe {
    if sys::napi_is_exception_pending(env.raw(), &mut pending) != sys::Status::napi_ok
      || !pending
      || sys::napi_get_and_clear_last_exception(env.raw(), &mut exception) != sys::Status::napi_ok
    {
      return None;
    }
    Some(Unknown::from_raw_unchecked(env.raw(), exception))
  }
}

/// Whether a JS exception is pending in the environment.
pub fn exception_pending(env: &Env) -> bool {
  let mut pending = false;
  // SAFETY: plain Node-API query on the current thread's live environment.
  let status = unsafe { sys::napi_is_exception_pending(env.raw(), &mut pending) };
  status == sys::Status::napi_ok && pending
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
  let sign = if n < 0.0 { "-" } else { "" };
  let (digits, exponent) = shortest_digits(n.abs());
  format!("{sign}{}", js_notation(&digits, exponent))
}

/// The shortest decimal digits that read back as `x` (> 0), and the decimal exponent of the
/// first digit, choosing as ECMAScript's Number::toString does: the closest such digits and, in
/// an exact tie, the even ones. Rust's shortest formatting agrees except in exact ties.
fn shortest_digits(x: f64) -> (String, i32) {
  let (digits, exponent) = scientific(&format!("{x:e}"));
  let k = digits.len();
  // A tie needs an exact value of k + 1 <= 18 significant digits.
  let Some((exact, exact_exponent)) = exact_digits(x) else {
    return (digits, exponent);
  };
  let tie = exact.len() == k + 1 && exact.ends_with('5') && k <= 17;
  if !tie {
    return (digits, exponent);
  }
  let Ok(low) = exact[..k].parse::<u64>() else {
    return (digits, exponent);
  };
  let even = if low % 2 == 0 { low } else { low + 1 };
  let mut candidate = even.to_string();
  let mut candidate_exponent = exact_exponent;
  if candidate.len() > k {
    candidate_exponent += 1;
  }
  while candidate.len() > 1 && candidate.ends_with('0') {
    candidate.pop();
  }
  let reads_back = format!(
    "{candidate}e{}",
    candidate_exponent - (candidate.len() as i32 - 1)
  )
  .parse::<f64>()
  .is_ok_and(|back| back == x);
  if reads_back {
    (candidate, candidate_exponent)
  } else {
    (digits, exponent)
  }
}

/// The significant digits of the exact value of `x` (> 0, finite), without trailing zeros, and
/// the decimal exponent of the first, if there are at most [`EXACT_DIGITS`] of them; else `None`.
/// Integer arithmetic on x = m × 2^e: no decimal expansion of up to 767 digits is ever made.
fn exact_digits(x: f64) -> Option<(String, i32)> {
  let bits = x.to_bits();
  let biased = ((bits >> 52) & 0x7ff) as i32;
  let fraction = bits & ((1 << 52) - 1);
  let (mut m, mut e) = if biased == 0 {
    (fraction, -1074)
  } else {
    (fraction | (1 << 52), biased - 1075)
  };
  if m == 0 {
    return None;
  }
  // m odd from here on.
  let zeros = m.trailing_zeros();
  m >>= zeros;
  e += zeros as i32;
  let (significand, tens) = if e < 0 {
    // x = m × 5^q / 10^q, and m × 5^q is odd: no trailing zero. It has more than 18 digits
    // once 5^q does (5^27 > 10^18), and below that it fits a u128 (m < 2^53).
    let q = e.unsigned_abs();
    if q > 26 {
      return None;
    }
    (u128::from(m) * 5u128.pow(q), -(q as i32))
  } else {
    // x = m × 2^e: take out the tens, min(e, the fives in m); what is left has no trailing zero.
    let mut fives = 0;
    while m % 5 == 0 && fives < e {
      m /= 5;
      fives += 1;
    }
    let twos = (e - fives).unsigned_abs();
    // 2^60 already has 19 digits; below that, m × 2^twos < 2^113 fits.
    if twos >= 60 {
      return None;
    }
    (u128::from(m) << twos, fives)
  };
  let digits = significand.to_string();
  if digits.len() > EXACT_DIGITS {
    return None;
  }
  let exponent = digits.len() as i32 - 1 + tens;
  Some((digits, exponent))
}

/// The most significant digits [`exact_digits`] reports: a tie among k <= 17 shortest digits
/// needs k + 1.
const EXACT_DIGITS: usize = 18;

/// Splits Rust's `{:e}` output into its significant digits (no trailing zeros) and exponent.
fn scientific(formatted: &str) -> (String, i32) {
  let (mantissa, exponent) = formatted.split_once('e').unwrap_or((formatted, "0"));
  let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
  while digits.len() > 1 && digits.ends_with('0') {
    digits.pop();
  }
  (digits, exponent.parse().unwrap_or(0))
}

/// ECMAScript Number::toString notation for digits `d1 d2 … dk` × 10^(exponent - k + 1).
fn js_notation(digits: &str, exponent: i32) -> String {
  let k = digits.len() as i32;
  let n = exponent + 1;
  if k <= n && n <= 21 {
    format!("{digits}{}", "0".repeat((n - k) as usize))
  } else if 0 < n && n <= 21 {
    format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
  } else if -6 < n && n <= 0 {
    format!("0.{}{digits}", "0".repeat((-n) as usize))
  } else {
    let sign = if n - 1 < 0 { '-' } else { '+' };
    let power = (n - 1).abs();
    match digits.split_at(1) {
      (first, "") => format!("{first}e{sign}{power}"),
      (first, rest) => format!("{first}.{rest}e{sign}{power}"),
    }
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
      (782242619860259.2, "782242619860259.2"),
      (0.5, "0.5"),
      (2.5, "2.5"),
      (1e100, "1e+100"),
      (-1.5e-10, "-1.5e-10"),
      (123.456, "123.456"),
      (100.0, "100"),
      (f64::NAN, "NaN"),
      (f64::INFINITY, "Infinity"),
      (f64::NEG_INFINITY, "-Infinity"),
    ];
    for (n, js) in cases {
      assert_eq!(fmt_number(n), js, "String({n:?})");
    }
  }

  #[test]
  #[cfg_attr(
    miri,
    ignore = "no unsafe code, and its 800-digit reference expansions take minutes under Miri"
  )]
  fn exact_digits_are_those_of_the_full_expansion() {
    // The full decimal expansion (at most 767 significant digits) as the reference.
    let reference = |x: f64| {
      let (digits, exponent) = scientific(&format!("{x:.800e}"));
      (digits.len() <= EXACT_DIGITS).then_some((digits, exponent))
    };
    let mut specials = vec![
      5e-324,
      f64::MIN_POSITIVE,
      f64::MAX,
      0.5,
      2.5,
      6_257_940_958_882_074.0 / 8.0, // 782242619860259.25, an exact tie
      1e22,
      1e23,
      0.1,
      2f64.powi(59),
      2f64.powi(60),
      2f64.powi(-26),
      2f64.powi(-27),
      123456789012345680000.0,
    ];
    specials.extend((-30..=70).map(|p| 2f64.powi(p) * 3.0));
    specials.extend((0..=22).map(|p| 10f64.powi(p)));
    // A small generator of arbitrary doubles (xorshift over the bit patterns).
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let random = (0..20_000).map(|i| {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      // Every other value with few significant bits, where short exact values live.
      let bits = if i % 2 == 0 {
        state
      } else {
        state & !((1 << 40) - 1)
      };
      f64::from_bits(bits).abs()
    });
    for x in specials.into_iter().chain(random) {
      if x.is_finite() && x > 0.0 {
        assert_eq!(exact_digits(x), reference(x), "{x:e}");
      }
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
