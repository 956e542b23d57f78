//! `greet`: a greeting that keeps every UTF-16 code unit of the name, lone surrogates included.

use std::ptr;

use napi::bindgen_prelude::Object;
use napi::{sys, Env, JsValue, Unknown, ValueType};

use crate::arg;
use crate::callback::{self, Body, Property};
use crate::error::{Error, IntoNapi, Result};

/// V8's maximum string length in UTF-16 code units on 64-bit platforms (`String::kMaxLength`,
/// Node's `buffer.constants.MAX_STRING_LENGTH`).
pub const MAX_STRING_LENGTH: usize = (1 << 29) - 24;

const PREFIX: &str = "Hello, ";
const SUFFIX: &str = "!";

/// Builds `Hello, ${name}!` over UTF-16 code units, exactly as the JS template literal builds
/// it, for a name of `name_len` code units, and hands it to `finish`. `fill` writes the name into
/// the slice it is given, which has one spare unit at the end (where Node-API puts its
/// terminating NUL; the `!` goes there afterwards). A short greeting lives on the stack; a longer
/// one takes one allocation.
pub fn with_greeting<R>(
  name_len: usize,
  fill: impl FnOnce(&mut [u16]) -> Result<()>,
  finish: impl FnOnce(&[u16]) -> R,
) -> Result<R> {
  let len = greeting_length(name_len)?;
  arg::with_units(len, |out| {
    let prefix_len = PREFIX.len();
    for (slot, unit) in out.iter_mut().zip(PREFIX.encode_utf16()) {
      *slot = unit;
    }
    fill(&mut out[prefix_len..])?;
    for (slot, unit) in out[prefix_len + name_len..]
      .iter_mut()
      .zip(SUFFIX.encode_utf16())
    {
      *slot = unit;
    }
    Ok(finish(out))
  })
}

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

/// [`greet`] as JS calls it: the same function, without napi-rs's per-call glue (see
/// `callback`).
const GREET: Body<1> = |env, _this, [name]| Ok(greet(env, name)?.value().value);

/// Replaces the `greet` napi-rs exported with [`GREET`].
pub fn export(env: &Env, exports: &Object) -> napi::Result<()> {
  callback::define(env, exports, &[Property::function(c"greet", &GREET)])
}

/// Copies the name straight from the JS string into the greeting, and the greeting into a new
/// JS string: two copies, no allocation for a short name.
fn read_greeting<'env>(env: &'env Env, name: &Unknown) -> Result<Unknown<'env>> {
  arg::expect_type("greet", "name", name, ValueType::String)?;
  let name_len = arg::utf16_len(env, "greet", name)?;
  let fill = |slot: &mut [u16]| {
    // `slot` holds `name_len + 1` units: the name and Node-API's terminating NUL.
    let written = arg::read_utf16(env, "greet", name, slot)?;
    debug_assert_eq!(written, name_len);
    Ok(())
  };
  let create = |greeting: &[u16]| {
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
  };
  with_greeting(name_len, fill, create)?
}

/// The length of the greeting for a name of `name_len` code units, if the engine can hold it.
pub fn greeting_length(name_len: usize) -> Result<usize> {
  let len = name_len.saturating_add(PREFIX.len() + SUFFIX.len());
  if len > MAX_STRING_LENGTH {
    return Err(Error::StringTooLong(format!(
      "greet: Cannot create a string longer than {MAX_STRING_LENGTH} characters: the \"name\" argument has {name_len} characters"
    )));
  }
  Ok(len)
}

#[cfg(test)]
mod tests {
  use super::*;

  fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
  }

  fn greeting(name: &[u16]) -> Result<Vec<u16>> {
    let fill = |slot: &mut [u16]| {
      slot[..name.len()].copy_from_slice(name);
      Ok(())
    };
    with_greeting(name.len(), fill, <[u16]>::to_vec)
  }

  #[test]
  fn greets() {
    assert_eq!(greeting(&utf16("Ada")).unwrap(), utf16("Hello, Ada!"));
    assert_eq!(greeting(&[]).unwrap(), utf16("Hello, !"));
    assert_eq!(greeting(&utf16("🦀\0x")).unwrap(), utf16("Hello, 🦀\0x!"));
  }

  #[test]
  fn greets_on_the_stack_and_on_the_heap_alike() {
    // Greetings of STACK_UNITS - 1 ..= STACK_UNITS + 1 units straddle the two buffers.
    for name_len in arg::STACK_UNITS - 9..=arg::STACK_UNITS - 7 {
      let name: Vec<u16> = (0..name_len).map(|i| 0xD800 + i as u16).collect();
      let mut expected = utf16("Hello, ");
      expected.extend_from_slice(&name);
      expected.extend(utf16("!"));
      assert_eq!(greeting(&name).unwrap(), expected, "{name_len}");
    }
  }

  #[test]
  fn keeps_lone_surrogates() {
    let name = [0xD800, 0x61, 0xDFFF];
    let mut expected = utf16("Hello, ");
    expected.extend_from_slice(&name);
    expected.extend(utf16("!"));
    assert_eq!(greeting(&name).unwrap(), expected);
  }

  #[test]
  fn refuses_a_greeting_longer_than_the_engine_allows() {
    assert_eq!(
      greeting_length(MAX_STRING_LENGTH - 8).unwrap(),
      MAX_STRING_LENGTH
    );
    let err = greeting_length(MAX_STRING_LENGTH - 7).unwrap_err();
    assert!(
      matches!(&err, Error::StringTooLong(m) if m.contains("536870881")),
      "{err}"
    );
    assert!(greeting_length(usize::MAX).is_err());
  }
}
