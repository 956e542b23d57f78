//! Reading JS arguments: every value's type is checked before it is converted, as the Node addon
//! checks them (wasm-bindgen's own conversions coerce: `1.5` → 1 as u32, any value → a string).

use js_sys::{Array, BigInt, JsString, Reflect};
use mylib_core::{Argument, Error as CoreError, Expected, Received};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Error, Result};

/// What a value is, for the "Received ..." part of an error message, without running any user
/// code (no getters, no `toString`). A string is read only as far as a message quotes it.
pub fn describe(value: &JsValue) -> Received {
  if value.is_undefined() {
    return Received::Undefined;
  }
  if value.is_null() {
    return Received::Null;
  }
  if let Some(b) = value.as_bool() {
    return Received::Bool(b);
  }
  if let Some(n) = value.as_f64() {
    return Received::Number(n);
  }
  if let Some(s) = value.dyn_ref::<JsString>() {
    let head = s.slice(0, mylib_js::QUOTE_UNITS as u32);
    return Received::String(String::from(head));
  }
  if value.is_bigint() {
    let digits = value
      .unchecked_ref::<BigInt>()
      .to_string(10)
      .map(String::from);
    return digits.map_or_else(|_| Received::Type("bigint".into()), Received::BigInt);
  }
  if value.is_symbol() {
    return Received::Type("symbol".into());
  }
  if value.is_function() {
    return Received::Type("function".into());
  }
  // An Array proper (a Proxy of one is an array to `Array.isArray` too: see README, Runtimes).
  if Array::is_array(value) {
    return Received::Instance("Array".into());
  }
  match typed_array_name(value) {
    Some(name) => Received::Instance(name.into()),
    None => Received::Type("object".into()),
  }
}

/// The typed array class of `value`, when it is one.
fn typed_array_name(value: &JsValue) -> Option<&'static str> {
  macro_rules! first_of {
    ($($class:ident),*) => {
      $(if value.is_instance_of::<js_sys::$class>() {
        return Some(stringify!($class));
      })*
    };
  }
  first_of!(
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array
  );
  None
}

/// `ERR_INVALID_ARG_TYPE` for `arg`, which should have been `expected` and is `value`.
pub fn type_error(arg: Argument, expected: Expected, value: &JsValue) -> Error {
  CoreError::arg_type(arg, expected, describe(value)).into()
}

/// Reads a number, after checking that the value is one.
pub fn expect_number(arg: Argument, value: &JsValue) -> Result<f64> {
  value
    .as_f64()
    .ok_or_else(|| type_error(arg, Expected::Number, value))
}

/// Reads a number that may be omitted: `undefined` gives `default`, as a JS default parameter
/// does; `null` and every other non-number are type errors.
pub fn optional_number(arg: Argument, value: &JsValue, default: f64) -> Result<f64> {
  if value.is_undefined() {
    return Ok(default);
  }
  expect_number(arg, value)
}

/// Checks that a value is a string and returns it as the JS string it is (no copy, every code
/// unit kept).
pub fn expect_js_string(arg: Argument, value: &JsValue) -> Result<&JsString> {
  value
    .dyn_ref::<JsString>()
    .ok_or_else(|| type_error(arg, Expected::String, value))
}

/// Reads a string as UTF-8 (lone surrogates become U+FFFD, as in the Node addon), after checking
/// that the value is one.
pub fn expect_string(arg: Argument, value: &JsValue) -> Result<String> {
  expect_js_string(arg, value).map(String::from)
}

/// Reads `object[name]`. This runs user code (getters, Proxy traps); what it throws is returned
/// as [`Error::Js`].
pub fn property(object: &JsValue, name: &str) -> Result<JsValue> {
  Reflect::get(object, &JsValue::from_str(name)).map_err(Error::Js)
}

/// Whether a value is a plain options object: an object, not `null`, not an array, not a
/// function.
pub fn is_options_object(value: &JsValue) -> bool {
  value.is_object() && !Array::is_array(value)
}
