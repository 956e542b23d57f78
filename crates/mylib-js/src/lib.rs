//! The JavaScript wording of mylib's errors, shared by the two JS bindings: the Node addon
//! (`src/`) and the WebAssembly package (`crates/mylib-wasm`). Each core error gets its JS class,
//! and a message in Node core's dialect (`The "name" argument must be of type string. Received
//! type number (1)`); the `code` is the core's own. Plain Rust: each binding creates the error
//! object its own way.

use mylib_core::{Argument, Expected, Func, Invalid, Param, Range, Received};

/// The JS constructor an error is created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsClass {
  Error,
  TypeError,
  RangeError,
}

/// The JS class a core error is thrown as.
pub fn js_class(err: &mylib_core::Error) -> JsClass {
  use mylib_core::Error as E;
  match err {
    E::InvalidArgType { .. }
    | E::InvalidArgValue { .. }
    | E::ConstructCallRequired { .. }
    | E::InvalidThis { .. }
    | E::InvalidUrl { .. }
    | E::InvalidUrlScheme { .. } => JsClass::TypeError,
    E::OutOfRange { .. } | E::Overflow { .. } | E::StringTooLong { .. } => JsClass::RangeError,
    _ => JsClass::Error,
  }
}

/// A function's name as JS callers write it.
fn func_name(func: Func) -> &'static str {
  match func {
    Func::Greet => "greet",
    Func::Sum => "sum",
    Func::CalculatorNew => "new Calculator",
    Func::CalculatorValue => "Calculator.value",
    Func::CalculatorAdd => "Calculator.add",
    Func::CalculatorSubtract => "Calculator.subtract",
    Func::CalculatorMultiply => "Calculator.multiply",
    Func::CalculatorDivide => "Calculator.divide",
    Func::CalculatorReset => "Calculator.reset",
    Func::CreateUser => "createUser",
    Func::FetchData => "fetchData",
  }
}

/// An argument as JS callers write it: `numbers[3]`, `options.timeoutMs`,
/// `options.headers['x-a']`.
fn arg_name(arg: &Argument) -> String {
  let name = match &arg.param {
    Param::Name => "name",
    Param::Numbers => "numbers",
    Param::Initial => "initial",
    Param::N => "n",
    Param::Value => "value",
    Param::Id => "id",
    Param::Email => "email",
    Param::Url => "url",
    Param::Options => "options",
    Param::Timeout => "options.timeoutMs",
    Param::MaxBytes => "options.maxBytes",
    Param::Headers => "options.headers",
    Param::Header(header) => return format!("options.headers[{}]", quote(header)),
    Param::Ca => "options.ca",
    Param::Signal => "options.signal",
    Param::This => "this",
    Param::Result => "result",
  };
  match arg.index {
    Some(index) => format!("{name}[{index}]"),
    None => name.to_owned(),
  }
}

fn expected(expected: Expected) -> &'static str {
  match expected {
    Expected::String => "of type string",
    Expected::Number => "of type number",
    Expected::Boolean => "of type boolean",
    Expected::Object => "of type object",
    Expected::Headers => {
      "of type object (Record<string, string>), or an instance of Headers, Map or Array"
    }
    Expected::HeaderPair => "an array of a name and a value",
    Expected::Int32Sequence => "an instance of Array or Int32Array",
    Expected::StringOrStrings => "of type string or an array of strings",
    Expected::AbortSignal => "an instance of AbortSignal",
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

fn range(range: Range) -> String {
  match range {
    Range::Integer => "an integer".into(),
    Range::Between(min, max) => format!(">= {min} and <= {max}"),
    Range::SafeInteger => format!(
      ">= -{max} and <= {max} (Number.MAX_SAFE_INTEGER)",
      max = mylib_core::number::MAX_SAFE_INTEGER
    ),
    Range::Finite => "a finite number".into(),
    Range::NonZero => "a non-zero number (division by zero)".into(),
  }
}

/// A received value with its type, as Node's `ERR_INVALID_ARG_TYPE` describes one:
/// `type number (1.5)`, `an instance of Array`, `undefined`.
pub fn describe(received: &Received) -> String {
  match received {
    Received::Undefined => "undefined".into(),
    Received::Null => "null".into(),
    Received::Bool(b) => format!("type boolean ({b})"),
    Received::Number(n) => format!("type number ({})", fmt_number(*n)),
    Received::Integer(n) => format!("type number ({n})"),
    Received::String(s) => format!("type string ({})", quote(s)),
    Received::BigInt(digits) => format!("type bigint ({digits}n)"),
    Received::Hole => "an empty slot (hole)".into(),
    Received::Type(name) => format!("type {name}"),
    Received::Instance(class) => format!("an instance of {class}"),
  }
}

/// A received value alone, as Node's range and value errors show one: `1.5`, `'abc'`.
fn value(received: &Received) -> String {
  match received {
    Received::Number(n) => fmt_number(*n),
    Received::Integer(n) => n.to_string(),
    Received::String(s) => quote(s),
    other => describe(other),
  }
}

/// The message of a core error, in Node's wording: the function, then what went wrong.
pub fn message(err: &mylib_core::Error) -> String {
  use mylib_core::Error as E;
  const FETCH: &str = "fetchData";
  match err {
    E::InvalidArgType {
      arg,
      expected: wanted,
      received,
    } => format!(
      "{}: The \"{}\" argument must be {}. Received {}",
      func_name(arg.func),
      arg_name(arg),
      expected(*wanted),
      describe(received)
    ),
    E::InvalidArgValue {
      arg,
      reason,
      received,
    } => format!(
      "{}: The argument '{}' {}. Received {}",
      func_name(arg.func),
      arg_name(arg),
      invalid(reason),
      value(received)
    ),
    E::OutOfRange {
      arg,
      range: wanted,
      received,
    } if arg.param == Param::Result => format!(
      "{}: The result is out of range. It must be {}. Received {}",
      func_name(arg.func),
      range(*wanted),
      value(received)
    ),
    E::OutOfRange {
      arg,
      range: wanted,
      received,
    } => format!(
      "{}: The value of \"{}\" is out of range. It must be {}. Received {}",
      func_name(arg.func),
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
      "{}: The result is out of range. {} {} {} overflows to {}; the value stays {}",
      func_name(op.func()),
      fmt_number(*value),
      op.symbol(),
      fmt_number(*operand),
      fmt_number(*result),
      fmt_number(*value),
    ),
    E::StringTooLong {
      func: Func::FetchData,
      length,
      max,
    } => format!(
      "{FETCH}: Cannot create a string longer than {max} characters: the response body has {length} characters"
    ),
    E::StringTooLong { func, length, max } => format!(
      "{}: Cannot create a string longer than {max} characters: the \"name\" argument has {length} characters",
      func_name(*func)
    ),
    E::ConstructCallRequired { class } => {
      format!("Class constructor {class} cannot be invoked without 'new'")
    }
    E::InvalidThis {
      func,
      class,
      received,
    } => format!(
      "{}: Value of \"this\" must be of type {class}. Received {}",
      func_name(*func),
      describe(received)
    ),
    E::InvalidUrl {
      input,
      reason,
      redirected_from,
    } => {
      let mut message = format!("{FETCH}: Invalid URL {}: {reason}", quote(input));
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
        "{FETCH}: The URL must be of scheme http or https. Received {}",
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
      "{FETCH}: GET {url} responded with {status} {}",
      reason.unwrap_or("<unknown status code>")
    ),
    E::BodyTooLarge { url, limit } => {
      format!("{FETCH}: GET {url}: the response body exceeds the limit of {limit} bytes")
    }
    E::TooManyRedirects { url, max } => format!("{FETCH}: GET {url}: more than {max} redirects"),
    E::TlsCert { url, reason } => format!("{FETCH}: GET {url} failed (ERR_TLS_CERT): {reason}"),
    E::Timeout { url, after } => format!(
      "{FETCH}: GET {url} timed out after {} ms",
      after.as_millis()
    ),
    E::Aborted => format!("{FETCH}: The operation was aborted"),
    E::Network { code, url, reason } if url.is_empty() => {
      format!("{FETCH}: {reason}")
    }
    E::Network { code, url, reason } => {
      format!("{FETCH}: GET {url} failed ({}): {reason}", code.as_str())
    }
  }
}

/// Formats a number exactly as JavaScript's `String(n)` does, for error messages.
pub fn fmt_number(n: f64) -> String {
  ryu_js::Buffer::new().format(n).to_owned()
}

/// The most UTF-16 code units of a string an error message quotes.
const QUOTE_LIMIT: usize = 25;

/// A string quoted for a message, as Node quotes one: `'abc'`, cut after 25 UTF-16 code units
/// (JS string length) with `...`.
pub fn quote(s: &str) -> String {
  let mut units = s.encode_utf16();
  let head: Vec<u16> = units.by_ref().take(QUOTE_LIMIT).collect();
  let cut = if units.next().is_some() { "..." } else { "" };
  format!("'{}{cut}'", String::from_utf16_lossy(&head))
}

/// How many UTF-16 code units of a string [`quote`] needs to see: one more than it shows, to
/// know whether to cut.
pub const QUOTE_UNITS: usize = QUOTE_LIMIT + 1;

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
  fn exact_ties_format_like_js() {
    // 782242619860259.25 is an exact tie between ...259.2 and ...259.3: JS picks the even digit.
    assert_eq!(
      fmt_number(6_257_940_958_882_074.0 / 8.0),
      "782242619860259.2"
    );
    // 3 × 2^-26, by exact division (Miri perturbs `powi` on purpose).
    assert_eq!(fmt_number(3.0 / 67_108_864.0), "4.470348358154297e-8");
    assert_eq!(fmt_number(123456789012345680000.0), "123456789012345680000");
  }

  #[test]
  fn strings_are_quoted_and_cut_as_node_does() {
    assert_eq!(quote("abc"), "'abc'");
    assert_eq!(quote(&"x".repeat(25)), format!("'{}'", "x".repeat(25)));
    assert_eq!(quote(&"x".repeat(26)), format!("'{}...'", "x".repeat(25)));
    // 13 crabs are 26 code units: the cut splits the 13th.
    assert_eq!(
      quote(&"🦀".repeat(13)),
      format!("'{}\u{fffd}...'", "🦀".repeat(12))
    );
  }

  #[test]
  fn messages_name_the_function_and_the_argument() {
    use mylib_core::Error as E;
    let err = E::out_of_range(
      Argument::element(Func::Sum, Param::Numbers, 2),
      Range::Integer,
      Received::Number(1.5),
    );
    assert_eq!(
      message(&err),
      "sum: The value of \"numbers[2]\" is out of range. It must be an integer. Received 1.5"
    );
    let err = E::arg_type(
      Argument::new(Func::Greet, Param::Name),
      Expected::String,
      Received::Number(1.0),
    );
    assert_eq!(
      message(&err),
      "greet: The \"name\" argument must be of type string. Received type number (1)"
    );
    let err = E::HttpStatus {
      url: "http://x/".into(),
      status: 599,
      reason: None,
    };
    assert_eq!(
      message(&err),
      "fetchData: GET http://x/ responded with 599 <unknown status code>"
    );
  }
}
