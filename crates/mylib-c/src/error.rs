//! Status codes, the thread's last error, and the one conversion of a core error into both, in
//! the wording of mylib's Node binding with C's names for functions and arguments.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, CString};

use mylib_core::{Argument, Expected, Invalid, Param, Range, Received};

/// What a fallible mylib function returns. `MYLIB_OK` is 0; every other value names a failure
/// and never changes meaning. `mylib_status_code` gives each its code string, the one every
/// mylib binding reports for the same failure.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mylib_status {
  /// Success.
  MYLIB_OK = 0,
  /// A pointer argument that must not be NULL was NULL.
  MYLIB_NULL_ARGUMENT = 1,
  /// A bug in mylib: a Rust panic, stopped at the boundary. The library is still usable.
  MYLIB_PANIC = 2,
  /// An argument has the wrong type ("ERR_INVALID_ARG_TYPE"; other bindings only).
  MYLIB_ERR_INVALID_ARG_TYPE = 10,
  /// An argument has an unusable value: not UTF-8, a blank name, an invalid e-mail address or
  /// header, PEM without a certificate ("ERR_INVALID_ARG_VALUE").
  MYLIB_ERR_INVALID_ARG_VALUE = 11,
  /// A number out of range: a non-finite operand, a zero divisor, a result beyond the type
  /// ("ERR_OUT_OF_RANGE").
  MYLIB_ERR_OUT_OF_RANGE = 12,
  /// A result string longer than the caller's engine holds ("ERR_STRING_TOO_LONG"; other
  /// bindings only).
  MYLIB_ERR_STRING_TOO_LONG = 13,
  /// A constructor called without `new` ("ERR_CONSTRUCT_CALL_REQUIRED"; JS only).
  MYLIB_ERR_CONSTRUCT_CALL_REQUIRED = 14,
  /// A method called on an object of another class ("ERR_INVALID_THIS"; JS only).
  MYLIB_ERR_INVALID_THIS = 15,
  /// A URL that does not parse ("ERR_INVALID_URL").
  MYLIB_ERR_INVALID_URL = 20,
  /// A URL, given or redirected to, whose scheme is not http or https ("ERR_INVALID_URL_SCHEME").
  MYLIB_ERR_INVALID_URL_SCHEME = 21,
  /// A response status outside 200..=299 ("ERR_HTTP_STATUS").
  MYLIB_ERR_HTTP_STATUS = 22,
  /// A decoded body longer than `max_bytes` ("ERR_BODY_TOO_LARGE").
  MYLIB_ERR_BODY_TOO_LARGE = 23,
  /// More than 20 redirects ("ERR_TOO_MANY_REDIRECTS").
  MYLIB_ERR_TOO_MANY_REDIRECTS = 24,
  /// A server certificate that is not trusted or not valid for the host ("ERR_TLS_CERT").
  MYLIB_ERR_TLS_CERT = 25,
  /// The request did not finish within `timeout_ms` ("ETIMEDOUT").
  MYLIB_ETIMEDOUT = 26,
  /// The request was aborted ("ABORT_ERR"; bindings with cancellation only).
  MYLIB_ABORT_ERR = 27,
  /// The server refused the connection ("ECONNREFUSED").
  MYLIB_ECONNREFUSED = 28,
  /// The host name did not resolve ("ENOTFOUND").
  MYLIB_ENOTFOUND = 29,
  /// The connection was reset or closed before a whole response ("ECONNRESET").
  MYLIB_ECONNRESET = 30,
  /// Any other transport failure: TLS, protocol, I/O ("ERR_NETWORK").
  MYLIB_ERR_NETWORK = 31,
}

use mylib_status::*;

/// Every status, for `mylib_status_code`.
const STATUSES: [mylib_status; 21] = [
  MYLIB_OK,
  MYLIB_NULL_ARGUMENT,
  MYLIB_PANIC,
  MYLIB_ERR_INVALID_ARG_TYPE,
  MYLIB_ERR_INVALID_ARG_VALUE,
  MYLIB_ERR_OUT_OF_RANGE,
  MYLIB_ERR_STRING_TOO_LONG,
  MYLIB_ERR_CONSTRUCT_CALL_REQUIRED,
  MYLIB_ERR_INVALID_THIS,
  MYLIB_ERR_INVALID_URL,
  MYLIB_ERR_INVALID_URL_SCHEME,
  MYLIB_ERR_HTTP_STATUS,
  MYLIB_ERR_BODY_TOO_LARGE,
  MYLIB_ERR_TOO_MANY_REDIRECTS,
  MYLIB_ERR_TLS_CERT,
  MYLIB_ETIMEDOUT,
  MYLIB_ABORT_ERR,
  MYLIB_ECONNREFUSED,
  MYLIB_ENOTFOUND,
  MYLIB_ECONNRESET,
  MYLIB_ERR_NETWORK,
];

impl mylib_status {
  /// The status of a core error: one per core code.
  pub fn of(err: &mylib_core::Error) -> Self {
    use mylib_core::{Error as E, NetworkCode as N};
    // Exhaustive: a variant added to the core fails to compile here until it has a status.
    match err {
      E::InvalidArgType { .. } => MYLIB_ERR_INVALID_ARG_TYPE,
      E::InvalidArgValue { .. } => MYLIB_ERR_INVALID_ARG_VALUE,
      E::OutOfRange { .. } | E::Overflow { .. } => MYLIB_ERR_OUT_OF_RANGE,
      E::StringTooLong { .. } => MYLIB_ERR_STRING_TOO_LONG,
      E::ConstructCallRequired { .. } => MYLIB_ERR_CONSTRUCT_CALL_REQUIRED,
      E::InvalidThis { .. } => MYLIB_ERR_INVALID_THIS,
      E::InvalidUrl { .. } => MYLIB_ERR_INVALID_URL,
      E::InvalidUrlScheme { .. } => MYLIB_ERR_INVALID_URL_SCHEME,
      E::HttpStatus { .. } => MYLIB_ERR_HTTP_STATUS,
      E::BodyTooLarge { .. } => MYLIB_ERR_BODY_TOO_LARGE,
      E::TooManyRedirects { .. } => MYLIB_ERR_TOO_MANY_REDIRECTS,
      E::TlsCert { .. } => MYLIB_ERR_TLS_CERT,
      E::Timeout { .. } => MYLIB_ETIMEDOUT,
      E::Aborted => MYLIB_ABORT_ERR,
      E::Network { code, .. } => match code {
        N::ConnectionRefused => MYLIB_ECONNREFUSED,
        N::NotFound => MYLIB_ENOTFOUND,
        N::ConnectionReset => MYLIB_ECONNRESET,
        N::Other => MYLIB_ERR_NETWORK,
      },
    }
  }

  /// The code string of this status, NUL-terminated.
  pub fn code(self) -> &'static std::ffi::CStr {
    match self {
      MYLIB_OK => c"OK",
      MYLIB_NULL_ARGUMENT => c"NULL_ARGUMENT",
      MYLIB_PANIC => c"PANIC",
      MYLIB_ERR_INVALID_ARG_TYPE => c"ERR_INVALID_ARG_TYPE",
      MYLIB_ERR_INVALID_ARG_VALUE => c"ERR_INVALID_ARG_VALUE",
      MYLIB_ERR_OUT_OF_RANGE => c"ERR_OUT_OF_RANGE",
      MYLIB_ERR_STRING_TOO_LONG => c"ERR_STRING_TOO_LONG",
      MYLIB_ERR_CONSTRUCT_CALL_REQUIRED => c"ERR_CONSTRUCT_CALL_REQUIRED",
      MYLIB_ERR_INVALID_THIS => c"ERR_INVALID_THIS",
      MYLIB_ERR_INVALID_URL => c"ERR_INVALID_URL",
      MYLIB_ERR_INVALID_URL_SCHEME => c"ERR_INVALID_URL_SCHEME",
      MYLIB_ERR_HTTP_STATUS => c"ERR_HTTP_STATUS",
      MYLIB_ERR_BODY_TOO_LARGE => c"ERR_BODY_TOO_LARGE",
      MYLIB_ERR_TOO_MANY_REDIRECTS => c"ERR_TOO_MANY_REDIRECTS",
      MYLIB_ERR_TLS_CERT => c"ERR_TLS_CERT",
      MYLIB_ETIMEDOUT => c"ETIMEDOUT",
      MYLIB_ABORT_ERR => c"ABORT_ERR",
      MYLIB_ECONNREFUSED => c"ECONNREFUSED",
      MYLIB_ENOTFOUND => c"ENOTFOUND",
      MYLIB_ECONNRESET => c"ECONNRESET",
      MYLIB_ERR_NETWORK => c"ERR_NETWORK",
    }
  }
}

/// The code string of `status` ("ERR_OUT_OF_RANGE", "ETIMEDOUT", ..., "OK" for `MYLIB_OK`), the
/// same string every mylib binding reports for that failure; NULL for a value that is no
/// `mylib_status`. The string is static: never free it.
#[no_mangle]
pub extern "C" fn mylib_status_code(status: c_int) -> *const c_char {
  STATUSES
    .iter()
    .find(|known| **known as c_int == status)
    .map_or(std::ptr::null(), |known| known.code().as_ptr())
}

/// Why a call failed: a core error, a NULL pointer, or a failure only C has.
#[derive(Debug)]
pub enum Failure {
  Core(mylib_core::Error),
  /// The named pointer argument was NULL.
  Null(&'static str),
  /// A failure with its own status and message (after the function's name).
  Other(mylib_status, String),
}

impl From<mylib_core::Error> for Failure {
  fn from(err: mylib_core::Error) -> Self {
    Failure::Core(err)
  }
}

impl Failure {
  pub fn status(&self) -> mylib_status {
    match self {
      Failure::Core(err) => mylib_status::of(err),
      Failure::Null(_) => MYLIB_NULL_ARGUMENT,
      Failure::Other(status, _) => *status,
    }
  }

  /// The message, naming `func`, the C function that failed.
  pub fn message(&self, func: &str) -> String {
    match self {
      Failure::Core(err) => message(func, err),
      Failure::Null(arg) => format!("{func}: The \"{arg}\" argument must not be NULL"),
      Failure::Other(_, detail) => format!("{func}: {detail}"),
    }
  }
}

thread_local! {
  /// This thread's last failure message.
  static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Records `message` as this thread's last error.
pub fn set_last_error(message: String) {
  // A message cannot hold NUL (every part comes from a C string, a URL or our own words), but
  // should one, it is cut there rather than lost.
  let message = CString::new(message).unwrap_or_else(|err| {
    let cut = err.nul_position();
    let mut bytes = err.into_vec();
    bytes.truncate(cut);
    CString::new(bytes).unwrap_or_default()
  });
  // During the thread's exit the slot may be gone: nothing to record then.
  let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = Some(message));
}

/// This thread's last failure message (the function, then what went wrong), or NULL if no
/// mylib call has failed on this thread. Successful calls leave it as it is. The string stays
/// valid until the next mylib call on this thread fails; never free it.
#[no_mangle]
pub extern "C" fn mylib_last_error() -> *const c_char {
  LAST_ERROR
    .try_with(|last| last.borrow().as_ref().map(|message| message.as_ptr()))
    .ok()
    .flatten()
    .unwrap_or(std::ptr::null())
}

/// A number as JS writes it (as the Node binding's messages show numbers).
fn number(n: f64) -> String {
  ryu_js::Buffer::new().format(n).to_owned()
}

/// A string quoted for a message: `'abc'`, cut after 25 characters with `...`.
fn quote(s: &str) -> String {
  let mut chars = s.chars();
  let head: String = chars.by_ref().take(25).collect();
  let cut = if chars.next().is_some() { "..." } else { "" };
  format!("'{head}{cut}'")
}

/// An argument as the C API names it: `values`, `options->timeout_ms`, `options->ca[1]`.
fn arg_name(arg: &Argument) -> String {
  let name = match &arg.param {
    Param::Name => "name",
    Param::Numbers => "values",
    Param::Initial => "initial",
    Param::N => "n",
    Param::Value => "value",
    Param::Id => "id",
    Param::Email => "email",
    Param::Url => "url",
    Param::Options => "options",
    Param::Timeout => "options->timeout_ms",
    Param::MaxBytes => "options->max_bytes",
    Param::Headers => "options->headers",
    Param::Header(header) => return format!("options->headers ({})", quote(header)),
    Param::Ca => "options->ca",
    Param::Signal => "signal",
    Param::This => "calc",
    Param::Result => "result",
  };
  match arg.index {
    Some(index) => format!("{name}[{index}]"),
    None => name.to_owned(),
  }
}

fn value(received: &Received) -> String {
  match received {
    Received::Number(n) => number(*n),
    Received::Integer(n) => n.to_string(),
    Received::String(s) => quote(s),
    Received::Bool(b) => b.to_string(),
    Received::BigInt(digits) => digits.clone(),
    Received::Undefined | Received::Null => "NULL".into(),
    Received::Hole => "an empty slot".into(),
    Received::Type(name) | Received::Instance(name) => format!("a {name}"),
  }
}

fn range(range: Range) -> String {
  match range {
    Range::Integer => "an integer".into(),
    Range::Between(min, max) => format!(">= {min} and <= {max}"),
    Range::SafeInteger => format!(
      ">= -{max} and <= {max}",
      max = mylib_core::number::MAX_SAFE_INTEGER
    ),
    Range::Finite => "a finite number".into(),
    Range::NonZero => "a non-zero number (division by zero)".into(),
  }
}

fn invalid(reason: &Invalid) -> String {
  match reason {
    Invalid::Blank => "must not be empty or only whitespace".into(),
    Invalid::Email => "must be a valid e-mail address".into(),
    Invalid::HeaderName => "has an invalid header name".into(),
    Invalid::ConnectionHeader => {
      "must not be set: the client manages the connection and the message framing".into()
    }
    Invalid::HeaderValue => {
      "has an invalid header value (Latin-1 characters without control characters)".into()
    }
    Invalid::Pem(why) => {
      format!("must hold PEM certificates (-----BEGIN CERTIFICATE-----): {why}")
    }
    Invalid::Utf8 => "must be valid UTF-8".into(),
    Invalid::Nul => "must not contain NUL characters".into(),
  }
}

fn expected(expected: Expected) -> &'static str {
  match expected {
    Expected::String => "a string",
    Expected::Number => "a number",
    Expected::Boolean => "a boolean",
    Expected::Object => "an options struct",
    Expected::Headers => "an array of headers",
    Expected::HeaderPair => "a header name and value",
    Expected::Int32Sequence => "an array of int32_t",
    Expected::StringOrStrings => "an array of PEM strings",
    Expected::AbortSignal => "an abort signal",
  }
}

/// The message of a core error raised in the C function `func`.
pub fn message(func: &str, err: &mylib_core::Error) -> String {
  use mylib_core::Error as E;
  match err {
    E::InvalidArgType {
      arg,
      expected: wanted,
      received,
    } => format!(
      "{func}: The \"{}\" argument must be {}. Received {}",
      arg_name(arg),
      expected(*wanted),
      value(received)
    ),
    E::InvalidArgValue {
      arg,
      reason,
      received,
    } => format!(
      "{func}: The argument '{}' {}. Received {}",
      arg_name(arg),
      invalid(reason),
      value(received)
    ),
    E::OutOfRange {
      arg,
      range: wanted,
      received,
    } if arg.param == Param::Result => format!(
      "{func}: The result is out of range. It must be {}. Received {}",
      range(*wanted),
      value(received)
    ),
    E::OutOfRange {
      arg,
      range: wanted,
      received,
    } => format!(
      "{func}: The value of \"{}\" is out of range. It must be {}. Received {}",
      arg_name(arg),
      range(*wanted),
      value(received)
    ),
    E::Overflow {
      op,
      value,
      operand,
      result,
    } => format!(
      "{func}: The result is out of range. {} {} {} overflows to {}; the value stays {}",
      number(*value),
      op.symbol(),
      number(*operand),
      number(*result),
      number(*value),
    ),
    E::StringTooLong { length, max, .. } => {
      format!(
        "{func}: Cannot create a string longer than {max} characters: the argument has {length}"
      )
    }
    E::ConstructCallRequired { class } => format!("{func}: {class} needs a constructor call"),
    E::InvalidThis { class, .. } => format!("{func}: The receiver must be a {class}"),
    E::InvalidUrl {
      input,
      reason,
      redirected_from,
    } => {
      let mut message = format!("{func}: Invalid URL {}: {reason}", quote(input));
      if let Some(from) = redirected_from {
        message.push_str(&format!(" (redirected from {from})"));
      }
      message
    }
    E::InvalidUrlScheme {
      scheme,
      redirected_from,
    } => {
      let mut message = format!(
        "{func}: The URL must be of scheme http or https. Received {}",
        quote(scheme)
      );
      if let Some(from) = redirected_from {
        message.push_str(&format!(" (redirected from {from})"));
      }
      message
    }
    E::HttpStatus {
      url,
      status,
      reason,
    } => format!(
      "{func}: GET {url} responded with {status} {}",
      reason.unwrap_or("<unknown status code>")
    ),
    E::BodyTooLarge { url, limit } => {
      format!("{func}: GET {url}: the response body exceeds the limit of {limit} bytes")
    }
    E::TooManyRedirects { url, max } => format!("{func}: GET {url}: more than {max} redirects"),
    E::TlsCert { url, reason } => format!("{func}: GET {url} failed (ERR_TLS_CERT): {reason}"),
    E::Timeout { url, after } => {
      format!("{func}: GET {url} timed out after {} ms", after.as_millis())
    }
    E::Aborted => format!("{func}: The operation was aborted"),
    E::Network { code, url, reason } if url.is_empty() => {
      format!("{func}: {reason} ({})", code.as_str())
    }
    E::Network { code, url, reason } => {
      format!("{func}: GET {url} failed ({}): {reason}", code.as_str())
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use mylib_core::{Error, Func};

  #[test]
  fn every_status_has_its_own_code() {
    let mut seen = std::collections::HashSet::new();
    for status in STATUSES.iter() {
      assert!(seen.insert(status.code()), "{status:?}");
      // SAFETY: a static C string from `code`.
      let code = unsafe { std::ffi::CStr::from_ptr(mylib_status_code(*status as c_int)) };
      assert_eq!(code, status.code());
    }
    assert!(mylib_status_code(-1).is_null());
    assert!(mylib_status_code(3).is_null());
    assert!(mylib_status_code(9999).is_null());
  }

  #[test]
  fn core_codes_map_to_their_status() {
    let err = Error::out_of_range(
      Argument::new(Func::CalculatorDivide, Param::N),
      Range::NonZero,
      Received::Number(0.0),
    );
    assert_eq!(mylib_status::of(&err), MYLIB_ERR_OUT_OF_RANGE);
    assert_eq!(mylib_status::of(&Error::Aborted), MYLIB_ABORT_ERR);
    // The status's code string is the core's code, whatever the variant.
    let network = |code| Error::Network {
      code,
      url: String::new(),
      reason: String::new(),
    };
    for err in [
      err.clone(),
      Error::Aborted,
      network(mylib_core::NetworkCode::ConnectionRefused),
      network(mylib_core::NetworkCode::NotFound),
      network(mylib_core::NetworkCode::ConnectionReset),
      network(mylib_core::NetworkCode::Other),
    ] {
      assert_eq!(mylib_status::of(&err).code().to_str(), Ok(err.code()));
    }
    assert_eq!(
      message("mylib_calculator_divide", &err),
      "mylib_calculator_divide: The value of \"n\" is out of range. It must be a non-zero number (division by zero). Received 0"
    );
    for status in STATUSES.iter().skip(3) {
      // Every failure status names a core code that maps back to it.
      let code = status.code().to_str().unwrap_or_default();
      assert!(code.starts_with("ERR_") || code.starts_with('E') || code == "ABORT_ERR");
    }
  }

  #[test]
  fn the_last_error_is_per_thread() {
    set_last_error("mylib_greet: first".into());
    // SAFETY: a live C string of this thread.
    let last = unsafe { std::ffi::CStr::from_ptr(mylib_last_error()) };
    assert_eq!(last.to_str(), Ok("mylib_greet: first"));
    let other = std::thread::spawn(|| mylib_last_error().is_null()).join();
    assert_eq!(other.ok(), Some(true));
    set_last_error("with\0nul".into());
    // SAFETY: as above.
    let last = unsafe { std::ffi::CStr::from_ptr(mylib_last_error()) };
    assert_eq!(last.to_str(), Ok("with"));
  }
}
