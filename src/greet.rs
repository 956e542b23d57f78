//! `greet`: a greeting that keeps every UTF-16 code unit of the name, lone surrogates included.

use std::ptr;

use napi::bindgen_prelude::Utf16String;
use napi::{sys, Env, JsValue, Unknown, ValueType};

use crate::arg;
use crate::error::{Error, IntoNapi, Result};

/// V8's maximum string length in UTF-16 code units on 64-bit platforms (`String::kMaxLength`,
/// Node's `buffer.constants.MAX_STRING_LENGTH`).
pub const MAX_STRING_LENGTH: usize = (1 << 29) - 24;

const PREFIX: &str = "Hello, ";
const SUFFIX: &str = "!";

/// `Hello, ${name}!` over UTF-16 code units, exactly as the JS template literal builds it, for a
/// name of `name_len` code units, in one allocation. `fill` writes the name into the slice it is
/// given, which has one spare unit at the end (where Node-API puts its terminating NUL; the `!`
/// goes there afterwards).
pub fn greeting_with(
  name_len: usize,
  fill: impl FnOnce(&mut [u16]) -> Result<()>,
) -> Result<Vec<u16>> {
  let len = greeting_length(name_len)?;
  let prefix_len = PREFIX.len();
  let mut out = vec![0u16; len];
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
  Ok(out)
}

/// Returns `` `Hello, ${name}!` `` — exactly what the JS template literal returns, for every
/// string, including empty strings, astral characters, embedded NUL and lone surrogates.
///
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `name` is not a string.
/// @throws {RangeError} `ERR_STRING_TOO_LONG` when the greeting would exceed the engine's
/// maximum string length.
#[napi(catch_unwind, ts_args_type = "name: string")]
pub fn greet(env: &Env, name: Unknown) -> napi::Result<Utf16String> {
  read_greeting(env, &name)
    .map(Utf16String::from)
    .into_napi(env)
}

/// Copies the name straight from the JS string into the greeting: one allocation, one copy.
fn read_greeting(env: &Env, name: &Unknown) -> Result<Vec<u16>> {
  arg::expect_type("greet", "name", name, ValueType::String)?;
  let raw = name.value();
  let mut name_len = 0;
  // SAFETY: `name` is a string; a NULL buffer asks only for its length.
  let status = unsafe {
    sys::napi_get_value_string_utf16(raw.env, raw.value, ptr::null_mut(), 0, &mut name_len)
  };
  arg::check(env, status, "greet")?;
  greeting_with(name_len, |slot| {
    let mut written = 0;
    // SAFETY: `slot` holds `name_len + 1` units: the name and Node-API's terminating NUL.
    let status = unsafe {
      sys::napi_get_value_string_utf16(
        raw.env,
        raw.value,
        slot.as_mut_ptr(),
        slot.len(),
        &mut written,
      )
    };
    arg::check(env, status, "greet")?;
    debug_assert_eq!(written, name_len);
    Ok(())
  })
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
    greeting_with(name.len(), |slot| {
      slot[..name.len()].copy_from_slice(name);
      Ok(())
    })
  }

  #[test]
  fn greets() {
    assert_eq!(greeting(&utf16("Ada")).unwrap(), utf16("Hello, Ada!"));
    assert_eq!(greeting(&[]).unwrap(), utf16("Hello, !"));
    assert_eq!(greeting(&utf16("🦀\0x")).unwrap(), utf16("Hello, 🦀\0x!"));
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
