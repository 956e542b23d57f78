//! The one conversion of a core error into a Python exception, worded as Python words them.
//!
//! Caller mistakes are builtin exceptions: `TypeError` (wrong type), `ValueError` (bad value),
//! `ZeroDivisionError` (a zero divisor), `OverflowError` (a result beyond the float range).
//! Failures of a request are `mylib.FetchError` or one of its subclasses (defined in Python, in
//! `mylib/_errors.py`), carrying the shared `code`.

use mylib_core::{Argument, Error, Expected, Func, Invalid, Param, Range, Received};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError, PyZeroDivisionError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyFloat, PyString, PyType};

/// A function's name as Python callers write it.
fn func_name(func: Func) -> &'static str {
  match func {
    Func::Greet => "greet",
    Func::Sum => "sum",
    Func::CalculatorNew => "Calculator",
    Func::CalculatorValue => "Calculator.value",
    Func::CalculatorAdd => "Calculator.add",
    Func::CalculatorSubtract => "Calculator.subtract",
    Func::CalculatorMultiply => "Calculator.multiply",
    Func::CalculatorDivide => "Calculator.divide",
    Func::CalculatorReset => "Calculator.reset",
    Func::CreateUser => "create_user",
    Func::FetchData => "fetch_data",
  }
}

/// A string as Python's `repr` shows it.
fn repr_str(s: &str) -> String {
  Python::attach(|py| {
    PyString::new(py, s)
      .repr()
      .map(|r| r.to_string())
      .unwrap_or_else(|_| format!("{s:?}"))
  })
}

/// A float as Python's `repr` shows it (`1e+16`, `inf`, `nan`).
fn repr_float(n: f64) -> String {
  Python::attach(|py| {
    PyFloat::new(py, n)
      .repr()
      .map(|r| r.to_string())
      .unwrap_or_else(|_| n.to_string())
  })
}

/// The argument, for messages: `argument 'name'`, `item 3`, `argument 'ca' item 1`.
fn argument(arg: &Argument) -> String {
  let name = match &arg.param {
    Param::Name => "name".to_owned(),
    Param::Numbers => "numbers".to_owned(),
    Param::Initial => "initial".to_owned(),
    Param::N => "n".to_owned(),
    Param::Value => "value".to_owned(),
    Param::Id => "id".to_owned(),
    Param::Email => "email".to_owned(),
    Param::Url => "url".to_owned(),
    Param::Options => "options".to_owned(),
    Param::Timeout => "timeout".to_owned(),
    Param::MaxBytes => "max_bytes".to_owned(),
    Param::Headers => "headers".to_owned(),
    Param::Header(header) => format!("headers[{}]", repr_str(header)),
    Param::Ca => "ca".to_owned(),
    Param::Signal => "signal".to_owned(),
    Param::This => "self".to_owned(),
    Param::Result => "result".to_owned(),
  };
  match (arg.func, arg.index) {
    (Func::Sum, Some(index)) => format!("item {index}"),
    (_, Some(index)) => format!("argument '{name}' item {index}"),
    _ => format!("argument '{name}'"),
  }
}

fn value(received: &Received) -> String {
  match received {
    Received::Number(n) => repr_float(*n),
    Received::Integer(n) => n.to_string(),
    Received::String(s) => repr_str(s),
    Received::Bool(true) => "True".into(),
    Received::Bool(false) => "False".into(),
    Received::BigInt(digits) => digits.clone(),
    Received::Undefined | Received::Null => "None".into(),
    Received::Hole => "a hole".into(),
    Received::Type(name) | Received::Instance(name) => name.clone(),
  }
}

fn range(range: Range) -> String {
  match range {
    Range::Integer => "an integer".into(),
    Range::Between(min, max) if (min, max) == (i32::MIN.into(), i32::MAX.into()) => {
      format!("in the int32 range ({min} to {max})")
    }
    Range::Between(min, max) => format!("between {min} and {max}"),
    Range::SafeInteger => "an int that a float holds exactly".into(),
    Range::Finite => "a finite number".into(),
    Range::NonZero => "non-zero".into(),
  }
}

fn invalid(reason: &Invalid) -> String {
  match reason {
    Invalid::Blank => "must not be empty or only whitespace".into(),
    Invalid::Email => "must be a valid e-mail address".into(),
    Invalid::HeaderName => "is not a valid HTTP header name".into(),
    Invalid::ConnectionHeader => {
      "must not be set: the client manages the connection and the message framing".into()
    }
    Invalid::HeaderValue => {
      "is not a valid HTTP header value (Latin-1 characters without control characters)".into()
    }
    Invalid::Pem(why) => format!("must hold PEM certificates (-----BEGIN CERTIFICATE-----): {why}"),
    Invalid::Utf8 => "must be valid UTF-8".into(),
    Invalid::Nul => "must not contain NUL characters".into(),
  }
}

fn expected(expected: Expected) -> &'static str {
  match expected {
    Expected::String => "str",
    Expected::Number => "int",
    Expected::Boolean => "bool",
    Expected::Object => "a mapping",
    Expected::Headers => "a mapping of str to str",
    Expected::HeaderPair => "a (name, value) pair of str",
    Expected::Int32Sequence => "an iterable of int or a buffer of int32",
    Expected::StringOrStrings => "str or a sequence of str",
    Expected::AbortSignal => "an abort signal",
  }
}

/// The Python exception classes of request failures, from `mylib._errors`.
fn fetch_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyType>> {
  static FETCH_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
  static HTTP_STATUS_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
  static TIMEOUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
  static REFUSED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
  static RESET: PyOnceLock<Py<PyType>> = PyOnceLock::new();
  let cell = match name {
    "HTTPStatusError" => &HTTP_STATUS_ERROR,
    "FetchTimeoutError" => &TIMEOUT,
    "FetchConnectionRefusedError" => &REFUSED,
    "FetchConnectionResetError" => &RESET,
    _ => &FETCH_ERROR,
  };
  cell.import(py, "mylib._errors", name).cloned()
}

/// The `FetchError` (or subclass) for a request failure.
fn fetch_error(err: &Error, message: String) -> PyErr {
  let (class, url, status) = match err {
    Error::HttpStatus { url, status, .. } => ("HTTPStatusError", url.as_str(), Some(*status)),
    Error::Timeout { url, .. } => ("FetchTimeoutError", url.as_str(), None),
    Error::Network {
      code: mylib_core::NetworkCode::ConnectionRefused,
      url,
      ..
    } => ("FetchConnectionRefusedError", url.as_str(), None),
    Error::Network {
      code: mylib_core::NetworkCode::ConnectionReset,
      url,
      ..
    } => ("FetchConnectionResetError", url.as_str(), None),
    Error::Network { url, .. }
    | Error::BodyTooLarge { url, .. }
    | Error::TooManyRedirects { url, .. }
    | Error::TlsCert { url, .. } => ("FetchError", url.as_str(), None),
    Error::InvalidUrlScheme {
      redirected_from: Some(url),
      ..
    }
    | Error::InvalidUrl {
      redirected_from: Some(url),
      ..
    } => ("FetchError", url.as_str(), None),
    _ => ("FetchError", "", None),
  };
  Python::attach(|py| {
    let made = fetch_class(py, class).and_then(|class| {
      let url = (!url.is_empty()).then_some(url);
      class.call1((message.clone(), err.code(), url, status))
    });
    match made {
      Ok(exception) => PyErr::from_value(exception),
      Err(failure) => failure,
    }
  })
}

/// The message of a request failure (after `fetch_data: `).
fn fetch_message(err: &Error) -> String {
  match err {
    Error::InvalidUrlScheme {
      scheme,
      redirected_from: Some(from),
    } => format!("a redirect from {from} led to a {scheme} URL; only http and https are followed"),
    Error::InvalidUrl {
      input,
      reason,
      redirected_from: Some(from),
    } => format!(
      "a redirect from {from} led to an invalid URL {}: {reason}",
      repr_str(input)
    ),
    Error::HttpStatus {
      url,
      status,
      reason,
    } => format!(
      "GET {url} responded with {status} {}",
      reason.unwrap_or("<unknown status code>")
    ),
    Error::BodyTooLarge { url, limit } => {
      format!("GET {url}: the response body exceeds max_bytes ({limit} bytes)")
    }
    Error::TooManyRedirects { url, max } => format!("GET {url}: more than {max} redirects"),
    Error::TlsCert { url, reason } => format!("GET {url}: certificate refused: {reason}"),
    Error::Timeout { url, after } => {
      format!(
        "GET {url} timed out after {} s",
        repr_float(after.as_secs_f64())
      )
    }
    Error::Aborted => "the request was cancelled".into(),
    Error::Network { url, reason, .. } if url.is_empty() => reason.clone(),
    Error::Network { url, reason, .. } => format!("GET {url} failed: {reason}"),
    other => other.to_string(),
  }
}

/// A core error as the Python exception a caller catches.
pub fn to_py(err: Error) -> PyErr {
  match &err {
    Error::InvalidArgType {
      arg,
      expected: wanted,
      received,
    } => PyTypeError::new_err(format!(
      "{}() {} must be {}, not {}",
      func_name(arg.func),
      argument(arg),
      expected(*wanted),
      value(received)
    )),
    Error::InvalidArgValue {
      arg,
      reason,
      received,
    } => PyValueError::new_err(format!(
      "{}() {} {}: {}",
      func_name(arg.func),
      argument(arg),
      invalid(reason),
      value(received)
    )),
    Error::OutOfRange {
      arg,
      range: Range::NonZero,
      ..
    } => PyZeroDivisionError::new_err(format!(
      "{}() {} must be non-zero (division by zero)",
      func_name(arg.func),
      argument(arg)
    )),
    Error::OutOfRange {
      arg,
      range: wanted,
      received,
    } if arg.param == Param::Result => PyOverflowError::new_err(format!(
      "{}() result {} must be {}",
      func_name(arg.func),
      value(received),
      range(*wanted)
    )),
    Error::OutOfRange {
      arg,
      range: wanted,
      received,
    } => PyValueError::new_err(format!(
      "{}() {} must be {}, not {}",
      func_name(arg.func),
      argument(arg),
      range(*wanted),
      value(received)
    )),
    Error::Overflow {
      op,
      value,
      operand,
      result,
    } => PyOverflowError::new_err(format!(
      "{}(): {} {} {} overflows to {}; the value stays {}",
      func_name(op.func()),
      repr_float(*value),
      op.symbol(),
      repr_float(*operand),
      repr_float(*result),
      repr_float(*value)
    )),
    Error::InvalidUrl {
      input,
      reason,
      redirected_from: None,
    } => PyValueError::new_err(format!(
      "fetch_data() invalid URL {}: {reason}",
      repr_str(input)
    )),
    Error::InvalidUrlScheme {
      scheme,
      redirected_from: None,
    } => PyValueError::new_err(format!(
      "fetch_data() argument 'url' must be an http or https URL, not {}",
      repr_str(scheme)
    )),
    Error::StringTooLong { .. }
    | Error::ConstructCallRequired { .. }
    | Error::InvalidThis { .. } => PyValueError::new_err(err.to_string()),
    _ => fetch_error(&err, format!("fetch_data: {}", fetch_message(&err))),
  }
}

/// `Result` for the binding's functions: core errors convert with `?` through [`to_py`].
pub trait IntoPy<T> {
  fn py(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
  fn py(self) -> PyResult<T> {
    self.map_err(to_py)
  }
}

/// The type name Python's messages give for `obj` (`float`, `NoneType`).
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
  obj
    .get_type()
    .name()
    .map(|name| name.to_string())
    .unwrap_or_else(|_| "object".into())
}

/// A `TypeError` in Python's wording: `greet() argument 'name' must be str, not int`.
pub fn type_error(arg: Argument, wanted: Expected, obj: &Bound<'_, PyAny>) -> PyErr {
  to_py(Error::arg_type(arg, wanted, Received::Type(type_name(obj))))
}

/// `func() argument 'name'`, the start of a message about an argument.
pub fn arg_prefix(arg: &Argument) -> String {
  format!("{}() {}", func_name(arg.func), argument(arg))
}

/// A `ValueError` for a str holding lone surrogates, which UTF-8 text cannot.
pub fn surrogates_error(arg: &Argument) -> PyErr {
  PyValueError::new_err(format!(
    "{}() {} must not contain lone surrogates",
    func_name(arg.func),
    argument(arg)
  ))
}
