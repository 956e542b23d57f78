//! `Calculator`: a running IEEE-754 double that never holds NaN or ±Infinity.

use napi::bindgen_prelude::{
  Function, FunctionCallContext, JsObjectValue, Object, This, ToNapiValue, TypeTag,
  ValidateNapiValue,
};
use napi::{sys, Env, JsValue, Unknown, ValueType};

use crate::arg;
use crate::error::{fmt_number, Error, IntoNapi, Result};

/// The four operations, named as the JS methods are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
  Add,
  Subtract,
  Multiply,
  Divide,
}

impl Op {
  fn method(self) -> &'static str {
    match self {
      Op::Add => "Calculator.add",
      Op::Subtract => "Calculator.subtract",
      Op::Multiply => "Calculator.multiply",
      Op::Divide => "Calculator.divide",
    }
  }

  fn symbol(self) -> &'static str {
    match self {
      Op::Add => "+",
      Op::Subtract => "-",
      Op::Multiply => "*",
      Op::Divide => "/",
    }
  }
}

/// Checks that a starting value or operand is finite.
pub fn finite(func: &str, arg: &str, n: f64) -> Result<f64> {
  if n.is_finite() {
    Ok(n)
  } else {
    Err(Error::out_of_range(
      func,
      arg,
      "a finite number",
      &fmt_number(n),
    ))
  }
}

/// `value <op> operand` in IEEE-754 double arithmetic, exactly as JS computes it, refusing a
/// non-finite operand, a zero divisor and a result that would overflow to ±Infinity.
pub fn apply(value: f64, op: Op, operand: f64) -> Result<f64> {
  let func = op.method();
  finite(func, "n", operand)?;
  if op == Op::Divide && operand == 0.0 {
    return Err(Error::out_of_range(
      func,
      "n",
      "a non-zero number (division by zero)",
      &fmt_number(operand),
    ));
  }
  let result = match op {
    Op::Add => value + operand,
    Op::Subtract => value - operand,
    Op::Multiply => value * operand,
    Op::Divide => value / operand,
  };
  if !result.is_finite() {
    return Err(Error::OutOfRange(format!(
      "{func}: The result is out of range. {} {} {} overflows to {}; the value stays {}",
      fmt_number(value),
      op.symbol(),
      fmt_number(operand),
      fmt_number(result),
      fmt_number(value),
    )));
  }
  Ok(result)
}

/// A calculator holding one finite double.
///
/// Results are exactly IEEE-754 double arithmetic, as in JS. An operation that would make the
/// value NaN or ±Infinity throws a `RangeError` (`ERR_OUT_OF_RANGE`) and leaves it unchanged.
#[napi]
pub struct Calculator {
  value: f64,
}

#[napi]
impl Calculator {
  /// Creates a calculator holding `initial`.
  ///
  /// @param initial - the starting value, a finite number. @default 0
  /// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `initial` is not a number.
  /// @throws {RangeError} `ERR_OUT_OF_RANGE` when `initial` is NaN or ±Infinity.
  /// @throws {TypeError} `ERR_CONSTRUCT_CALL_REQUIRED` when called without `new`.
  #[napi(constructor, catch_unwind, ts_args_type = "initial?: number")]
  pub fn new(env: &Env, this: This<Unknown>, initial: Unknown) -> napi::Result<Self> {
    require_new(&this.object).into_napi(env)?;
    let func = "new Calculator";
    let value = arg::optional_number(func, "initial", &initial, 0.0)
      .and_then(|n| finite(func, "initial", n))
      .into_napi(env)?;
    Ok(Calculator { value })
  }

  /// The current value: always a finite number.
  ///
  /// @throws {TypeError} `ERR_INVALID_THIS` when read from an object that is not a Calculator.
  #[napi(getter, catch_unwind)]
  pub fn value(env: &Env, this: This<Unknown>) -> napi::Result<f64> {
    let calc = Calculator::receiver("Calculator.value", &this.object).into_napi(env)?;
    // SAFETY: `receiver` returned the live Calculator wrapped by this object; JS is
    // single-threaded and no `&mut` to it is live while a getter runs.
    Ok(unsafe { (*calc).value })
  }

  /// Adds `n` and returns the new value.
  ///
  /// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `n` is not a number.
  /// @throws {RangeError} `ERR_OUT_OF_RANGE` when `n` is not finite or the sum overflows.
  #[napi(catch_unwind, ts_args_type = "n: number")]
  pub fn add(&mut self, env: &Env, n: Unknown) -> napi::Result<f64> {
    self.update(env, Op::Add, &n)
  }

  /// Subtracts `n` and returns the new value.
  ///
  /// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `n` is not a number.
  /// @throws {RangeError} `ERR_OUT_OF_RANGE` when `n` is not finite or the difference overflows.
  #[napi(catch_unwind, ts_args_type = "n: number")]
  pub fn subtract(&mut self, env: &Env, n: Unknown) -> napi::Result<f64> {
    self.update(env, Op::Subtract, &n)
  }

  /// Multiplies by `n` and returns the new value.
  ///
  /// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `n` is not a number.
  /// @throws {RangeError} `ERR_OUT_OF_RANGE` when `n` is not finite or the product overflows.
  #[napi(catch_unwind, ts_args_type = "n: number")]
  pub fn multiply(&mut self, env: &Env, n: Unknown) -> napi::Result<f64> {
    self.update(env, Op::Multiply, &n)
  }

  /// Divides by `n` and returns the new value.
  ///
  /// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `n` is not a number.
  /// @throws {RangeError} `ERR_OUT_OF_RANGE` when `n` is zero or not finite, or the quotient
  /// overflows.
  #[napi(catch_unwind, ts_args_type = "n: number")]
  pub fn divide(&mut self, env: &Env, n: Unknown) -> napi::Result<f64> {
    self.update(env, Op::Divide, &n)
  }

  /// Sets the value to `value` and returns it.
  ///
  /// @param value - a finite number. @default 0
  /// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `value` is not a number.
  /// @throws {RangeError} `ERR_OUT_OF_RANGE` when `value` is NaN or ±Infinity.
  #[napi(catch_unwind, ts_args_type = "value?: number")]
  pub fn reset(&mut self, env: &Env, value: Unknown) -> napi::Result<f64> {
    self.set(env, &value)
  }

  /// The Calculator wrapped by a receiver that napi-rs has not unwrapped: the `value` getter and
  /// the method guards check their receiver themselves so that a foreign `this` is a
  /// `TypeError` (`ERR_INVALID_THIS`), not napi-rs's generic `Error`.
  fn receiver(func: &str, this: &Unknown) -> Result<*mut Calculator> {
    let raw = this.value();
    let tag = <Calculator as TypeTag>::type_tag();
    let mut tagged = false;
    let mut wrapped = std::ptr::null_mut();
    // SAFETY: plain Node-API queries; a non-object receiver makes them fail, not crash.
    let found = unsafe {
      sys::napi_check_object_type_tag(raw.env, raw.value, &tag, &mut tagged) == sys::Status::napi_ok
        && tagged
        && sys::napi_unwrap(raw.env, raw.value, &mut wrapped) == sys::Status::napi_ok
        && !wrapped.is_null()
    };
    if !found {
      return Err(Error::InvalidThis(format!(
        "{func}: Value of \"this\" must be of type Calculator. Received {}",
        arg::describe(this)
      )));
    }
    // napi-rs stamps this class's type tag only on objects it has wrapped with a boxed
    // `Calculator`, so the wrapped pointer is one.
    Ok(wrapped.cast())
  }

  fn set(&mut self, env: &Env, value: &Unknown) -> napi::Result<f64> {
    let func = "Calculator.reset";
    self.value = arg::optional_number(func, "value", value, 0.0)
      .and_then(|n| finite(func, "value", n))
      .into_napi(env)?;
    Ok(self.value)
  }

  fn update(&mut self, env: &Env, op: Op, n: &Unknown) -> napi::Result<f64> {
    self.value = arg::expect_number(op.method(), "n", n)
      .and_then(|n| apply(self.value, op, n))
      .into_napi(env)?;
    Ok(self.value)
  }
}

/// Refuses a constructor call without `new` (or on an object that already is a Calculator):
/// napi-rs would otherwise attach a native value to whatever `this` is.
fn require_new(this: &Unknown) -> Result<()> {
  let raw = this.value();
  let refuse = || {
    Err(Error::ConstructCallRequired(
      "Class constructor Calculator cannot be invoked without 'new'".into(),
    ))
  };
  if arg::type_of(this)? != ValueType::Object {
    return refuse();
  }
  // SAFETY: `validate` runs `this instanceof Calculator` against the registered constructor.
  match unsafe { <&Calculator as ValidateNapiValue>::validate(raw.env, raw.value) } {
    Ok(_) => {}
    // A `Symbol.hasInstance` of the caller's threw: let that exception through.
    Err(err) if err.status == napi::Status::PendingException => return Err(Error::Js(err)),
    Err(_) => return refuse(),
  }
  let mut wrapped = std::ptr::null_mut();
  // SAFETY: plain query; it fails (without an exception) for an object that wraps nothing.
  if unsafe { sys::napi_unwrap(raw.env, raw.value, &mut wrapped) } == sys::Status::napi_ok {
    return refuse();
  }
  Ok(())
}

/// The methods of `Calculator.prototype` that [`guard_methods`] replaces: `None` is `reset`.
#[cfg_attr(test, allow(dead_code))] // used by `guard_methods` alone
const GUARDED: [(&str, Option<Op>); 5] = [
  ("add", Some(Op::Add)),
  ("subtract", Some(Op::Subtract)),
  ("multiply", Some(Op::Multiply)),
  ("divide", Some(Op::Divide)),
  ("reset", None),
];

/// Replaces each method napi-rs defined on `Calculator.prototype` with a guard that checks its
/// receiver as the `value` getter does, then runs the same method body.
///
/// napi-rs unwraps `&mut self` before a method body runs, so a method cannot check its own
/// receiver: a foreign `this` was refused by V8's method signature on Node (`TypeError:
/// Illegal invocation`) but by napi-rs itself on Bun and Deno, which do not enforce that
/// signature (a plain `Error`, code `InvalidArg`). With the guards it is a `TypeError` with
/// `ERR_INVALID_THIS` on every runtime. The `#[napi]` methods above still declare the API (and
/// its types); runs after the classes are registered, once per environment.
#[cfg_attr(test, allow(dead_code))] // napi-rs registers the hook in non-test builds only
#[napi(module_exports)]
pub fn guard_methods(exports: Object, env: Env) -> napi::Result<()> {
  let class: Function = exports.get_named_property("Calculator")?;
  let mut prototype: Object = class.get_named_property("prototype")?;
  for (name, op) in GUARDED {
    let func = format!("Calculator.{name}");
    let guard: Function<Unknown, f64> =
      env.create_function_from_closure(name, move |ctx: FunctionCallContext| {
        let env = &*ctx.env;
        let this: Unknown = ctx.this()?;
        let arg: Unknown = match ctx.length() {
          // SAFETY: a live `undefined` of this environment.
          0 => unsafe {
            Unknown::from_raw_unchecked(env.raw(), ToNapiValue::to_napi_value(env.raw(), ())?)
          },
          _ => ctx.get(0)?,
        };
        let calc = Calculator::receiver(&func, &this).into_napi(env)?;
        // SAFETY: `receiver` returned the live Calculator wrapped by `this`. JS is single-threaded
        // and the method body runs no JS, so no other reference to it is live meanwhile.
        let calc = unsafe { &mut *calc };
        match op {
          Some(op) => calc.update(env, op, &arg),
          None => calc.set(env, &arg),
        }
      })?;
    prototype.set_named_property(name, guard)?;
  }
  Ok(())
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn arithmetic_is_ieee_754() {
    assert_eq!(apply(0.1, Op::Add, 0.2).unwrap(), 0.1 + 0.2);
    assert_eq!(apply(1.0, Op::Subtract, 3.0).unwrap(), -2.0);
    assert_eq!(apply(1.5, Op::Multiply, -2.0).unwrap(), -3.0);
    assert_eq!(apply(1.0, Op::Divide, 3.0).unwrap(), 1.0 / 3.0);
    assert_eq!(apply(5e-324, Op::Divide, 2.0).unwrap(), 0.0);
  }

  #[test]
  fn refuses_what_would_leave_the_finite_range() {
    for (value, op, operand) in [
      (1.0, Op::Add, f64::NAN),
      (1.0, Op::Add, f64::INFINITY),
      (1.0, Op::Divide, 0.0),
      (1.0, Op::Divide, -0.0),
      (f64::MAX, Op::Add, f64::MAX),
      (f64::MAX, Op::Multiply, 2.0),
      (-f64::MAX, Op::Subtract, f64::MAX),
      (f64::MAX, Op::Divide, 0.5),
    ] {
      let err = apply(value, op, operand).unwrap_err();
      assert!(
        matches!(err, Error::OutOfRange(_)),
        "{value} {op:?} {operand}"
      );
    }
  }

  #[test]
  fn messages_name_the_method_and_the_values() {
    let err = apply(f64::MAX, Op::Multiply, 2.0).unwrap_err().to_string();
    assert!(err.starts_with("Calculator.multiply: "), "{err}");
    assert!(
      err.contains("1.7976931348623157e+308 * 2 overflows to Infinity"),
      "{err}"
    );
    let err = apply(1.0, Op::Divide, 0.0).unwrap_err().to_string();
    assert!(err.contains("division by zero"), "{err}");
  }
}
