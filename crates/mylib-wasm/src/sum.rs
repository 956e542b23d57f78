//! `sum`: the exact sum of int32 numbers, from an `Int32Array` or an array of numbers.

use js_sys::{Array, Int32Array, Reflect};
use mylib_core::{Argument, Error as CoreError, Expected, Func, Param, Received};
use wasm_bindgen::prelude::*;

use crate::arg;
use crate::error::{Error, Result};

/// Returns the exact sum of int32 integers, as a number (no int32 wrap-around).
///
/// An `Int32Array` (any view, on any buffer) is copied into wasm memory in one block copy, never
/// element by element through JS; an array's elements must each be an integer in the int32
/// range.
///
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `numbers` is neither an Array nor an
/// Int32Array, or an element is not a number (holes included).
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when an element is not an int32 integer, or the sum
/// is beyond `Number.MAX_SAFE_INTEGER`.
#[wasm_bindgen]
pub fn sum(numbers: &JsValue) -> Result<f64, JsValue> {
  Ok(read_sum(numbers)?)
}

fn read_sum(numbers: &JsValue) -> Result<f64> {
  let values = if let Some(typed) = numbers.dyn_ref::<Int32Array>() {
    // A detached buffer's view has length 0 (and cannot be copied from).
    if typed.length() == 0 {
      return Ok(0.0);
    }
    typed.to_vec()
  } else if Array::is_array(numbers) {
    elements(numbers.unchecked_ref())?
  } else {
    return Err(arg::type_error(
      Argument::new(Func::Sum, Param::Numbers),
      Expected::Int32Sequence,
      numbers,
    ));
  };
  Ok(mylib_core::sum::to_f64(mylib_core::sum(&values))?)
}

/// An array's elements, each read with `array[i]` (getters run; what they throw passes through)
/// and checked as the core's `sum::element`.
fn elements(array: &Array) -> Result<Vec<i32>> {
  let length = array.length();
  let mut values = Vec::with_capacity(length.min(1 << 20) as usize);
  for index in 0..length {
    let value = Reflect::get_u32(array, index).map_err(Error::Js)?;
    let n = match value.as_f64() {
      Some(n) => n,
      None => {
        let hole =
          value.is_undefined() && !Reflect::has(array, &index.into()).map_err(Error::Js)?;
        let received = if hole {
          Received::Hole
        } else {
          arg::describe(&value)
        };
        let arg = Argument::element(Func::Sum, Param::Numbers, index.into());
        return Err(CoreError::arg_type(arg, Expected::Number, received).into());
      }
    };
    values.push(mylib_core::sum::element(index.into(), n)?);
  }
  Ok(values)
}
