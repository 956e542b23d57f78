//! `greet`.

use mylib_core::greet::{PREFIX, SUFFIX};
use mylib_core::{Argument, Expected, Func, Param};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::error::type_error;

/// Return ``f"Hello, {name}!"``, exactly, for every str: the empty string, any character, and
/// lone surrogates included.
///
/// Raises:
///     TypeError: ``name`` is not a str.
#[pyfunction]
#[pyo3(signature = (name, /))]
pub fn greet<'py>(py: Python<'py>, name: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
  let arg = || Argument::new(Func::Greet, Param::Name);
  let name = name
    .cast::<PyString>()
    .map_err(|_| type_error(arg(), Expected::String, name))?;
  match name.to_cow() {
    Ok(text) => Ok(PyString::new(py, &mylib_core::greet(&text))),
    // Lone surrogates have no UTF-8 form: the same greeting, joined as Python strings.
    Err(_) => Ok(
      PyString::new(py, PREFIX)
        .add(name)?
        .add(SUFFIX)?
        .cast_into::<PyString>()?,
    ),
  }
}
