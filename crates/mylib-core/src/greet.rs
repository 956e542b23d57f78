//! `greet`: `Hello, <name>!`, exactly, over UTF-8 text or over UTF-16 code units.

use crate::error::{Error, Func, Result};

/// What a greeting starts with.
pub const PREFIX: &str = "Hello, ";
/// What a greeting ends with.
pub const SUFFIX: &str = "!";

/// `Hello, <name>!`, for every string.
pub fn greet(name: &str) -> String {
  let mut greeting = String::with_capacity(PREFIX.len() + name.len() + SUFFIX.len());
  greeting.push_str(PREFIX);
  greeting.push_str(name);
  greeting.push_str(SUFFIX);
  greeting
}

/// The length in UTF-16 code units of the greeting for a name of `name_len` units, if it is at
/// most `max` (the longest string the caller's engine holds); else [`Error::StringTooLong`].
pub fn greeting_len_utf16(name_len: usize, max: usize) -> Result<usize> {
  let len = name_len.saturating_add(PREFIX.len() + SUFFIX.len());
  if len > max {
    return Err(Error::StringTooLong {
      func: Func::Greet,
      length: name_len,
      max,
    });
  }
  Ok(len)
}

/// Writes `Hello, <name>!` as UTF-16 into `out`, which must be exactly
/// `greeting_len_utf16(name_len, _)` units long: the prefix, then `fill` writes the name's
/// `name_len` units into the slice it gets (which has one spare unit at its end, for a writer
/// that adds a terminating NUL; the suffix overwrites it), then the suffix. Every code unit of
/// the name is kept, lone surrogates included.
///
/// # Panics
/// If `out` is shorter than the greeting.
pub fn fill_greeting_utf16<E>(
  out: &mut [u16],
  name_len: usize,
  fill: impl FnOnce(&mut [u16]) -> Result<(), E>,
) -> Result<(), E> {
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
  Ok(())
}

/// `Hello, <name>!` over UTF-16 code units, lone surrogates included.
pub fn greet_utf16(name: &[u16]) -> Vec<u16> {
  let mut greeting = Vec::with_capacity(name.len() + PREFIX.len() + SUFFIX.len());
  greeting.extend(PREFIX.encode_utf16());
  greeting.extend_from_slice(name);
  greeting.extend(SUFFIX.encode_utf16());
  greeting
}

#[cfg(test)]
mod tests {
  use super::*;

  fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
  }

  /// The greeting as `fill_greeting_utf16` builds it, into a buffer of the exact length.
  fn filled(name: &[u16]) -> Vec<u16> {
    let len = greeting_len_utf16(name.len(), usize::MAX).unwrap();
    let mut out = vec![0; len];
    fill_greeting_utf16::<()>(&mut out, name.len(), |slot| {
      slot[..name.len()].copy_from_slice(name);
      slot[name.len()] = 0; // the spare unit a NUL-terminating writer uses
      Ok(())
    })
    .unwrap();
    out
  }

  #[test]
  fn greets_text() {
    assert_eq!(greet("Ada"), "Hello, Ada!");
    assert_eq!(greet(""), "Hello, !");
    assert_eq!(greet("🦀\0x"), "Hello, 🦀\0x!");
  }

  #[test]
  fn greets_code_units_exactly() {
    for name in ["Ada", "", "🦀\0x", "Ada Lovelace"] {
      assert_eq!(greet_utf16(&utf16(name)), utf16(&greet(name)));
      assert_eq!(filled(&utf16(name)), utf16(&greet(name)));
    }
  }

  #[test]
  fn keeps_lone_surrogates() {
    let name = [0xD800, 0x61, 0xDFFF];
    let mut expected = utf16("Hello, ");
    expected.extend_from_slice(&name);
    expected.extend(utf16("!"));
    assert_eq!(greet_utf16(&name), expected);
    assert_eq!(filled(&name), expected);
  }

  #[test]
  fn refuses_a_greeting_longer_than_the_engine_allows() {
    let max = (1 << 29) - 24;
    assert_eq!(greeting_len_utf16(max - 8, max), Ok(max));
    assert_eq!(
      greeting_len_utf16(max - 7, max),
      Err(Error::StringTooLong {
        func: Func::Greet,
        length: max - 7,
        max
      })
    );
    assert!(greeting_len_utf16(usize::MAX, max).is_err());
  }
}
