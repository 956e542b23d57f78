//! The WebAssembly binding's one conversion of errors into JS errors.
//!
//! A core error is thrown with the class and message the Node addon gives it (both from
//! `mylib-js`) and the core's `code`, so that callers of `mylib` and `mylib-wasm` catch the
//! same things. A JS exception raised while an argument was read (a getter, a Proxy trap)
//! reaches the caller unchanged.

use js_sys::{Object, Reflect};
use mylib_js::JsClass;
use wasm_bindgen::{JsCast, JsValue};

/// A failure of an export.
#[derive(Debug)]
pub enum Error {
  Core(mylib_core::Error),
  /// An option the host's `fetch` cannot honour (`options.ca`: a browser's fetch trusts only the
  /// platform's certificates). `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM`, Node core's code for a
  /// feature the platform lacks. Only this binding has it, so it is not a core variant.
  Unavailable {
    option: &'static str,
    why: &'static str,
  },
  /// A value the caller's code threw (a getter, a Proxy trap), passed on as it is.
  Js(JsValue),
}

impl From<mylib_core::Error> for Error {
  fn from(err: mylib_core::Error) -> Self {
    Error::Core(err)
  }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
  /// The JS value to throw or reject with.
  pub fn into_js(self) -> JsValue {
    self.into_js_with_cause(None)
  }

  /// [`Error::into_js`], with `cause` as the error's `cause` property when given.
  pub fn into_js_with_cause(self, cause: Option<&JsValue>) -> JsValue {
    let err = match self {
      Error::Core(err) => err,
      Error::Unavailable { option, why } => {
        let message =
          format!("fetchData: The \"{option}\" option is unavailable on this platform: {why}");
        return create(
          JsClass::TypeError,
          "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM",
          &message,
          &[],
        );
      }
      Error::Js(value) => return value,
    };
    use mylib_core::Error as E;
    let mut extra: Vec<(&str, JsValue)> = match &err {
      E::HttpStatus { status, .. } => vec![("status", JsValue::from(*status))],
      E::InvalidUrl { input, .. } => vec![("input", JsValue::from_str(input))],
      E::Timeout { .. } => vec![("name", JsValue::from_str("TimeoutError"))],
      E::Aborted => vec![("name", JsValue::from_str("AbortError"))],
      _ => vec![],
    };
    if let Some(cause) = cause {
      extra.push(("cause", cause.clone()));
    }
    create(
      mylib_js::js_class(&err),
      err.code(),
      &mylib_js::message(&err),
      &extra,
    )
  }
}

impl From<Error> for JsValue {
  fn from(err: Error) -> Self {
    err.into_js()
  }
}

/// `new <class>(message)`, with `code` and the extra properties defined on it as own data
/// properties (writable, enumerable, configurable), as an assignment in a constructor would make
/// them, but without running setters someone may have put on `Object.prototype`.
fn create(class: JsClass, code: &str, message: &str, extra: &[(&str, JsValue)]) -> JsValue {
  let error: Object = match class {
    JsClass::Error => js_sys::Error::new(message).unchecked_into(),
    JsClass::TypeError => js_sys::TypeError::new(message).unchecked_into(),
    JsClass::RangeError => js_sys::RangeError::new(message).unchecked_into(),
  };
  let properties = std::iter::once(("code", JsValue::from_str(code)))
    .chain(extra.iter().map(|(name, value)| (*name, value.clone())));
  for (name, value) in properties {
    define(&error, name, &value);
  }
  error.into()
}

/// Defines `object[name] = value` as an own data property.
fn define(object: &Object, name: &str, value: &JsValue) {
  let descriptor = Object::create(&JsValue::NULL.unchecked_into());
  for (key, field) in [
    ("value", value.clone()),
    ("writable", JsValue::TRUE),
    ("enumerable", JsValue::TRUE),
    ("configurable", JsValue::TRUE),
  ] {
    // A fresh object with a null prototype: setting its properties runs no one's code.
    let _ = Reflect::set(&descriptor, &JsValue::from_str(key), &field);
  }
  Object::define_property(object, &JsValue::from_str(name), &descriptor);
}
