//! The Node binding's one error type, and its single conversion into a JS error.
//!
//! A core error becomes a JS error here and nowhere else: each variant chooses its class, its
//! `code` (the core's, shared by every binding) and its message in Node's dialect. Caller
//! mistakes are `TypeError`s (wrong type) or `RangeError`s (bad number), with Node core's own
//! codes; runtime failures are plain `Error`s.

use std::ptr;

pub use mylib_js::{js_class, message, JsClass, QUOTE_UNITS};
use napi::{sys, Env, JsValue, Status, Unknown};

use crate::raw;

/// A failure of a Node export: a core error to throw, or a JS exception that is already
/// pending (a caller's getter or Proxy trap threw while an argument was read) or a Node-API
/// failure, which reaches the caller unchanged.
#[derive(Debug)]
pub enum Error {
  Core(mylib_core::Error),
  /// A core error raised by a Node-only helper, whose messages carry its own name instead of
  /// the core function's (sum.cjs's `elementError`).
  Helper(&'static str, Box<mylib_core::Error>),
  Js(napi::Error),
}

impl From<mylib_core::Error> for Error {
  fn from(err: mylib_core::Error) -> Self {
    Error::Core(err)
  }
}

impl From<napi::Error> for Error {
  fn from(err: napi::Error) -> Self {
    Error::Js(err)
  }
}

impl std::fmt::Display for Error {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    match self {
      Error::Core(err) => f.write_str(&message(err)),
      Error::Helper(name, err) => f.write_str(&helper_message(name, err)),
      Error::Js(err) => write!(f, "{err}"),
    }
  }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// [`message`], with `name` in place of the core function's name.
fn helper_message(name: &str, err: &mylib_core::Error) -> String {
  let message = message(err);
  let detail = message
    .split_once(": ")
    .map_or(message.as_str(), |(_, detail)| detail);
  format!("{name}: {detail}")
}

impl Error {
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

  /// The JS value to reject a promise with: the error object a core error describes, or, for
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
    let (err, text) = match self {
      Error::Core(err) => {
        let text = message(&err);
        (err, text)
      }
      Error::Helper(name, err) => {
        let text = helper_message(name, &err);
        (*err, text)
      }
      Error::Js(inner) => {
        return match pending_exception(env) {
          Some(exception) => Ok(exception),
          // A Node-API failure without an exception: an Error carrying its status as `code`.
          None => create(
            env,
            JsClass::Error,
            inner.status.as_ref(),
            &inner.reason,
            &[],
          ),
        };
      }
    };
    use mylib_core::Error as E;
    let mut extra = match &err {
      E::HttpStatus { status, .. } => vec![("status", Extra::Number(f64::from(*status)))],
      E::InvalidUrl { input, .. } => vec![("input", Extra::Text(input))],
      E::Timeout { .. } => vec![("name", Extra::Text("TimeoutError"))],
      E::Aborted => vec![("name", Extra::Text("AbortError"))],
      _ => vec![],
    };
    if let Some(cause) = cause {
      extra.push(("cause", Extra::Value(cause.raw())));
    }
    create(env, js_class(&err), err.code(), &text, &extra)
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
    .map(|(name, &value)| raw::data_property(name, value))
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

/// Converts a binding result into a napi-rs result, throwing the JS error on the JS thread.
pub trait IntoNapi<T> {
  fn into_napi(self, env: &Env) -> napi::Result<T>;
}

impl<T, E: Into<Error>> IntoNapi<T> for Result<T, E> {
  fn into_napi(self, env: &Env) -> napi::Result<T> {
    self.map_err(|err| err.into().into_napi(env))
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
