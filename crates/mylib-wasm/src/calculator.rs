//! `Calculator`'s state and methods. The class itself is a few lines of JS in the package entry
//! (`js/api.mjs`): a wasm-bindgen class cannot tell a call without `new` (a `TypeError` without
//! a `code`) nor a foreign `this` (it reads a pointer off any object) as the Node addon does.
//!
//! Each calculator's value lives in a `WeakMap` keyed by the JS object itself: only objects this
//! constructor initialised are in it (not a subclass prototype, a Proxy or a copy), which is the
//! brand check behind `ERR_INVALID_THIS`, and the garbage collector frees the value with its
//! object, so nothing in wasm memory needs a finalizer.

use js_sys::WeakMap;
use mylib_core::calculator::apply;
use mylib_core::{Argument, Error as CoreError, Func, Op, Param};
use wasm_bindgen::prelude::*;

use crate::arg;
use crate::error::Result;

const CLASS: &str = "Calculator";

thread_local! {
  /// Each live calculator object's value (a finite number).
  static VALUES: WeakMap = WeakMap::new();
}

/// Initialises `this` as a calculator holding `initial` (default 0). `this` is `undefined` when
/// the constructor was called without `new`.
///
/// @throws {TypeError} `ERR_CONSTRUCT_CALL_REQUIRED` without `new`.
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `initial` is not a number.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `initial` is NaN or ±Infinity.
#[wasm_bindgen(js_name = calculatorNew)]
pub fn calculator_new(this: &JsValue, initial: &JsValue) -> Result<(), JsValue> {
  Ok(construct(this, initial)?)
}

fn construct(this: &JsValue, initial: &JsValue) -> Result<()> {
  let Some(object) = this.dyn_ref::<js_sys::Object>() else {
    return Err(CoreError::ConstructCallRequired { class: CLASS }.into());
  };
  let arg = Argument::new(Func::CalculatorNew, Param::Initial);
  let calc = mylib_core::Calculator::new(arg::optional_number(arg, initial, 0.0)?)?;
  VALUES.with(|values| values.set(object, &calc.value().into()));
  Ok(())
}

/// The value of the calculator `this`.
///
/// @throws {TypeError} `ERR_INVALID_THIS` when `this` is not a Calculator.
#[wasm_bindgen(js_name = calculatorValue)]
pub fn calculator_value(this: &JsValue) -> Result<f64, JsValue> {
  Ok(receiver(Func::CalculatorValue, this)?.1)
}

/// The object and value of the calculator `this`, or `ERR_INVALID_THIS`.
fn receiver(func: Func, this: &JsValue) -> Result<(&js_sys::Object, f64)> {
  let found = this.dyn_ref::<js_sys::Object>().and_then(|object| {
    let value = VALUES.with(|values| values.get(object)).as_f64()?;
    Some((object, value))
  });
  found.ok_or_else(|| {
    CoreError::InvalidThis {
      func,
      class: CLASS,
      received: arg::describe(this),
    }
    .into()
  })
}

/// `this.value <op> n`, stored and returned; on error the value is unchanged.
fn update(this: &JsValue, op: Op, n: &JsValue) -> Result<f64> {
  let (object, value) = receiver(op.func(), this)?;
  let operand = arg::expect_number(Argument::new(op.func(), Param::N), n)?;
  let result = apply(value, op, operand)?;
  VALUES.with(|values| values.set(object, &result.into()));
  Ok(result)
}

/// Adds `n` to the calculator `this` and returns the new value.
///
/// @throws {TypeError} `ERR_INVALID_THIS`, `ERR_INVALID_ARG_TYPE`.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `n` is not finite or the sum overflows.
#[wasm_bindgen(js_name = calculatorAdd)]
pub fn calculator_add(this: &JsValue, n: &JsValue) -> Result<f64, JsValue> {
  Ok(update(this, Op::Add, n)?)
}

/// Subtracts `n` from the calculator `this` and returns the new value.
///
/// @throws {TypeError} `ERR_INVALID_THIS`, `ERR_INVALID_ARG_TYPE`.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `n` is not finite or the difference overflows.
#[wasm_bindgen(js_name = calculatorSubtract)]
pub fn calculator_subtract(this: &JsValue, n: &JsValue) -> Result<f64, JsValue> {
  Ok(update(this, Op::Subtract, n)?)
}

/// Multiplies the calculator `this` by `n` and returns the new value.
///
/// @throws {TypeError} `ERR_INVALID_THIS`, `ERR_INVALID_ARG_TYPE`.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `n` is not finite or the product overflows.
#[wasm_bindgen(js_name = calculatorMultiply)]
pub fn calculator_multiply(this: &JsValue, n: &JsValue) -> Result<f64, JsValue> {
  Ok(update(this, Op::Multiply, n)?)
}

/// Divides the calculator `this` by `n` and returns the new value.
///
/// @throws {TypeError} `ERR_INVALID_THIS`, `ERR_INVALID_ARG_TYPE`.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `n` is zero or not finite, or the quotient
/// overflows.
#[wasm_bindgen(js_name = calculatorDivide)]
pub fn calculator_divide(this: &JsValue, n: &JsValue) -> Result<f64, JsValue> {
  Ok(update(this, Op::Divide, n)?)
}

/// Sets the value of the calculator `this` to `value` (default 0) and returns it.
///
/// @throws {TypeError} `ERR_INVALID_THIS`, `ERR_INVALID_ARG_TYPE`.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `value` is NaN or ±Infinity.
#[wasm_bindgen(js_name = calculatorReset)]
pub fn calculator_reset(this: &JsValue, value: &JsValue) -> Result<f64, JsValue> {
  Ok(reset(this, value)?)
}

fn reset(this: &JsValue, value: &JsValue) -> Result<f64> {
  let (object, current) = receiver(Func::CalculatorReset, this)?;
  let arg = Argument::new(Func::CalculatorReset, Param::Value);
  let mut calc = mylib_core::Calculator::new(current)?;
  let value = calc.reset(arg::optional_number(arg, value, 0.0)?)?;
  VALUES.with(|values| values.set(object, &value.into()));
  Ok(value)
}
