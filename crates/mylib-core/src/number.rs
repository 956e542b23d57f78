//! Checks on numbers that arrive as doubles (from JS), made before any conversion: a double
//! converted without them silently truncates (`1.5` → 1) or wraps (`-1` → 4294967295).

use crate::error::{Argument, Error, Range, Received, Result};

/// `Number.MAX_SAFE_INTEGER`, 2^53 - 1: the largest magnitude up to which a double holds every
/// integer exactly.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Checks that `n` is an integer in `min..=max` (bounds within ±2^53, exact as doubles):
/// [`Range::Integer`] for a fraction, NaN or ±Infinity, [`Range::Between`] for the rest.
pub fn integer_in(arg: Argument, n: f64, min: i64, max: i64) -> Result<i64> {
  if n.fract() != 0.0 || !n.is_finite() {
    return Err(Error::out_of_range(
      arg,
      Range::Integer,
      Received::Number(n),
    ));
  }
  if n < min as f64 || n > max as f64 {
    return Err(Error::out_of_range(
      arg,
      Range::Between(min, max),
      Received::Number(n),
    ));
  }
  // Integral and within bounds that are exact doubles: the cast is exact.
  Ok(n as i64)
}

/// Checks that `n` is finite.
pub fn finite(arg: Argument, n: f64) -> Result<f64> {
  if n.is_finite() {
    Ok(n)
  } else {
    Err(Error::out_of_range(arg, Range::Finite, Received::Number(n)))
  }
}

/// `total` as a double, if the double holds it exactly (within ±[`MAX_SAFE_INTEGER`]).
pub fn safe_integer(arg: Argument, total: i128) -> Result<f64> {
  if total.unsigned_abs() > MAX_SAFE_INTEGER as u128 {
    return Err(Error::out_of_range(
      arg,
      Range::SafeInteger,
      Received::Integer(total),
    ));
  }
  // |total| < 2^53: exact.
  Ok(total as f64)
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::{Func, Param};

  fn arg() -> Argument {
    Argument::new(Func::CreateUser, Param::Id)
  }

  #[test]
  fn integers_in_range() {
    assert_eq!(integer_in(arg(), 5.0, 0, 10), Ok(5));
    assert_eq!(integer_in(arg(), -0.0, 0, 10), Ok(0));
    assert_eq!(integer_in(arg(), 10.0, 0, 10), Ok(10));
    assert_eq!(
      integer_in(arg(), 11.0, 0, 10),
      Err(Error::out_of_range(
        arg(),
        Range::Between(0, 10),
        Received::Number(11.0)
      ))
    );
    for n in [0.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300] {
      let err = integer_in(arg(), n, 0, 10).unwrap_err();
      let range = if n == 1e300 {
        Range::Between(0, 10)
      } else {
        Range::Integer
      };
      assert!(
        matches!(err, Error::OutOfRange { range: r, .. } if r == range),
        "{n}"
      );
    }
  }

  #[test]
  fn safe_integers_are_exact_doubles() {
    let limit = i128::from(MAX_SAFE_INTEGER);
    assert_eq!(safe_integer(arg(), limit), Ok(9007199254740991.0));
    assert_eq!(safe_integer(arg(), -limit), Ok(-9007199254740991.0));
    for total in [limit + 1, -limit - 1, i128::MIN] {
      assert!(matches!(
        safe_integer(arg(), total),
        Err(Error::OutOfRange {
          range: Range::SafeInteger,
          ..
        })
      ));
    }
  }

  #[test]
  fn only_finite_numbers_pass() {
    assert_eq!(finite(arg(), -0.5), Ok(-0.5));
    for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
      assert!(finite(arg(), n).is_err(), "{n}");
    }
  }
}
