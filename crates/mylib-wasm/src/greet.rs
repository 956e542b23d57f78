//! `greet`: a greeting that keeps every UTF-16 code unit of the name, lone surrogates included.

use js_sys::JsString;
use mylib_core::greet::{greeting_len_utf16, PREFIX, SUFFIX};
use mylib_core::{Argument, Func, Param};
use wasm_bindgen::prelude::*;

use crate::arg;
use crate::error::Result;

/// V8's maximum string length in UTF-16 code units on 64-bit platforms (`String::kMaxLength`),
/// the limit the Node addon enforces on every runtime.
pub const MAX_STRING_LENGTH: usize = (1 << 29) - 24;

thread_local! {
  /// The greeting's two ends as JS strings, made once.
  static ENDS: (JsString, JsString) = (JsString::from(PREFIX), JsString::from(SUFFIX));
}

/// Returns `` `Hello, ${name}!` `` — exactly what the JS template literal returns, for every
/// string, including empty strings, astral characters, embedded NUL and lone surrogates.
///
/// The name never passes through wasm memory: wasm-bindgen's string conversion would replace
/// lone surrogates with U+FFFD. The greeting is the engine's concatenation of the JS strings.
///
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `name` is not a string.
/// @throws {RangeError} `ERR_STRING_TOO_LONG` when the greeting would exceed the engine's
/// maximum string length.
#[wasm_bindgen]
pub fn greet(name: &JsValue) -> Result<JsString, JsValue> {
  Ok(read_greeting(name)?)
}

fn read_greeting(name: &JsValue) -> Result<JsString> {
  let name = arg::expect_js_string(Argument::new(Func::Greet, Param::Name), name)?;
  greeting_len_utf16(name.length() as usize, MAX_STRING_LENGTH)?;
  Ok(ENDS.with(|(prefix, suffix)| prefix.concat(name).concat(suffix)))
}
