//! `createUser`: a validated user record, as a plain object.

use mylib_core::user::check_id;
use mylib_core::{Argument, Func, Param};
use wasm_bindgen::prelude::*;

use crate::arg;
use crate::error::Result;

#[wasm_bindgen(
  inline_js = "export function record(id, name, email) { return { id, name, email } }"
)]
extern "C" {
  /// `{ id, name, email }` as a JS object literal builds it: a plain object in one step, with
  /// no setter of `Object.prototype` run.
  fn record(id: f64, name: &JsValue, email: &JsValue) -> JsValue;
}

/// Creates a user record `{ id, name, email }`: a plain object, the strings exactly as given.
///
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `id` is not a number or `name` / `email`
/// is not a string.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `id` is not an integer in 0..=4294967295.
/// @throws {TypeError} `ERR_INVALID_ARG_VALUE` when `name` is empty or only whitespace, or
/// `email` is not a valid e-mail address (the WHATWG rule of `<input type=email>`).
#[wasm_bindgen(js_name = createUser)]
pub fn create_user(id: &JsValue, name: &JsValue, email: &JsValue) -> Result<JsValue, JsValue> {
  Ok(read_user(id, name, email)?)
}

fn read_user(id: &JsValue, name: &JsValue, email: &JsValue) -> Result<JsValue> {
  let id = check_id(arg::expect_number(
    Argument::new(Func::CreateUser, Param::Id),
    id,
  )?)?;
  let name_text = arg::expect_string(Argument::new(Func::CreateUser, Param::Name), name)?;
  let email_text = arg::expect_string(Argument::new(Func::CreateUser, Param::Email), email)?;
  // Checked as UTF-8, where a lone surrogate is U+FFFD: neither is whitespace nor allowed in an
  // address, so the outcome is the code units' own. The record keeps the JS strings themselves.
  mylib_core::create_user(id, &name_text, &email_text)?;
  Ok(record(id.into(), name, email))
}
