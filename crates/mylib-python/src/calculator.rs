//! `Calculator`.

use mylib_core::{Argument, Func, Op, Param};
use pyo3::prelude::*;

use crate::args::float;
use crate::error::IntoPy;

/// A running float that never holds NaN or infinity.
///
/// Arithmetic is IEEE-754 double arithmetic, as Python's float. An operation that would make the
/// value NaN or infinite raises and leaves it unchanged. Operands are floats, or ints a float
/// holds exactly; ``bool`` is refused.
///
/// Each method call is atomic: threads sharing a Calculator see every operation whole, applied
/// one after another in some order (the GIL is held throughout a call).
///
/// Raises:
///     TypeError: ``initial`` is not a float or an int.
///     ValueError: ``initial`` is NaN or infinite.
#[pyclass(module = "mylib")]
pub struct Calculator {
  inner: mylib_core::Calculator,
}

impl Calculator {
  fn apply(&mut self, op: Op, n: &Bound<'_, PyAny>) -> PyResult<f64> {
    let n = float(Argument::new(op.func(), Param::N), n)?;
    self.inner.apply(op, n).py()
  }
}

#[pymethods]
impl Calculator {
  #[new]
  #[pyo3(signature = (initial = None), text_signature = "(initial=0.0)")]
  fn new(initial: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
    let initial = match initial {
      Some(initial) => float(Argument::new(Func::CalculatorNew, Param::Initial), initial)?,
      None => 0.0,
    };
    let inner = mylib_core::Calculator::new(initial).py()?;
    Ok(Calculator { inner })
  }

  /// The current value: always a finite float.
  #[getter]
  fn value(&self) -> f64 {
    self.inner.value()
  }

  /// Add ``n`` and return the new value.
  ///
  /// Raises:
  ///     ValueError: ``n`` is NaN or infinite.
  ///     OverflowError: the sum would be infinite (the value is unchanged).
  #[pyo3(signature = (n, /))]
  fn add(&mut self, n: &Bound<'_, PyAny>) -> PyResult<f64> {
    self.apply(Op::Add, n)
  }

  /// Subtract ``n`` and return the new value.
  ///
  /// Raises:
  ///     ValueError: ``n`` is NaN or infinite.
  ///     OverflowError: the difference would be infinite (the value is unchanged).
  #[pyo3(signature = (n, /))]
  fn subtract(&mut self, n: &Bound<'_, PyAny>) -> PyResult<f64> {
    self.apply(Op::Subtract, n)
  }

  /// Multiply by ``n`` and return the new value.
  ///
  /// Raises:
  ///     ValueError: ``n`` is NaN or infinite.
  ///     OverflowError: the product would be infinite (the value is unchanged).
  #[pyo3(signature = (n, /))]
  fn multiply(&mut self, n: &Bound<'_, PyAny>) -> PyResult<f64> {
    self.apply(Op::Multiply, n)
  }

  /// Divide by ``n`` and return the new value.
  ///
  /// Raises:
  ///     ZeroDivisionError: ``n`` is zero (the value is unchanged).
  ///     ValueError: ``n`` is NaN or infinite.
  ///     OverflowError: the quotient would be infinite (the value is unchanged).
  #[pyo3(signature = (n, /))]
  fn divide(&mut self, n: &Bound<'_, PyAny>) -> PyResult<f64> {
    self.apply(Op::Divide, n)
  }

  /// Set the value to ``value`` and return it.
  ///
  /// Raises:
  ///     ValueError: ``value`` is NaN or infinite (the value is unchanged).
  #[pyo3(signature = (value = None, /), text_signature = "($self, value=0.0, /)")]
  fn reset(&mut self, value: Option<&Bound<'_, PyAny>>) -> PyResult<f64> {
    let value = match value {
      Some(value) => float(Argument::new(Func::CalculatorReset, Param::Value), value)?,
      None => 0.0,
    };
    self.inner.reset(value).py()
  }

  fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
    let value = pyo3::types::PyFloat::new(py, self.inner.value()).repr()?;
    Ok(format!("Calculator({value})"))
  }
}
