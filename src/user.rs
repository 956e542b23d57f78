//! `createUser`: a validated user record as a plain JS object.

use std::ptr;

use mylib_core::user::{check_id, check_utf16};
use mylib_core::{Argument, Func, Param};
use napi::bindgen_prelude::{JsObjectValue, Object, Utf16String};
use napi::{check_status, sys, Env, JsValue, Unknown};

use crate::arg;
use crate::error::{IntoNapi, Result};
use crate::raw::{self, to_js, Body, Property};

/// A user record: a plain object with own enumerable properties, safe to `JSON.stringify`.
#[napi(object, object_from_js = false)]
#[derive(Debug)]
pub struct User {
  /// An integer in 0..=4294967295.
  pub id: u32,
  /// The name exactly as given (never blank).
  pub name: Utf16String,
  /// A valid e-mail address by the WHATWG HTML definition.
  pub email: String,
}

/// Creates a user record `{ id, name, email }`.
///
/// @param id - an integer in 0..=4294967295.
/// @param name - any string that is not empty after trimming; kept exactly as given.
/// @param email - a valid e-mail address by the WHATWG HTML definition (`<input type=email>`).
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `id` is not a number or `name`/`email` is
/// not a string.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `id` is not an integer in 0..=4294967295.
/// @throws {TypeError} `ERR_INVALID_ARG_VALUE` when `name` is blank or `email` is not valid.
#[napi(
  catch_unwind,
  ts_args_type = "id: number, name: string, email: string",
  ts_return_type = "User"
)]
pub fn create_user<'env>(
  env: &'env Env,
  id: Unknown<'env>,
  name: Unknown<'env>,
  email: Unknown<'env>,
) -> napi::Result<Unknown<'env>> {
  let id = read_user(env, &id, &name, &email).into_napi(env)?;
  let mut id_value = ptr::null_mut();
  // SAFETY: a plain Node-API call on the live environment.
  check_status!(unsafe { sys::napi_create_uint32(env.raw(), id, &mut id_value) })?;
  // The strings go into the record as they came: checked, never copied.
  record(env, id_value, name.value().value, email.value().value)
}

/// [`create_user`] as JS calls it (see `raw`).
const CREATE_USER: Body<3> =
  |env, _this, [id, name, email]| Ok(create_user(env, id, name, email)?.value().value);

/// `createUser.check(id, name, email)`: [`create_user`]'s checks without the record, returning
/// `undefined` (for user.cjs, which builds the record itself).
const CHECK: Body<3> = |env, _this, [id, name, email]| {
  read_user(env, &id, &name, &email).into_napi(env)?;
  to_js(env, ())
};

/// Puts [`CREATE_USER`] in place of the `createUser` napi-rs exported, carrying [`CHECK`] as its
/// non-enumerable `check` (for user.cjs; the package exports user.cjs's wrapper instead).
///
/// Measured on 2026-12-03: the record is most of this function's time. Node-API can only add
/// properties to an empty object one at a time, through V8's generic property machinery, and
/// calling a JS function from Rust to build it costs as much again; user.cjs's object literal,
/// after `check`, brings `createUser` from about 3x a plain JS function to under 2x (README
/// "Performance"). The entry point's spec checks that both give the same records and errors.
pub fn export(env: &Env, exports: &Object) -> napi::Result<()> {
  raw::replace(
    env,
    exports,
    &[Property::function(c"createUser", &CREATE_USER)],
  )?;
  let create_user: Unknown = exports.get_named_property("createUser")?;
  raw::add(env, &create_user, &[Property::method(c"check", &CHECK)])
}

/// Checks the types of all three arguments, then their values: the id, the name, the e-mail
/// address.
fn read_user(env: &Env, id: &Unknown, name: &Unknown, email: &Unknown) -> Result<u32> {
  let arg = |param| Argument::new(Func::CreateUser, param);
  let id = arg::expect_number(arg(Param::Id), id)?;
  arg::with_utf16(env, arg(Param::Name), name, |name| {
    arg::with_utf16(env, arg(Param::Email), email, |email| {
      let id = check_id(id)?;
      check_utf16(name, email)?;
      Ok(id)
    })?
  })?
}

/// The plain object `{ id, name, email }`, built with Node-API a property at a time.
fn record(
  env: &Env,
  id: sys::napi_value,
  name: sys::napi_value,
  email: sys::napi_value,
) -> napi::Result<Unknown<'_>> {
  let raw = env.raw();
  let mut object = ptr::null_mut();
  let properties = [
    raw::data_property(c"id", id),
    raw::data_property(c"name", name),
    raw::data_property(c"email", email),
  ];
  // SAFETY: plain Node-API calls on live values of this environment; the names are C strings.
  unsafe {
    check_status!(sys::napi_create_object(raw, &mut object))?;
    check_status!(sys::napi_define_properties(
      raw,
      object,
      properties.len(),
      properties.as_ptr()
    ))?;
    Ok(Unknown::from_raw_unchecked(raw, object))
  }
}
