//! `fetch_data` (an asyncio awaitable) and `fetch_data_sync` (blocking, GIL released).

use std::time::Duration;

use mylib_core::fetch::{parse_url, FetchOptions, Url, DEFAULT_MAX_BYTES};
use mylib_core::{Argument, Expected, Func, Param};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyMapping, PyString};

use crate::args::{float, int_in, text};
use crate::bridge::{self, FetchRequest};
use crate::error::{arg_prefix, type_error, IntoPy};

fn arg(param: Param) -> Argument {
  Argument::new(Func::FetchData, param)
}

/// A float as Python's `repr` shows it.
fn seconds_repr(seconds: f64) -> String {
  Python::attach(|py| {
    pyo3::types::PyFloat::new(py, seconds)
      .repr()
      .map(|r| r.to_string())
      .unwrap_or_default()
  })
}

/// The arguments of both functions, checked, as the core's URL and options.
fn read(
  url: &Bound<'_, PyAny>,
  timeout: Option<&Bound<'_, PyAny>>,
  headers: Option<&Bound<'_, PyAny>>,
  max_bytes: Option<&Bound<'_, PyAny>>,
  ca: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Url, FetchOptions)> {
  let url = parse_url(&text(arg(Param::Url), url)?).py()?;
  let mut options = FetchOptions::default();
  options.timeout = match timeout {
    None => None,
    Some(seconds) => {
      let seconds = float(arg(Param::Timeout), seconds)?;
      let bound = (seconds > 0.0)
        .then(|| Duration::try_from_secs_f64(seconds).ok())
        .flatten();
      Some(bound.ok_or_else(|| {
        PyValueError::new_err(format!(
          "{} must be a positive, finite number of seconds or None, not {}",
          arg_prefix(&arg(Param::Timeout)),
          seconds_repr(seconds)
        ))
      })?)
    }
  };
  if let Some(bytes) = max_bytes {
    let bytes = int_in(arg(Param::MaxBytes), bytes, 0, i64::MAX)?;
    // Non-negative.
    options.max_bytes = bytes as u64;
  }
  if let Some(headers) = headers {
    let mapping = headers
      .cast::<PyMapping>()
      .map_err(|_| type_error(arg(Param::Headers), Expected::Headers, headers))?;
    for item in mapping.items()?.iter() {
      let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
      let name = text(arg(Param::Headers), &name)?;
      let value = text(arg(Param::Header(name.clone())), &value)?;
      options.header(&name, &value).py()?;
    }
  }
  if let Some(ca) = ca {
    if ca.is_instance_of::<PyString>() {
      options.ca(None, text(arg(Param::Ca), ca)?).py()?;
    } else {
      let items = ca
        .try_iter()
        .map_err(|_| type_error(arg(Param::Ca), Expected::StringOrStrings, ca))?;
      for (index, pem) in items.enumerate() {
        let index = index as u64;
        let pem = text(Argument::element(Func::FetchData, Param::Ca, index), &pem?)?;
        options.ca(Some(index), pem).py()?;
      }
    }
  }
  Ok((url, options))
}

/// The asyncio half of `mylib.fetch_data`: the request, started for the running loop (the Python
/// wrapper calls it inside a coroutine and awaits it, cancelling it if the await is cancelled).
#[pyfunction]
#[pyo3(signature = (url, *, timeout = None, headers = None, max_bytes = None, ca = None))]
pub fn _fetch_data<'py>(
  py: Python<'py>,
  url: &Bound<'py, PyAny>,
  timeout: Option<&Bound<'py, PyAny>>,
  headers: Option<&Bound<'py, PyAny>>,
  max_bytes: Option<&Bound<'py, PyAny>>,
  ca: Option<&Bound<'py, PyAny>>,
) -> PyResult<FetchRequest> {
  let (url, options) = read(url, timeout, headers, max_bytes, ca)?;
  bridge::spawn(py, mylib_core::fetch(url, options))
}

/// The native half of `mylib.fetch_data_sync`: blocks the calling thread, GIL released.
#[pyfunction]
#[pyo3(signature = (url, *, timeout = None, headers = None, max_bytes = None, ca = None))]
pub fn _fetch_data_sync(
  py: Python<'_>,
  url: &Bound<'_, PyAny>,
  timeout: Option<&Bound<'_, PyAny>>,
  headers: Option<&Bound<'_, PyAny>>,
  max_bytes: Option<&Bound<'_, PyAny>>,
  ca: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
  let (url, options) = read(url, timeout, headers, max_bytes, ca)?;
  let runtime = pyo3_async_runtimes::tokio::get_runtime();
  py.detach(|| runtime.block_on(mylib_core::fetch(url, options)))
    .py()
}

/// The default `max_bytes`, for the Python wrapper's signature.
pub const MAX_BYTES: u64 = DEFAULT_MAX_BYTES;
