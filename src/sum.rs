//! `sum`: the exact sum of int32 numbers, from a JS array or an `Int32Array` read in place.

use std::ptr;

use mylib_core::sum::{element, to_f64};
use mylib_core::{Argument, Error as CoreError, Expected, Func, Param, Received};
use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{sys, Env, JsValue, Unknown, ValueType};

use crate::arg;
use crate::error::{Error, IntoNapi, Result};
use crate::raw::{self, to_js, Body, Property};

fn numbers() -> Argument {
  Argument::new(Func::Sum, Param::Numbers)
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
  total(env, &numbers)
    .and_then(|total| Ok(to_f64(total)?))
    .into_napi(env)
}

/// [`sum`] as JS calls it (see `raw`). The package's entry point (sum.cjs) adds up most arrays
/// itself, and hands it Int32Arrays, long arrays copied into Int32Arrays, and whatever is not an
/// Array.
const SUM: Body<1> = |env, _this, [numbers]| to_js(env, sum(env, numbers)?);

/// Throws the error [`sum`] gives for `value` at `index` of an array (`hole`: an empty slot there),
/// or returns `undefined` if `value` is a valid element. For sum.cjs, which reads arrays in JS:
/// it hands over the first element its check refuses, and the wording stays in this module.
/// The alternative, handing the whole array back to [`sum`] for its error, would read it again
/// through Node-API (about 90 ns an element, and every getter a second time) up to the bad one.
/// The sum spec checks that this gives the native reader's errors word for word.
const ELEMENT_ERROR: Body<3> = |env, _this, [index, value, hole]| {
  element_error(&index, &value, &hole).into_napi(env)?;
  to_js(env, ())
};

/// Puts [`SUM`] in place of the `sum` napi-rs exported, carrying [`ELEMENT_ERROR`] as its
/// non-enumerable `elementError` (for sum.cjs; the package exports sum.cjs's wrapper instead).
pub fn export(env: &Env, exports: &Object) -> napi::Result<()> {
  raw::replace(env, exports, &[Property::function(c"sum", &SUM)])?;
  let sum: Unknown = exports.get_named_property("sum")?;
  raw::add(
    env,
    &sum,
    &[Property::method(c"elementError", &ELEMENT_ERROR)],
  )
}

/// See [`ELEMENT_ERROR`].
/// sum.cjs always passes a u32 index and a boolean; anything else is refused with an
/// `elementError:` message (it cannot come from sum.cjs).
fn element_error(index: &Unknown, value: &Unknown, hole: &Unknown) -> Result<()> {
  let misuse = |err: Error| match err {
    Error::Core(err) => Error::Helper("elementError", Box::new(err)),
    other => other,
  };
  let index = arg::expect_number(numbers(), index).map_err(misuse)?;
  let index = mylib_core::number::integer_in(numbers(), index, 0, u32::MAX.into())
    .map_err(|err| misuse(err.into()))?;
  // Within the u32 bounds just checked.
  let index = index as u32;
  arg::expect_type(numbers(), hole, ValueType::Boolean).map_err(misuse)?;
  if hole.coerce_to_bool()? {
    return Err(not_a_number_error(index, Received::Hole));
  }
  match arg::type_of(value)? {
    ValueType::Number => {
      element(index.into(), value.coerce_to_number()?.get_double()?)?;
      Ok(())
    }
    _ => Err(not_a_number_error(index, arg::describe(value))),
  }
}

fn total(env: &Env, value: &Unknown) -> Result<i128> {
  if let Some(values) = int32_array(value)? {
    return Ok(mylib_core::sum(values));
  }
  if arg::type_of(value)? == ValueType::Object && value.is_array()? {
    return array_total(env, value);
  }
  Err(arg::type_error(numbers(), Expected::Int32Sequence, value))
}

/// The elements of an `Int32Array`, borrowed in place; `None` for any other value.
fn int32_array<'a>(value: &'a Unknown) -> Result<Option<&'a [i32]>> {
  let Some(array) = arg::typed_array(value) else {
    return Ok(None);
  };
  if array.kind != sys::TypedarrayType::int32_array {
    return Err(arg::type_error(numbers(), Expected::Int32Sequence, value));
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
      "reading an array length",
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
        "reading an array element",
      )?;
      sys::napi_get_value_double(raw.env, item, &mut value)
    };
    if status != sys::Status::napi_ok {
      // SAFETY: `item` is a live value of this environment.
      let item = unsafe { Unknown::from_raw_unchecked(raw.env, item) };
      return Err(not_a_number(env, array, index, &item)?);
    }
    // An array has at most 2^32 - 1 elements of magnitude <= 2^31: |total| < 2^63, no overflow.
    total += i64::from(element(index.into(), value)?);
  }
  Ok(i128::from(total))
}

/// The type error for a non-number element (or the caller's own exception, should a Proxy
/// trap throw while telling a hole from `undefined`).
fn not_a_number(env: &Env, array: &Unknown, index: u32, item: &Unknown) -> Result<Error> {
  let is_hole = item.get_type()? == ValueType::Undefined && !has_element(env, array, index)?;
  let received = if is_hole {
    Received::Hole
  } else {
    arg::describe(item)
  };
  Ok(not_a_number_error(index, received))
}

/// The type error for the element at `index`, described as `received`.
fn not_a_number_error(index: u32, received: Received) -> Error {
  let arg = Argument::element(Func::Sum, Param::Numbers, index.into());
  CoreError::arg_type(arg, Expected::Number, received).into()
}

fn has_element(env: &Env, array: &Unknown, index: u32) -> Result<bool> {
  let raw = array.value();
  let mut has = false;
  // SAFETY: plain query on a live array.
  unsafe {
    arg::check(
      env,
      sys::napi_has_element(raw.env, raw.value, index, &mut has),
      "reading an array element",
    )?
  };
  Ok(has)
}
