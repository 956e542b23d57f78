//! `sum`: the exact sum of int32 numbers, from a JS array or an `Int32Array` read in place.

use std::ptr;

use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{sys, Env, JsValue, Unknown, ValueType};

use crate::arg;
use crate::callback::{self, to_js, Body, Property};
use crate::error::{Error, IntoNapi, Result};

const FUNC: &str = "sum";
const EXPECTED: &str = "an instance of Array or Int32Array";

/// `Number.MAX_SAFE_INTEGER`: the largest magnitude a JS number holds exactly.
pub const MAX_SAFE_INTEGER: i128 = (1 << 53) - 1;

/// The exact sum of a slice of int32 values, with the widest vector instructions this CPU has
/// (AVX2 on x86-64 when present: it widens four int32s to int64s per instruction, where the
/// x86-64 baseline, SSE2, needs several).
pub fn sum_i32(values: &[i32]) -> i128 {
  #[cfg(target_arch = "x86_64")]
  if std::arch::is_x86_feature_detected!("avx2") {
    // SAFETY: the CPU has AVX2.
    return unsafe { sum_i32_avx2(values) };
  }
  sum_i32_portable(values)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sum_i32_avx2(values: &[i32]) -> i128 {
  sum_i32_portable(values)
}

/// Chunks of 2^31 elements cannot overflow an `i64` (2^31 × 2^31 = 2^62), and the inner loop
/// vectorises.
#[inline(always)]
fn sum_i32_portable(values: &[i32]) -> i128 {
  values
    .chunks(1 << 31)
    .map(|chunk| i128::from(chunk.iter().map(|&v| i64::from(v)).sum::<i64>()))
    .sum()
}

/// Checks one array element: an integer in the int32 range.
pub fn element(index: u32, value: f64) -> Result<i32> {
  let what = format!("numbers[{index}]");
  let n = arg::integer_in(FUNC, &what, value, i32::MIN.into(), i32::MAX.into())?;
  // Within the int32 bounds just checked.
  Ok(n as i32)
}

/// Turns the exact total into a JS number, refusing one that a double cannot hold exactly.
pub fn to_number(total: i128) -> Result<f64> {
  if total.abs() > MAX_SAFE_INTEGER {
    return Err(Error::OutOfRange(format!(
      "sum: The result is out of range. It must be >= -9007199254740991 and <= 9007199254740991 (Number.MAX_SAFE_INTEGER). Received {total}"
    )));
  }
  // |total| < 2^53: exact.
  Ok(total as f64)
}

/// Returns the exact sum of `numbers`.
///
/// Every element must be an integer in the int32 range (-2147483648..=2147483647). The sum is
/// computed without overflow; `[]` gives `0`. An `Int32Array` is read in place, without a copy.
///
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `numbers` is neither an Array nor an
/// Int32Array, or an element is not a number (holes included); the message names the index.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when an element is not an integer (NaN, ±Infinity,
/// 1.5) or is outside the int32 range, or when the exact sum exceeds
/// `Number.MAX_SAFE_INTEGER` in magnitude.
#[napi(catch_unwind, ts_args_type = "numbers: number[] | Int32Array")]
pub fn sum(env: &Env, numbers: Unknown) -> napi::Result<f64> {
  total(env, &numbers).and_then(to_number).into_napi(env)
}

/// [`sum`] as JS calls it, without napi-rs's per-call glue (see `callback`). The package's entry
/// point hands it arrays as Int32Arrays (see sum.cjs).
const SUM: Body<1> = |env, _this, [numbers]| to_js(env, sum(env, numbers)?);

/// Throws the error [`sum`] gives for `value` at `index` of an array (`hole`: an empty slot there),
/// or returns `undefined` if `value` is a valid element. For sum.cjs, which reads arrays in JS:
/// it hands over the first element its check refuses, and the wording stays in this module.
const ELEMENT_ERROR: Body<3> = |env, _this, [index, value, hole]| {
  element_error(&index, &value, &hole).into_napi(env)?;
  to_js(env, ())
};

/// Replaces the `sum` napi-rs exported with [`SUM`], which carries [`ELEMENT_ERROR`] as its
/// non-enumerable `elementError` (for sum.cjs; the package exports sum.cjs's wrapper instead).
pub fn export(env: &Env, exports: &Object) -> napi::Result<()> {
  callback::define(env, exports, &[Property::function(c"sum", &SUM)])?;
  let sum: Unknown = exports.get_named_property("sum")?;
  callback::define(
    env,
    &sum,
    &[Property::method(c"elementError", &ELEMENT_ERROR)],
  )
}

/// See [`ELEMENT_ERROR`].
fn element_error(index: &Unknown, value: &Unknown, hole: &Unknown) -> Result<()> {
  let what = "elementError";
  let index = arg::integer_in(
    what,
    "index",
    arg::expect_number(what, "index", index)?,
    0,
    u32::MAX.into(),
  )?;
  // Within the u32 bounds just checked.
  let index = index as u32;
  arg::expect_type(what, "hole", hole, ValueType::Boolean)?;
  if hole.coerce_to_bool()? {
    return Err(not_a_number_error(index, "an empty slot (hole)".into()));
  }
  match arg::type_of(value)? {
    ValueType::Number => element(index, value.coerce_to_number()?.get_double()?).map(drop),
    _ => Err(not_a_number_error(index, arg::describe(value))),
  }
}

fn total(env: &Env, numbers: &Unknown) -> Result<i128> {
  if let Some(values) = int32_array(numbers)? {
    return Ok(sum_i32(values));
  }
  if arg::type_of(numbers)? == ValueType::Object && numbers.is_array()? {
    return array_total(env, numbers);
  }
  Err(Error::arg_type(
    FUNC,
    "numbers",
    EXPECTED,
    &arg::describe(numbers),
  ))
}

/// The elements of an `Int32Array`, borrowed in place; `None` for any other value.
fn int32_array<'a>(value: &'a Unknown) -> Result<Option<&'a [i32]>> {
  let Some(array) = arg::typed_array(value) else {
    return Ok(None);
  };
  if array.kind != sys::TypedarrayType::int32_array {
    return Err(Error::arg_type(
      FUNC,
      "numbers",
      EXPECTED,
      &arg::describe(value),
    ));
  }
  if array.length == 0 || array.data.is_null() {
    // Empty or detached.
    return Ok(Some(&[]));
  }
  // SAFETY: Node-API reports `length` int32 elements at `data`, aligned (typed array offsets are
  // multiples of the element size); the JS value outlives this call.
  Ok(Some(unsafe {
    std::slice::from_raw_parts(array.data.cast::<i32>(), array.length)
  }))
}

/// Reads a JS array element by element, validating each before converting it.
fn array_total(env: &Env, array: &Unknown) -> Result<i128> {
  let raw = array.value();
  let mut length = 0u32;
  // SAFETY: `array` is an Array of this environment.
  unsafe {
    arg::check(
      env,
      sys::napi_get_array_length(raw.env, raw.value, &mut length),
      FUNC,
    )?
  };
  let mut total = 0i64;
  for index in 0..length {
    let mut item = ptr::null_mut();
    let mut value = 0f64;
    // SAFETY: reading an element runs user code only through getters; a thrown exception is
    // returned as an error and stays pending, so it reaches the caller unchanged.
    let status = unsafe {
      arg::check(
        env,
        sys::napi_get_element(raw.env, raw.value, index, &mut item),
        FUNC,
      )?;
      sys::napi_get_value_double(raw.env, item, &mut value)
    };
    if status != sys::Status::napi_ok {
      // SAFETY: `item` is a live value of this environment.
      let item = unsafe { Unknown::from_raw_unchecked(raw.env, item) };
      return Err(not_a_number(env, array, index, &item)?);
    }
    // An array has at most 2^32 - 1 elements of magnitude <= 2^31: |total| < 2^63, no overflow.
    total += i64::from(element(index, value)?);
  }
  Ok(i128::from(total))
}

/// The type error for a non-number element (or the caller's own exception, should a Proxy
/// trap throw while telling a hole from `undefined`).
fn not_a_number(env: &Env, array: &Unknown, index: u32, item: &Unknown) -> Result<Error> {
  let is_hole = item.get_type()? == ValueType::Undefined && !has_element(env, array, index)?;
  let received = if is_hole {
    "an empty slot (hole)".to_string()
  } else {
    arg::describe(item)
  };
  Ok(not_a_number_error(index, received))
}

/// The type error for the element at `index`, described as `received`.
fn not_a_number_error(index: u32, received: String) -> Error {
  Error::arg_type(
    FUNC,
    &format!("numbers[{index}]"),
    "of type number",
    &received,
  )
}

fn has_element(env: &Env, array: &Unknown, index: u32) -> Result<bool> {
  let raw = array.value();
  let mut has = false;
  // SAFETY: plain query on a live array.
  unsafe {
    arg::check(
      env,
      sys::napi_has_element(raw.env, raw.value, index, &mut has),
      FUNC,
    )?
  };
  Ok(has)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn sums_exactly_without_wrapping() {
    assert_eq!(sum_i32(&[]), 0);
    assert_eq!(sum_i32(&[1, 2, 3, -4]), 2);
    assert_eq!(
      sum_i32(&[i32::MAX, i32::MAX, i32::MAX]),
      3 * i128::from(i32::MAX)
    );
    assert_eq!(sum_i32(&[i32::MIN; 5]), 5 * i128::from(i32::MIN));
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
      assert_eq!(sum_i32_portable(slice), expected, "{len}");
      assert_eq!(sum_i32(slice), expected, "{len}");
      #[cfg(target_arch = "x86_64")]
      if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        assert_eq!(unsafe { sum_i32_avx2(slice) }, expected, "{len}");
      }
    }
  }

  #[test]
  fn elements_must_be_int32_integers() {
    assert_eq!(element(0, 7.0).unwrap(), 7);
    assert_eq!(element(0, -0.0).unwrap(), 0);
    assert_eq!(element(0, 2147483647.0).unwrap(), i32::MAX);
    assert_eq!(element(0, -2147483648.0).unwrap(), i32::MIN);
    for bad in [
      1.5,
      f64::NAN,
      f64::INFINITY,
      f64::NEG_INFINITY,
      2147483648.0,
      -2147483649.0,
    ] {
      let err = element(3, bad).unwrap_err();
      assert!(matches!(err, Error::OutOfRange(_)), "{bad}");
      assert!(err.to_string().contains("\"numbers[3]\""), "{err}");
    }
  }

  #[test]
  fn results_beyond_safe_integers_are_refused() {
    assert_eq!(to_number(MAX_SAFE_INTEGER).unwrap(), 9007199254740991.0);
    assert_eq!(to_number(-MAX_SAFE_INTEGER).unwrap(), -9007199254740991.0);
    assert!(matches!(
      to_number(MAX_SAFE_INTEGER + 1),
      Err(Error::OutOfRange(_))
    ));
    assert!(matches!(
      to_number(-MAX_SAFE_INTEGER - 1),
      Err(Error::OutOfRange(_))
    ));
  }
}
