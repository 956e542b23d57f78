//! `User` and `create_user`.

use mylib_core::{Argument, Func, Param};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple, PyType};

use crate::args::{int_in, text};
use crate::error::IntoPy;

/// A user record, immutable: ``id`` (an int in 0..=4294967295), ``name`` (not empty or only
/// whitespace, kept exactly as given) and ``email`` (a valid address by the WHATWG HTML rule).
/// Records compare and hash by their fields, pickle, and match ``User(id, name, email)``.
///
/// Raises:
///     TypeError, ValueError: as ``create_user``.
#[pyclass(module = "mylib", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub struct User {
  /// The id: an int in 0..=4294967295.
  #[pyo3(get)]
  id: u32,
  /// The name, exactly as given.
  #[pyo3(get)]
  name: String,
  /// The e-mail address.
  #[pyo3(get)]
  email: String,
}

fn make(
  id: &Bound<'_, PyAny>,
  name: &Bound<'_, PyAny>,
  email: &Bound<'_, PyAny>,
) -> PyResult<User> {
  let arg = |param| Argument::new(Func::CreateUser, param);
  let id = int_in(arg(Param::Id), id, 0, u32::MAX.into())?;
  let name = text(arg(Param::Name), name)?;
  let email = text(arg(Param::Email), email)?;
  // Within the u32 bounds just checked.
  let user = mylib_core::create_user(id as u32, &name, &email).py()?;
  Ok(User {
    id: user.id,
    name: user.name,
    email: user.email,
  })
}

#[pymethods]
impl User {
  #[new]
  #[pyo3(signature = (id, name, email))]
  fn new(
    id: &Bound<'_, PyAny>,
    name: &Bound<'_, PyAny>,
    email: &Bound<'_, PyAny>,
  ) -> PyResult<Self> {
    make(id, name, email)
  }

  #[classattr]
  fn __match_args__() -> (&'static str, &'static str, &'static str) {
    ("id", "name", "email")
  }

  fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
    Ok(format!(
      "User(id={}, name={}, email={})",
      self.id,
      PyString::new(py, &self.name).repr()?,
      PyString::new(py, &self.email).repr()?
    ))
  }

  fn __reduce__<'py>(
    slf: &Bound<'py, Self>,
  ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
    let py = slf.py();
    let user = slf.get();
    let args = PyTuple::new(
      py,
      [
        user.id.into_pyobject(py)?.into_any(),
        PyString::new(py, &user.name).into_any(),
        PyString::new(py, &user.email).into_any(),
      ],
    )?;
    Ok((slf.get_type(), args))
  }
}

/// Return a ``User`` after checking every field: ``id`` an int in 0..=4294967295 (not a bool),
/// ``name`` a str not empty or only whitespace (by JS ``trim`` rules, kept exactly as given),
/// ``email`` a valid e-mail address by the WHATWG HTML rule (``<input type=email>``).
///
/// Raises:
///     TypeError: a field has the wrong type.
///     ValueError: ``id`` is out of range, ``name`` is blank, ``email`` is invalid, or a str
///         holds lone surrogates.
#[pyfunction]
#[pyo3(signature = (id, name, email))]
pub fn create_user(
  id: &Bound<'_, PyAny>,
  name: &Bound<'_, PyAny>,
  email: &Bound<'_, PyAny>,
) -> PyResult<User> {
  make(id, name, email)
}
