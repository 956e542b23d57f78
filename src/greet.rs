//! `greet`: a greeting that keeps every UTF-16 code unit of the name, lone surrogates included.

use std::ptr;

use mylib_core::greet::{fill_greeting_utf16, greeting_len_utf16};
use mylib_core::{Argument, Func, Param};
use napi::bindgen_prelude::Object;
use napi::{sys, Env, JsValue, Unknown, ValueType};

use crate::arg;
use crate::error::{IntoNapi, Result};
use crate::raw::{self, Body, Property};

/// V8's maximum string length in UTF-16 code units on 64-bit platforms (`String::kMaxLength`,
/// Node's `buffer.constants.MAX_STRING_LENGTH`).
pub const MAX_STRING_LENGTH: usize = (1 << 29) - 24;

/// Returns `` `Hello, ${name}!` `` — exactly what the JS template literal returns, for every
/// string, including empty strings, astral characters, embedded NUL and lone surrogates.
///
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `name` is not a string.
/// @throws {RangeError} `ERR_STRING_TOO_LONG` when the greeting would exceed the engine's
/// maximum string length.
#[napi(catch_unwind, ts_args_type = "name: string", ts_return_type = "string")]
pub fn greet<'env>(env: &'env Env, name: Unknown<'env>) -> napi::Result<Unknown<'env>> {
  read_greeting(env, &name).into_napi(env)
}

/// [`greet`] as JS calls it (see `raw`).
const GREET: Body<1> = |env, _this, [name]| Ok(greet(env, name)?.value().value);

/// Defines `greet` on the exports as [`GREET`].
pub fn export(env: &Env, exports: &Object) -> napi::Result<()> {
  raw::replace(env, exports, &[Property::function(c"greet", &GREET)])
}

/// Copies the name straight from the JS string into the greeting, and the greeting into a new
/// JS string: two copies, no allocation for a short name.
fn read_greeting<'env>(env: &'env Env, name: &Unknown) -> Result<Unknown<'env>> {
  arg::expect_type(
    Argument::new(Func::Greet, Param::Name),
    name,
    ValueType::String,
  )?;
  let name_len = arg::utf16_len(env, name)?;
  let len = greeting_len_utf16(name_len, MAX_STRING_LENGTH)?;
  arg::with_units(len, |greeting| {
    fill_greeting_utf16(greeting, name_len, |slot| {
      // `slot` holds `name_len + 1` units: the name and Node-API's terminating NUL.
      arg::read_utf16(env, name, slot).map(drop)
    })?;
    let mut result = ptr::null_mut();
    // SAFETY: `greeting` is a live slice of its stated length (at most MAX_STRING_LENGTH).
    let status = unsafe {
      sys::napi_create_string_utf16(
        env.raw(),
        greeting.as_ptr(),
        greeting.len() as isize,
        &mut result,
      )
    };
    arg::check(env, status, "greet")?;
    // SAFETY: a string just created in this environment.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), result) })
  })
}
