//! `Calculator`: a running IEEE-754 double that never holds NaN or ±Infinity.

use std::cell::RefCell;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use mylib_core::{Argument, Error as CoreError, Func, Op, Param};
use napi::bindgen_prelude::{Function, JsObjectValue, Object, This, TypeTag, ValidateNapiValue};
use napi::{sys, Env, JsValue, Unknown, ValueType};

use crate::arg;
use crate::error::{Error, IntoNapi, Result};
use crate::raw::{self, to_js, Body, Property};

/// A calculator holding one finite double.
///
/// Results are exactly IEEE-754 double arithmetic, as in JS. An operation that would make the
/// value NaN or ±Infinity throws a `RangeError` (`ERR_OUT_OF_RANGE`) and leaves it unchanged.
#[napi]
pub struct Calculator {
  inner: mylib_core::Calculator,
  /// [`THIS_COPY`] of the addon file that made it (see [`Calculator::receiver`]).
  origin: *const u8,
  /// The address [`Calculator::receiver`] remembered it by in [`VERIFIED`] (0: not remembered):
  /// that of the box napi-rs wrapped it in, which `Drop` must forget. `Drop` cannot use its own
  /// address: napi-rs's finalizer moves the Calculator out of the box before dropping it.
  remembered: usize,
}

/// A byte whose address tells this copy of the addon from another one loaded from another file:
/// napi-rs derives the type tag from the crate's name and version, so two copies of the same
/// version accept each other's Calculators, but each has its own [`VERIFIED`] set.
static THIS_COPY: u8 = 0;

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
    let arg = Argument::new(Func::CalculatorNew, Param::Initial);
    let inner = arg::optional_number(arg, &initial, 0.0)
      .and_then(|n| Ok(mylib_core::Calculator::new(n)?))
      .into_napi(env)?;
    Ok(Calculator {
      inner,
      origin: &THIS_COPY,
      remembered: 0,
    })
  }

  /// The current value: always a finite number.
  ///
  /// @throws {TypeError} `ERR_INVALID_THIS` when read from an object that is not a Calculator.
  #[napi(getter, catch_unwind)]
  pub fn value(env: &Env, this: This<Unknown>) -> napi::Result<f64> {
    let calc = Calculator::receiver(Func::CalculatorValue, &this.object).into_napi(env)?;
    // SAFETY: `receiver` returned the live Calculator wrapped by this object; JS is
    // single-threaded and no `&mut` to it is live while a getter runs.
    Ok(unsafe { (*calc).inner.value() })
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
  /// the methods check their receiver themselves so that a foreign `this` is a `TypeError`
  /// (`ERR_INVALID_THIS`), not napi-rs's generic `Error`.
  ///
  /// The proof is the class's type tag, which napi-rs stamps only on objects it has wrapped with
  /// a boxed `Calculator`. Reading it is a second private-property lookup after the unwrap, so
  /// each verified Calculator's address is remembered in [`VERIFIED`] until it is dropped, and
  /// later calls on it do only the unwrap. (A Calculator made by another copy of this addon is
  /// checked by its tag on every call.) Measured on 2026-12-03 in one process: `add` then
  /// `subtract` took 132 ns with this cache and 239 to 250 ns without it, which would put
  /// `add` past the benchmark's 1.5× of a raw Node-API method.
  ///
  /// It relies on three things napi-rs does: it tags the objects it wraps, its wrap pointer is
  /// the boxed `Calculator`, and its finalizer drops that `Calculator` (whose `Drop` forgets the
  /// address) before freeing the box. Should the first two change, the calculator spec fails
  /// (every receiver refused, or wrong values); should the third, `npm run test:leak` fails:
  /// its 1,000,000 Calculators would each leave an address in the set, well over its 10 MB.
  fn receiver(func: Func, this: &Unknown) -> Result<*mut Calculator> {
    let raw = this.value();
    let mut wrapped = std::ptr::null_mut();
    // SAFETY: a plain Node-API query; it fails, without an exception, for a value that is not
    // an object or wraps nothing.
    let unwrapped = unsafe { sys::napi_unwrap(raw.env, raw.value, &mut wrapped) }
      == sys::Status::napi_ok
      && !wrapped.is_null();
    let address = wrapped as usize;
    if unwrapped && VERIFIED.with(|verified| verified.borrow().contains(&address)) {
      return Ok(wrapped.cast());
    }
    let tag = <Calculator as TypeTag>::type_tag();
    let mut tagged = false;
    // SAFETY: as above.
    let tagged = unwrapped
      && unsafe { sys::napi_check_object_type_tag(raw.env, raw.value, &tag, &mut tagged) }
        == sys::Status::napi_ok
      && tagged;
    if !tagged {
      return Err(Error::Core(CoreError::InvalidThis {
        func,
        class: "Calculator",
        received: arg::describe(this),
      }));
    }
    let calc = wrapped.cast::<Calculator>();
    // SAFETY: the tag proves a live Calculator, and no reference to it exists yet.
    unsafe { remember(calc) };
    Ok(calc)
  }

  fn set(&mut self, env: &Env, value: &Unknown) -> napi::Result<f64> {
    let arg = Argument::new(Func::CalculatorReset, Param::Value);
    arg::optional_number(arg, value, 0.0)
      .and_then(|n| Ok(self.inner.reset(n)?))
      .into_napi(env)
  }

  fn update(&mut self, env: &Env, op: Op, n: &Unknown) -> napi::Result<f64> {
    arg::expect_number(Argument::new(op.func(), Param::N), n)
      .and_then(|n| Ok(self.inner.apply(op, n)?))
      .into_napi(env)
  }
}

/// Remembers the Calculator at `calc` in [`VERIFIED`], and in the Calculator the address it is
/// remembered by. Only this copy's own Calculators are remembered: another copy's is dropped by
/// that copy, which would forget it in its own set only.
///
/// # Safety
/// `calc` points to a live Calculator, boxed where napi-rs wrapped it, with no reference to it.
unsafe fn remember(calc: *mut Calculator) {
  // SAFETY: the caller's promise.
  let calc = unsafe { &mut *calc };
  if std::ptr::eq(calc.origin, &THIS_COPY) {
    calc.remembered = std::ptr::from_mut(calc) as usize;
    VERIFIED.with(|verified| verified.borrow_mut().insert(calc.remembered));
  }
}

impl Drop for Calculator {
  /// Forgets the remembered address before its box is freed, so that it can never vouch for
  /// whatever is allocated there next. (During a thread's exit the set may already be gone:
  /// nothing to do.)
  fn drop(&mut self) {
    if self.remembered != 0 {
      let _ = VERIFIED.try_with(|verified| verified.borrow_mut().remove(&self.remembered));
    }
  }
}

thread_local! {
  /// The addresses of this thread's live Calculators that [`Calculator::receiver`] has verified
  /// by their type tag. A foreign object cannot wrap one of these addresses: the pointer was
  /// allocated by napi-rs for a Calculator, and is removed before it is freed.
  static VERIFIED: RefCell<HashSet<usize, BuildHasherDefault<AddressHasher>>> =
    RefCell::default();
}

/// Hashes a heap address with one folded multiplication (the high and low halves of a 128-bit
/// product, XORed): fast, and every bit of the hash depends on every bit of the address, so the
/// zero low bits that aligned allocations share do not crowd the table.
#[derive(Default)]
struct AddressHasher(u64);

/// 2^64 divided by the golden ratio.
const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for AddressHasher {
  fn finish(&self) -> u64 {
    self.0
  }

  fn write(&mut self, bytes: &[u8]) {
    for &byte in bytes {
      self.write_u64(u64::from(byte));
    }
  }

  fn write_u64(&mut self, n: u64) {
    let product = u128::from(self.0 ^ n) * u128::from(FIBONACCI);
    self.0 = (product >> 64) as u64 ^ product as u64;
  }

  fn write_usize(&mut self, n: usize) {
    self.write_u64(n as u64);
  }
}

/// Refuses a constructor call without `new` (or on an object that already is a Calculator):
/// napi-rs would otherwise attach a native value to whatever `this` is.
fn require_new(this: &Unknown) -> Result<()> {
  let raw = this.value();
  let refuse = || {
    Err(Error::Core(CoreError::ConstructCallRequired {
      class: "Calculator",
    }))
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

/// Runs a `Calculator.prototype` method for JS and returns the new value: `None` is `reset`.
fn call_method(
  env: &Env,
  op: Option<Op>,
  this: &Unknown,
  arg: &Unknown,
) -> napi::Result<sys::napi_value> {
  let func = op.map_or(Func::CalculatorReset, Op::func);
  let calc = Calculator::receiver(func, this).into_napi(env)?;
  // SAFETY: `receiver` returned the live Calculator wrapped by `this`. JS is single-threaded and
  // the method body runs no JS, so no other reference to it is live meanwhile.
  let calc = unsafe { &mut *calc };
  let value = match op {
    Some(op) => calc.update(env, op, arg)?,
    None => calc.set(env, arg)?,
  };
  to_js(env, value)
}

/// What `Calculator` called without `new` throws.
const REFUSE: Body<0> = |env, _, []| {
  Err(Error::Core(CoreError::ConstructCallRequired {
    class: "Calculator",
  }))
  .into_napi(env)
};
const ADD: Body<1> = |env, this, [n]| call_method(env, Some(Op::Add), &this, &n);
const SUBTRACT: Body<1> = |env, this, [n]| call_method(env, Some(Op::Subtract), &this, &n);
const MULTIPLY: Body<1> = |env, this, [n]| call_method(env, Some(Op::Multiply), &this, &n);
const DIVIDE: Body<1> = |env, this, [n]| call_method(env, Some(Op::Divide), &this, &n);
const RESET: Body<1> = |env, this, [value]| call_method(env, None, &this, &value);
const VALUE: Body<0> = |env, this, []| to_js(env, Calculator::value(env, This::from(this))?);

/// Replaces the methods and the `value` getter napi-rs defined on `Calculator.prototype` with
/// raw callbacks (see `raw`) that check their receiver themselves.
///
/// napi-rs unwraps `&mut self` before a method body runs, so a method cannot check its own
/// receiver: a foreign `this` was refused by V8's method signature on Node (`TypeError:
/// Illegal invocation`) but by napi-rs itself on Bun and Deno, which do not enforce that
/// signature (a plain `Error`, code `InvalidArg`). Here it is a `TypeError` with
/// `ERR_INVALID_THIS` on every runtime, and each call skips napi-rs's per-call glue. The
/// `#[napi]` methods above still declare the API (and its types).
pub fn export(env: &Env, exports: &Object) -> napi::Result<()> {
  raw::front(env, exports, c"Calculator", &REFUSE)?;
  let class: Function = exports.get_named_property("Calculator")?;
  let prototype: Unknown = class.get_named_property("prototype")?;
  raw::replace(
    env,
    &prototype,
    &[
      Property::method(c"add", &ADD),
      Property::method(c"subtract", &SUBTRACT),
      Property::method(c"multiply", &MULTIPLY),
      Property::method(c"divide", &DIVIDE),
      Property::method(c"reset", &RESET),
      Property::getter(c"value", &VALUE),
    ],
  )
}

#[cfg(test)]
mod tests {
  use super::*;

  fn boxed(origin: *const u8) -> *mut Calculator {
    Box::into_raw(Box::new(Calculator {
      inner: mylib_core::Calculator::default(),
      origin,
      remembered: 0,
    }))
  }

  #[test]
  fn a_finalized_calculator_is_forgotten() {
    let calc = boxed(&THIS_COPY);
    let address = calc as usize;
    // SAFETY: a live boxed Calculator, with no reference to it.
    unsafe { remember(calc) };
    assert!(VERIFIED.with(|verified| verified.borrow().contains(&address)));
    // As napi-rs's finalizer does: the Calculator is moved out of its box, then dropped.
    // SAFETY: the box made above, released once.
    let moved: Calculator = *unsafe { Box::from_raw(calc) };
    drop(moved);
    assert!(!VERIFIED.with(|verified| verified.borrow().contains(&address)));
  }

  #[test]
  fn another_copys_calculator_is_not_remembered() {
    static OTHER_COPY: u8 = 0;
    let calc = boxed(&OTHER_COPY);
    // SAFETY: as above.
    unsafe { remember(calc) };
    assert!(!VERIFIED.with(|verified| verified.borrow().contains(&(calc as usize))));
    // SAFETY: as above.
    drop(unsafe { Box::from_raw(calc) });
  }

  #[test]
  fn aligned_addresses_spread_over_the_table() {
    use std::hash::BuildHasher;
    let hasher = BuildHasherDefault::<AddressHasher>::default();
    // 1024 allocations 16 bytes apart: their hashes' low 10 bits (a 1024-bucket table) should
    // look random, which leaves about 1024 × (1 - 1/e) ≈ 647 buckets in use.
    let buckets: HashSet<u64> = (0..1024usize)
      .map(|i| hasher.hash_one(0x7f00_0000_0000 + 16 * i) & 1023)
      .collect();
    assert!(buckets.len() > 560, "{}", buckets.len());
  }
}
