//! Reading arguments strictly: no bool where a number is expected, no int a float cannot hold
//! exactly, no str that UTF-8 cannot hold.

use mylib_core::{Argument, Error, Expected, Range, Received};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

use crate::error::{arg_prefix, surrogates_error, to_py, type_error, type_name};

/// A str argument, as UTF-8 text (a str holding lone surrogates is a `ValueError`).
pub fn text(arg: Argument, obj: &Bound<'_, PyAny>) -> PyResult<String> {
  let string = obj
    .cast::<PyString>()
    .map_err(|_| type_error(arg.clone(), Expected::String, obj))?;
  string
    .to_cow()
    .map(|text| text.into_owned())
    .map_err(|_| surrogates_error(&arg))
}

/// A float argument: a float, or an int a float holds exactly.
pub fn float(arg: Argument, obj: &Bound<'_, PyAny>) -> PyResult<f64> {
  if let Ok(value) = obj.cast::<PyFloat>() {
    return Ok(value.value());
  }
  if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
    // Python compares an int and a float exactly: the int is accepted if its float is it.
    let exact = obj
      .extract::<f64>()
      .ok()
      .filter(|&f| obj.eq(f).unwrap_or(false));
    return exact.ok_or_else(|| {
      to_py(Error::out_of_range(
        arg,
        Range::SafeInteger,
        Received::BigInt(obj.str().map(|s| s.to_string()).unwrap_or_default()),
      ))
    });
  }
  Err(PyTypeError::new_err(format!(
    "{} must be float, not {}",
    arg_prefix(&arg),
    type_name(obj)
  )))
}

/// An int argument (not a bool) in `min..=max`.
pub fn int_in(arg: Argument, obj: &Bound<'_, PyAny>, min: i64, max: i64) -> PyResult<i64> {
  if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
    return Err(to_py(Error::arg_type(
      arg,
      Expected::Number,
      Received::Type(type_name(obj)),
    )));
  }
  let received = || Received::BigInt(obj.str().map(|s| s.to_string()).unwrap_or_default());
  match obj.extract::<i64>() {
    Ok(n) if (min..=max).contains(&n) => Ok(n),
    _ => Err(to_py(Error::out_of_range(
      arg,
      Range::Between(min, max),
      received(),
    ))),
  }
}
