//! `createUser`: a validated user record.

use crate::error::{Argument, Error, Func, Invalid, Param, Received, Result};
use crate::number;

/// A user record whose fields passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct User {
  /// Any `u32`.
  pub id: u32,
  /// Not empty after trimming whitespace; kept exactly as given.
  pub name: String,
  /// A valid e-mail address by the WHATWG HTML rule.
  pub email: String,
}

/// Creates a user record, checking that `name` is not blank and `email` is valid.
pub fn create_user(id: u32, name: &str, email: &str) -> Result<User> {
  check_name(name.chars().map(u32::from), || name.to_owned())?;
  check_email(email.as_bytes(), || email.to_owned())?;
  Ok(User {
    id,
    name: name.to_owned(),
    email: email.to_owned(),
  })
}

/// Checks an id given as a double: an integer in `0..=u32::MAX`.
pub fn check_id(id: f64) -> Result<u32> {
  let arg = Argument::new(Func::CreateUser, Param::Id);
  let n = number::integer_in(arg, id, 0, u32::MAX.into())?;
  // Within the u32 bounds just checked.
  Ok(n as u32)
}

/// Checks the name and e-mail address of a record given as UTF-16 code units (JS strings).
pub fn check_utf16(name: &[u16], email: &[u16]) -> Result<()> {
  let text = |units: &[u16]| String::from_utf16_lossy(units);
  check_name(name.iter().map(|&u| u32::from(u)), || text(name))?;
  check_email(email, || text(email))
}

/// `name` as characters or code units (every whitespace character is in the BMP, so either
/// works); `text` makes the received value for the error.
fn check_name(name: impl IntoIterator<Item = u32>, text: impl FnOnce() -> String) -> Result<()> {
  if name.into_iter().all(is_whitespace) {
    return Err(Error::arg_value(
      Argument::new(Func::CreateUser, Param::Name),
      Invalid::Blank,
      Received::String(text()),
    ));
  }
  Ok(())
}

/// `email` as bytes or code units (the rule is ASCII only, so a UTF-8 byte above 0x7F fails it
/// as the character it belongs to would).
fn check_email<T: Copy + Into<u32>>(email: &[T], text: impl FnOnce() -> String) -> Result<()> {
  if !is_valid_email(email) {
    return Err(Error::arg_value(
      Argument::new(Func::CreateUser, Param::Email),
      Invalid::Email,
      Received::String(text()),
    ));
  }
  Ok(())
}

/// Whether a character is removed by JS `String.prototype.trim` (ECMAScript WhiteSpace and
/// LineTerminator; not Rust's `char::is_whitespace`, which differs on U+0085 and U+FEFF).
pub fn is_whitespace(c: u32) -> bool {
  matches!(
    c,
    0x0009..=0x000D
      | 0x0020
      | 0x00A0
      | 0x1680
      | 0x2000..=0x200A
      | 0x2028
      | 0x2029
      | 0x202F
      | 0x205F
      | 0x3000
      | 0xFEFF
  )
}

/// Whether `s` (bytes or code units) is a "valid e-mail address" as the WHATWG HTML standard
/// defines it (the rule of `<input type=email>`): `local@label(.label)*`, where the local part
/// is one or more of ``A-Za-z0-9.!#$%&'*+/=?^_`{|}~-`` and each label is 1 to 63 of
/// `A-Za-z0-9-`, not starting or ending with `-`.
pub fn is_valid_email<T: Copy + Into<u32>>(s: &[T]) -> bool {
  let ascii = |unit: T| u8::try_from(unit.into()).ok().filter(u8::is_ascii);
  let Some(at) = s.iter().position(|&u| ascii(u) == Some(b'@')) else {
    return false;
  };
  let (local, domain) = (&s[..at], &s[at + 1..]);
  let local_ok = |&u: &T| {
    ascii(u).is_some_and(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b))
  };
  let alnum = |u: T| ascii(u).is_some_and(|b| b.is_ascii_alphanumeric());
  let label_ok = |label: &[T]| match (label.first(), label.last()) {
    (Some(&first), Some(&last)) => {
      label.len() <= 63
        && alnum(first)
        && alnum(last)
        && label.iter().all(|&u| alnum(u) || ascii(u) == Some(b'-'))
    }
    _ => false,
  };
  !local.is_empty()
    && local.iter().all(local_ok)
    && domain.split(|&u| ascii(u) == Some(b'.')).all(label_ok)
}

#[cfg(test)]
mod tests {
  use super::*;

  fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
  }

  #[test]
  fn ids_are_u32_integers() {
    assert_eq!(check_id(0.0), Ok(0));
    assert_eq!(check_id(-0.0), Ok(0));
    assert_eq!(check_id(4294967295.0), Ok(u32::MAX));
    for bad in [-1.0, 4294967296.0, 1.5, f64::NAN, f64::INFINITY] {
      assert_eq!(
        check_id(bad).unwrap_err().code(),
        "ERR_OUT_OF_RANGE",
        "{bad}"
      );
    }
  }

  #[test]
  fn blank_follows_js_trim() {
    let blank = |s: &str| {
      let by_chars = check_name(s.chars().map(u32::from), String::new).is_err();
      let by_units = check_name(utf16(s).into_iter().map(u32::from), String::new).is_err();
      assert_eq!(by_chars, by_units, "{s:?}");
      by_chars
    };
    assert!(blank(""));
    assert!(blank(" \t\n\r\u{b}\u{c}\u{a0}\u{feff}\u{2028}\u{3000}"));
    assert!(!blank("\u{85}"), "U+0085 is not JS whitespace");
    assert!(!blank(" a "));
    assert!(check_utf16(&[0xD800], &utf16("a@b")).is_ok());
  }

  #[test]
  fn emails_follow_whatwg() {
    for ok in [
      "a@b",
      "first.last@example.com",
      "x+tag@sub-domain.example.co",
      "!#$%&'*+/=?^_`{|}~-.@x",
      ".a..b.@x",
      &format!("a@{}", "b".repeat(63)),
    ] {
      assert!(is_valid_email(&utf16(ok)), "{ok}");
      assert!(is_valid_email(ok.as_bytes()), "{ok}");
    }
    for bad in [
      "",
      "@b",
      "a@",
      "a",
      "a@b@c",
      "a@-b",
      "a@b-",
      "a@b..c",
      "a@.b",
      "a@b.",
      "a b@c",
      "é@x",
      "a@é",
      "a@b_c",
      "\"quoted\"@x",
      "a\u{140}@x",
      &format!("a@{}", "b".repeat(64)),
    ] {
      assert!(!is_valid_email(&utf16(bad)), "{bad}");
      assert!(!is_valid_email(bad.as_bytes()), "{bad}");
    }
    assert!(!is_valid_email(&[0xD800, u16::from(b'@'), u16::from(b'x')]));
    // A code unit whose low byte is ASCII is not that ASCII character.
    assert!(!is_valid_email(&[0x0161, u16::from(b'@'), u16::from(b'x')]));
  }

  #[test]
  fn records_name_the_bad_field() {
    let user = create_user(7, " Ada ", "ada@example.com").unwrap();
    assert_eq!(
      user,
      User {
        id: 7,
        name: " Ada ".into(),
        email: "ada@example.com".into()
      }
    );
    let err = create_user(7, "  ", "a@b").unwrap_err();
    assert!(
      matches!(&err, Error::InvalidArgValue { arg, reason: Invalid::Blank, received: Received::String(s) }
        if arg.param == Param::Name && s == "  "),
      "{err:?}"
    );
    let err = check_utf16(&utf16("A"), &utf16("nope")).unwrap_err();
    assert!(
      matches!(&err, Error::InvalidArgValue { arg, reason: Invalid::Email, .. } if arg.param == Param::Email),
      "{err:?}"
    );
  }
}
