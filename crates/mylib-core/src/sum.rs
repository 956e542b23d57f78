//! `sum`: the exact sum of int32 values.

use crate::error::{Argument, Func, Param, Result};
use crate::number;

/// The exact sum of `values`, with the widest vector instructions this CPU has (AVX2 on x86-64
/// when present: it widens four int32s to int64s per instruction, where the x86-64 baseline,
/// SSE2, needs several). Never overflows: the total of any slice fits an `i128`.
pub fn sum(values: &[i32]) -> i128 {
  #[cfg(target_arch = "x86_64")]
  if std::arch::is_x86_feature_detected!("avx2") {
    // SAFETY: the CPU has AVX2.
    return unsafe { sum_avx2(values) };
  }
  sum_portable(values)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sum_avx2(values: &[i32]) -> i128 {
  sum_portable(values)
}

/// Chunks of 2^31 elements cannot overflow an `i64` (2^31 × 2^31 = 2^62), and the inner loop
/// vectorises.
#[inline(always)]
fn sum_portable(values: &[i32]) -> i128 {
  values
    .chunks(1 << 31)
    .map(|chunk| i128::from(chunk.iter().map(|&v| i64::from(v)).sum::<i64>()))
    .sum()
}

/// Checks the element `index` of `sum`'s numbers, given as a double: an integer in the int32
/// range.
pub fn element(index: u64, value: f64) -> Result<i32> {
  let arg = Argument::element(Func::Sum, Param::Numbers, index);
  let n = number::integer_in(arg, value, i32::MIN.into(), i32::MAX.into())?;
  // Within the int32 bounds just checked.
  Ok(n as i32)
}

/// `total` as a double, if the double holds it exactly.
pub fn to_f64(total: i128) -> Result<f64> {
  number::safe_integer(Argument::new(Func::Sum, Param::Result), total)
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::{Error, Range, Received};

  #[test]
  fn sums_exactly_without_wrapping() {
    assert_eq!(sum(&[]), 0);
    assert_eq!(sum(&[1, 2, 3, -4]), 2);
    assert_eq!(
      sum(&[i32::MAX, i32::MAX, i32::MAX]),
      3 * i128::from(i32::MAX)
    );
    assert_eq!(sum(&[i32::MIN; 5]), 5 * i128::from(i32::MIN));
  }

  #[test]
  fn every_vector_width_gives_the_same_sum() {
    // Lengths around every vector width, values at both ends of the int32 range.
    let values: Vec<i32> = (0..1000u32)
      .map(|i| match i % 5 {
        0 => i32::MAX,
        1 => i32::MIN,
        _ => i.wrapping_mul(2_654_435_761) as i32,
      })
      .collect();
    for len in (0..70).chain([999, 1000]) {
      let slice = &values[..len];
      let expected: i128 = slice.iter().map(|&v| i128::from(v)).sum();
      assert_eq!(sum_portable(slice), expected, "{len}");
      assert_eq!(sum(slice), expected, "{len}");
      #[cfg(target_arch = "x86_64")]
      if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        assert_eq!(unsafe { sum_avx2(slice) }, expected, "{len}");
      }
    }
  }

  #[test]
  fn elements_must_be_int32_integers() {
    assert_eq!(element(0, 7.0), Ok(7));
    assert_eq!(element(0, -0.0), Ok(0));
    assert_eq!(element(0, 2147483647.0), Ok(i32::MAX));
    assert_eq!(element(0, -2147483648.0), Ok(i32::MIN));
    for bad in [
      1.5,
      f64::NAN,
      f64::INFINITY,
      f64::NEG_INFINITY,
      2147483648.0,
      -2147483649.0,
    ] {
      let err = element(3, bad).unwrap_err();
      assert!(
        matches!(&err, Error::OutOfRange { arg, received: Received::Number(n), .. }
          if arg.index == Some(3) && arg.param == Param::Numbers && (n == &bad || bad.is_nan())),
        "{bad}: {err:?}"
      );
    }
  }

  #[test]
  fn results_beyond_safe_integers_are_refused() {
    let max = 9007199254740991_i128;
    assert_eq!(to_f64(max), Ok(9007199254740991.0));
    assert_eq!(to_f64(-max), Ok(-9007199254740991.0));
    for total in [max + 1, -max - 1] {
      assert_eq!(
        to_f64(total),
        Err(Error::out_of_range(
          Argument::new(Func::Sum, Param::Result),
          Range::SafeInteger,
          Received::Integer(total)
        ))
      );
    }
  }
}
