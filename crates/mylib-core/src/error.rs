//! The one error type of mylib, shared by every binding.
//!
//! Variants carry data, not sentences: the function, the argument, the index, what was expected
//! and what was received. Each binding words them in its own language's dialect; what every
//! binding shares is [`Error::code`], the stable string callers branch on.

use std::time::Duration;

/// A mylib function or method, as every binding names it in its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
  Greet,
  Sum,
  CalculatorNew,
  CalculatorValue,
  CalculatorAdd,
  CalculatorSubtract,
  CalculatorMultiply,
  CalculatorDivide,
  CalculatorReset,
  CreateUser,
  FetchData,
}

/// A parameter of a [`Func`] (or a part of one, such as one request header).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Param {
  /// `greet`'s name, `createUser`'s name.
  Name,
  /// `sum`'s numbers (an element of them with an index).
  Numbers,
  /// A calculator's starting value.
  Initial,
  /// A calculator operand.
  N,
  /// The value a calculator is reset to.
  Value,
  /// A user id.
  Id,
  /// A user e-mail address.
  Email,
  /// The URL to fetch.
  Url,
  /// The options of `fetchData` as a whole.
  Options,
  /// The bound on a whole request.
  Timeout,
  /// The limit on the decoded body.
  MaxBytes,
  /// The request headers as a whole.
  Headers,
  /// One request header, by the name the caller gave.
  Header(String),
  /// Extra trusted certificates (one of them with an index).
  Ca,
  /// The abort signal.
  Signal,
  /// The receiver of a method (`this`, `self`).
  This,
  /// The function's result, when it cannot be represented for the caller.
  Result,
}

/// Where an argument error is: the function, the parameter, and the array index if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Argument {
  pub func: Func,
  pub param: Param,
  pub index: Option<u64>,
}

impl Argument {
  /// The parameter `param` of `func`.
  pub fn new(func: Func, param: Param) -> Self {
    Argument {
      func,
      param,
      index: None,
    }
  }

  /// The element `index` of the parameter `param` of `func`.
  pub fn element(func: Func, param: Param, index: u64) -> Self {
    Argument {
      func,
      param,
      index: Some(index),
    }
  }
}

/// A received value, as data, for a binding to describe in its own terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
  /// A number; it stays a double.
  Number(f64),
  /// An exact integer (a sum that does not fit the caller's type).
  Integer(i128),
  /// A string, as given (bindings that quote it cut it as they see fit).
  String(String),
  /// A boolean.
  Bool(bool),
  /// A big integer, as its decimal digits.
  BigInt(String),
  /// JS `undefined`, Python `None`, a C null pointer.
  Undefined,
  /// JS `null`.
  Null,
  /// An empty slot of a sparse array.
  Hole,
  /// A value known only by its type's name in the caller's language (`symbol`, `float`, ...).
  Type(String),
  /// An object of a named class (`Array`, `Int32Array`, ...).
  Instance(String),
}

/// What an argument of the wrong type should have been.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
  String,
  Number,
  Boolean,
  /// An options object (a JS object, a Python mapping).
  Object,
  /// Request headers: a string-to-string record, or what the caller's platform has for them.
  Headers,
  /// One `[name, value]` pair of request headers.
  HeaderPair,
  /// A sequence of int32 numbers: an array, or an int32 buffer read in place.
  Int32Sequence,
  /// A PEM string, or a sequence of them.
  StringOrStrings,
  /// An abort signal of the caller's platform.
  AbortSignal,
}

/// Why an argument of the right type has an unusable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
  /// Empty, or only whitespace.
  Blank,
  /// Not a valid e-mail address by the WHATWG HTML rule.
  Email,
  /// Not a valid HTTP field name.
  HeaderName,
  /// Not a valid HTTP field value: characters beyond U+00FF, NUL, CR or LF.
  HeaderValue,
  /// A header that controls the connection or the message framing (`transfer-encoding`,
  /// `keep-alive`, `upgrade`, `expect`, or `connection` other than `close`/`keep-alive`): the
  /// client sets those itself, as undici refuses them.
  ConnectionHeader,
  /// No usable PEM certificate, with the reason.
  Pem(String),
  /// Bytes that are not UTF-8.
  Utf8,
  /// A NUL character where the caller's language cannot hold one.
  Nul,
}

/// The range a number should have been in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
  /// An integer (the value had a fraction, or was NaN or infinite).
  Integer,
  /// An integer in `min..=max`.
  Between(i64, i64),
  /// An integer a double holds exactly: within ±(2^53 - 1).
  SafeInteger,
  /// A finite number.
  Finite,
  /// A non-zero number (a divisor).
  NonZero,
}

/// An arithmetic operation of the calculator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
  Add,
  Subtract,
  Multiply,
  Divide,
}

impl Op {
  /// The calculator method that performs it.
  pub fn func(self) -> Func {
    match self {
      Op::Add => Func::CalculatorAdd,
      Op::Subtract => Func::CalculatorSubtract,
      Op::Multiply => Func::CalculatorMultiply,
      Op::Divide => Func::CalculatorDivide,
    }
  }

  /// Its arithmetic symbol.
  pub fn symbol(self) -> char {
    match self {
      Op::Add => '+',
      Op::Subtract => '-',
      Op::Multiply => '*',
      Op::Divide => '/',
    }
  }
}

/// The network failures `fetch` tells apart, with the system-style codes Node gives them.
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
  /// The stable code.
  pub fn as_str(self) -> &'static str {
    match self {
      NetworkCode::ConnectionRefused => "ECONNREFUSED",
      NetworkCode::NotFound => "ENOTFOUND",
      NetworkCode::ConnectionReset => "ECONNRESET",
      NetworkCode::Other => "ERR_NETWORK",
    }
  }
}

/// Everything that can go wrong in mylib.
///
/// URLs in fetch errors never carry the user name or password of the URL they came from.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
  /// An argument of the wrong type. `ERR_INVALID_ARG_TYPE`.
  #[error("{}: {:?} must be {:?}, received {:?}", .arg.func.name(), .arg.param, .expected, .received)]
  InvalidArgType {
    arg: Argument,
    expected: Expected,
    received: Received,
  },
  /// An argument of the right type with an unusable value. `ERR_INVALID_ARG_VALUE`.
  #[error("{}: {:?} is invalid ({:?}), received {:?}", .arg.func.name(), .arg.param, .reason, .received)]
  InvalidArgValue {
    arg: Argument,
    reason: Invalid,
    received: Received,
  },
  /// A number (an argument, or the result) out of range. `ERR_OUT_OF_RANGE`.
  #[error("{}: {:?} must be {:?}, received {:?}", .arg.func.name(), .arg.param, .range, .received)]
  OutOfRange {
    arg: Argument,
    range: Range,
    received: Received,
  },
  /// A calculator result that would be ±Infinity; the value is unchanged. `ERR_OUT_OF_RANGE`.
  #[error("{value} {} {operand} overflows to {result}", .op.symbol())]
  Overflow {
    op: Op,
    value: f64,
    operand: f64,
    result: f64,
  },
  /// A result string longer than the caller's engine can hold. `ERR_STRING_TOO_LONG`.
  #[error("{}: the result would exceed {max} code units ({length} in the argument)", .func.name())]
  StringTooLong {
    func: Func,
    /// The length of the argument, in the caller's code units.
    length: usize,
    /// The longest string the engine holds.
    max: usize,
  },
  /// A class constructor called as a plain function. `ERR_CONSTRUCT_CALL_REQUIRED`.
  #[error("the {class} constructor needs `new`")]
  ConstructCallRequired { class: &'static str },
  /// A method called on a receiver that is not of its class. `ERR_INVALID_THIS`.
  #[error("{}: the receiver must be a {class}, received {received:?}", .func.name())]
  InvalidThis {
    func: Func,
    class: &'static str,
    received: Received,
  },
  /// A URL (given, or a redirect's `Location`) that does not parse. `ERR_INVALID_URL`.
  #[error("invalid URL: {reason}")]
  InvalidUrl {
    /// The input, without the password it may hold.
    input: String,
    reason: String,
    /// The URL whose redirect gave it, if any.
    redirected_from: Option<String>,
  },
  /// A URL (given, or redirected to) whose scheme is not http or https.
  /// `ERR_INVALID_URL_SCHEME`.
  #[error("the URL scheme {scheme:?} is not http or https")]
  InvalidUrlScheme {
    /// The scheme, with its colon (`ftp:`).
    scheme: String,
    /// The URL whose redirect led there, if any.
    redirected_from: Option<String>,
  },
  /// A response with a status outside 200..=299. `ERR_HTTP_STATUS`.
  #[error("GET {url} responded with {status}")]
  HttpStatus {
    url: String,
    status: u16,
    /// The status's standard reason phrase, if it has one.
    reason: Option<&'static str>,
  },
  /// A decoded body over the limit. `ERR_BODY_TOO_LARGE`.
  #[error("GET {url}: the body exceeds {limit} bytes")]
  BodyTooLarge { url: String, limit: u64 },
  /// More redirects than allowed. `ERR_TOO_MANY_REDIRECTS`.
  #[error("GET {url}: more than {max} redirects")]
  TooManyRedirects { url: String, max: usize },
  /// A certificate the TLS verifier refused. `ERR_TLS_CERT`.
  #[error("GET {url}: certificate refused: {reason}")]
  TlsCert { url: String, reason: String },
  /// The request did not finish in time. `ETIMEDOUT`.
  #[error("GET {url} timed out after {after:?}")]
  Timeout { url: String, after: Duration },
  /// The caller aborted the request. `ABORT_ERR`.
  #[error("the operation was aborted")]
  Aborted,
  /// A transport failure, with the underlying reason.
  #[error("GET {url} failed ({}): {reason}", .code.as_str())]
  Network {
    code: NetworkCode,
    url: String,
    reason: String,
  },
}

/// `Result` with mylib's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
  /// [`Error::InvalidUrl`] for an input that did not parse, without what looks like its user
  /// name and password (everything from the scheme's `:` to the last `@` before the path), so
  /// no message shows them.
  pub fn invalid_url(input: &str, reason: String, redirected_from: Option<String>) -> Error {
    Error::InvalidUrl {
      input: without_userinfo(input),
      reason,
      redirected_from,
    }
  }
}

/// Whether `c` ends a URL's authority (user info, host and port), as the URL parser reads a
/// special scheme's URL.
fn ends_authority(c: char) -> bool {
  matches!(c, '/' | '\\' | '?' | '#')
}

/// `input` without what looks like a URL's user info (see [`Error::invalid_url`]).
fn without_userinfo(input: &str) -> String {
  let Some(colon) = input.find(':') else {
    return input.to_owned();
  };
  let after_scheme = &input[colon + 1..];
  let authority_start = after_scheme.len() - after_scheme.trim_start_matches(['/', '\\']).len();
  let authority = &after_scheme[authority_start..];
  let authority_end = authority.find(ends_authority).unwrap_or(authority.len());
  match authority[..authority_end].rfind('@') {
    Some(at) => format!(
      "{}{}",
      &input[..colon + 1 + authority_start],
      &authority[at + 1..]
    ),
    None => input.to_owned(),
  }
}

/// `text` (a message from elsewhere, such as a host's `fetch`) with the user info of every URL
/// in it taken out: after each `://`, everything up to the last `@` before the authority ends
/// (at `/`, `\`, `?`, `#`, a quote, a bracket closing it or white space).
pub fn without_credentials(text: &str) -> String {
  let mut out = String::with_capacity(text.len());
  let mut rest = text;
  while let Some(start) = rest.find("://") {
    let (before, after) = rest.split_at(start + 3);
    out.push_str(before);
    let end = after
      .find(|c: char| {
        ends_authority(c) || matches!(c, '\'' | '"' | '`' | '>' | ')') || c.is_whitespace()
      })
      .unwrap_or(after.len());
    let authority = &after[..end];
    out.push_str(
      authority
        .rfind('@')
        .map_or(authority, |at| &authority[at + 1..]),
    );
    rest = &after[end..];
  }
  out.push_str(rest);
  out
}

impl Error {
  /// The stable code every binding reports for this error.
  pub fn code(&self) -> &'static str {
    match self {
      Error::InvalidArgType { .. } => "ERR_INVALID_ARG_TYPE",
      Error::InvalidArgValue { .. } => "ERR_INVALID_ARG_VALUE",
      Error::OutOfRange { .. } | Error::Overflow { .. } => "ERR_OUT_OF_RANGE",
      Error::StringTooLong { .. } => "ERR_STRING_TOO_LONG",
      Error::ConstructCallRequired { .. } => "ERR_CONSTRUCT_CALL_REQUIRED",
      Error::InvalidThis { .. } => "ERR_INVALID_THIS",
      Error::InvalidUrl { .. } => "ERR_INVALID_URL",
      Error::InvalidUrlScheme { .. } => "ERR_INVALID_URL_SCHEME",
      Error::HttpStatus { .. } => "ERR_HTTP_STATUS",
      Error::BodyTooLarge { .. } => "ERR_BODY_TOO_LARGE",
      Error::TooManyRedirects { .. } => "ERR_TOO_MANY_REDIRECTS",
      Error::TlsCert { .. } => "ERR_TLS_CERT",
      Error::Timeout { .. } => "ETIMEDOUT",
      Error::Aborted => "ABORT_ERR",
      Error::Network { code, .. } => code.as_str(),
    }
  }

  /// An argument of the wrong type.
  pub fn arg_type(arg: Argument, expected: Expected, received: Received) -> Self {
    Error::InvalidArgType {
      arg,
      expected,
      received,
    }
  }

  /// An argument with an unusable value.
  pub fn arg_value(arg: Argument, reason: Invalid, received: Received) -> Self {
    Error::InvalidArgValue {
      arg,
      reason,
      received,
    }
  }

  /// A number out of range.
  pub fn out_of_range(arg: Argument, range: Range, received: Received) -> Self {
    Error::OutOfRange {
      arg,
      range,
      received,
    }
  }
}

impl Func {
  /// A neutral name, for `Display` only: bindings use their own.
  pub fn name(self) -> &'static str {
    match self {
      Func::Greet => "greet",
      Func::Sum => "sum",
      Func::CalculatorNew => "Calculator::new",
      Func::CalculatorValue => "Calculator::value",
      Func::CalculatorAdd => "Calculator::add",
      Func::CalculatorSubtract => "Calculator::subtract",
      Func::CalculatorMultiply => "Calculator::multiply",
      Func::CalculatorDivide => "Calculator::divide",
      Func::CalculatorReset => "Calculator::reset",
      Func::CreateUser => "create_user",
      Func::FetchData => "fetch",
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn credentials_are_taken_out_of_any_url_in_a_message() {
    assert_eq!(
      without_credentials("Invalid URL: 'http://user:s3cret@[::1' with base 'http://a@b/x'"),
      "Invalid URL: 'http://[::1' with base 'http://b/x'"
    );
    assert_eq!(
      without_credentials("see https://u:p@h:1/p?x=a@b and ftp://x"),
      "see https://h:1/p?x=a@b and ftp://x"
    );
    assert_eq!(without_credentials("no url @ all"), "no url @ all");
  }

  #[test]
  fn codes_are_stable() {
    let arg = || Argument::new(Func::Sum, Param::Numbers);
    let cases = [
      (
        Error::arg_type(arg(), Expected::Int32Sequence, Received::Null),
        "ERR_INVALID_ARG_TYPE",
      ),
      (
        Error::arg_value(arg(), Invalid::Blank, Received::String(" ".into())),
        "ERR_INVALID_ARG_VALUE",
      ),
      (
        Error::out_of_range(arg(), Range::Integer, Received::Number(1.5)),
        "ERR_OUT_OF_RANGE",
      ),
      (
        Error::Overflow {
          op: Op::Add,
          value: f64::MAX,
          operand: f64::MAX,
          result: f64::INFINITY,
        },
        "ERR_OUT_OF_RANGE",
      ),
      (Error::Aborted, "ABORT_ERR"),
      (
        Error::Network {
          code: NetworkCode::ConnectionRefused,
          url: "http://127.0.0.1:1/".into(),
          reason: "refused".into(),
        },
        "ECONNREFUSED",
      ),
    ];
    for (err, code) in cases {
      assert_eq!(err.code(), code, "{err}");
    }
  }
}
