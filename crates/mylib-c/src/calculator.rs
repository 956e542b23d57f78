//! `mylib_calculator`: an opaque handle to a running double that never holds NaN or ±Infinity.

use mylib_core::{Calculator, Op};

use crate::boundary::{guard, non_null, non_null_mut};
use crate::error::mylib_status;

/// A calculator holding one finite double. Opaque: made by `mylib_calculator_new`, freed by
/// `mylib_calculator_free`.
///
/// Not thread-safe: a calculator must not be used from two threads at once (lock it yourself,
/// or give each thread its own). Different calculators are independent.
pub struct mylib_calculator {
  inner: Calculator,
}

/// Writes a new calculator holding `initial` to `*out`; free it with `mylib_calculator_free`.
///
/// A NaN or infinite `initial` is `MYLIB_ERR_OUT_OF_RANGE`; a NULL `out` is
/// `MYLIB_NULL_ARGUMENT`.
///
/// # Safety
/// `out` is NULL or points to a writable `mylib_calculator *`.
#[no_mangle]
pub unsafe extern "C" fn mylib_calculator_new(
  initial: f64,
  out: *mut *mut mylib_calculator,
) -> mylib_status {
  guard("mylib_calculator_new", || {
    // SAFETY: the caller's promise.
    let out = unsafe { non_null_mut("out", out)? };
    let inner = Calculator::new(initial)?;
    *out = Box::into_raw(Box::new(mylib_calculator { inner }));
    Ok(())
  })
}

/// `calc <op> n`, stored in `calc` and written to `*out`. On failure (a non-finite `n`, a zero
/// divisor, a result that would overflow to ±Infinity: `MYLIB_ERR_OUT_OF_RANGE`) the value is
/// unchanged.
///
/// # Safety
/// As each `mylib_calculator_*` operation.
unsafe fn apply(
  func: &'static str,
  calc: *mut mylib_calculator,
  op: Op,
  n: f64,
  out: *mut f64,
) -> mylib_status {
  guard(func, || {
    // SAFETY: the caller's promises.
    let (calc, out) = unsafe { (non_null_mut("calc", calc)?, non_null_mut("out", out)?) };
    *out = calc.inner.apply(op, n)?;
    Ok(())
  })
}

/// Adds `n` and writes the new value to `*out`.
///
/// A non-finite `n` or a sum that would overflow is `MYLIB_ERR_OUT_OF_RANGE`, and the value is
/// unchanged.
///
/// # Safety
/// `calc` is NULL or a live calculator no other thread is using; `out` is NULL or points to a
/// writable `double`.
#[no_mangle]
pub unsafe extern "C" fn mylib_calculator_add(
  calc: *mut mylib_calculator,
  n: f64,
  out: *mut f64,
) -> mylib_status {
  // SAFETY: the caller's promises.
  unsafe { apply("mylib_calculator_add", calc, Op::Add, n, out) }
}

/// Subtracts `n` and writes the new value to `*out`.
///
/// A non-finite `n` or a difference that would overflow is `MYLIB_ERR_OUT_OF_RANGE`, and the
/// value is unchanged.
///
/// # Safety
/// As `mylib_calculator_add`.
#[no_mangle]
pub unsafe extern "C" fn mylib_calculator_subtract(
  calc: *mut mylib_calculator,
  n: f64,
  out: *mut f64,
) -> mylib_status {
  // SAFETY: the caller's promises.
  unsafe { apply("mylib_calculator_subtract", calc, Op::Subtract, n, out) }
}

/// Multiplies by `n` and writes the new value to `*out`.
///
/// A non-finite `n` or a product that would overflow is `MYLIB_ERR_OUT_OF_RANGE`, and the value
/// is unchanged.
///
/// # Safety
/// As `mylib_calculator_add`.
#[no_mangle]
pub unsafe extern "C" fn mylib_calculator_multiply(
  calc: *mut mylib_calculator,
  n: f64,
  out: *mut f64,
) -> mylib_status {
  // SAFETY: the caller's promises.
  unsafe { apply("mylib_calculator_multiply", calc, Op::Multiply, n, out) }
}

/// Divides by `n` and writes the new value to `*out`.
///
/// A zero or non-finite `n`, or a quotient that would overflow, is `MYLIB_ERR_OUT_OF_RANGE`,
/// and the value is unchanged.
///
/// # Safety
/// As `mylib_calculator_add`.
#[no_mangle]
pub unsafe extern "C" fn mylib_calculator_divide(
  calc: *mut mylib_calculator,
  n: f64,
  out: *mut f64,
) -> mylib_status {
  // SAFETY: the caller's promises.
  unsafe { apply("mylib_calculator_divide", calc, Op::Divide, n, out) }
}

/// Sets the value to `value`. A NaN or infinite `value` is `MYLIB_ERR_OUT_OF_RANGE`, and the
/// value is unchanged.
///
/// # Safety
/// `calc` is NULL or a live calculator no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn mylib_calculator_reset(
  calc: *mut mylib_calculator,
  value: f64,
) -> mylib_status {
  guard("mylib_calculator_reset", || {
    // SAFETY: the caller's promise.
    let calc = unsafe { non_null_mut("calc", calc)? };
    calc.inner.reset(value)?;
    Ok(())
  })
}

/// Writes the current value (always finite) to `*out`.
///
/// # Safety
/// `calc` is NULL or a live calculator no other thread is changing; `out` is NULL or points to a
/// writable `double`.
#[no_mangle]
pub unsafe extern "C" fn mylib_calculator_value(
  calc: *const mylib_calculator,
  out: *mut f64,
) -> mylib_status {
  guard("mylib_calculator_value", || {
    // SAFETY: the caller's promises.
    let (calc, out) = unsafe { (non_null("calc", calc)?, non_null_mut("out", out)?) };
    *out = calc.inner.value();
    Ok(())
  })
}

/// Frees a calculator. NULL is a no-op.
///
/// # Safety
/// `calc` is NULL or a calculator from `mylib_calculator_new` that has not been freed yet and
/// that no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn mylib_calculator_free(calc: *mut mylib_calculator) {
  if !calc.is_null() {
    // SAFETY: the caller's promise: a box from `mylib_calculator_new`, freed once.
    drop(unsafe { Box::from_raw(calc) });
  }
}
