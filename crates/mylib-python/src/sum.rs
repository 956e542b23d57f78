//! `sum`: an iterable of int, or a buffer of C int32 read in place.

use std::ffi::{c_char, c_int, c_void, CStr};

use mylib_core::{Argument, Error, Expected, Func, Param, Range, Received};
use pyo3::exceptions::PyOverflowError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyList, PyTuple};

use crate::error::{to_py, type_error, type_name};

/// Buffers of at least this many elements are added with the GIL released.
const DETACH_ELEMENTS: usize = 1 << 16;

/// Return the exact sum of ``numbers`` as an int.
///
/// ``numbers`` is an iterable of int, each in the int32 range (-2147483648 to 2147483647), or
/// an object exporting a C-contiguous buffer of int32 (``array('i')``, a ``memoryview`` cast to
/// ``'i'``, a NumPy ``int32`` array), which is read in place, with the GIL released when it is
/// large. ``bool`` is not accepted as an int. The sum never overflows.
///
/// Raises:
///     TypeError: ``numbers`` is not iterable, or an item is not an int.
///     ValueError: an item is outside the int32 range.
#[pyfunction]
#[pyo3(signature = (numbers, /))]
pub fn sum(py: Python<'_>, numbers: &Bound<'_, PyAny>) -> PyResult<i128> {
  if let Some(total) = buffer_sum(py, numbers)? {
    return Ok(total);
  }
  // Exact ints first, without a reference count or a type call each; the first other item
  // (a bool, an int subclass, anything else) hands the rest to the careful path below.
  let (mut total, done) = match numbers.cast::<PyList>() {
    Ok(list) => exact_int_prefix(list),
    Err(_) => (0, 0),
  };
  let mut add = |index: usize, item: &Bound<'_, PyAny>| -> PyResult<()> {
    total += i128::from(element(index, item)?);
    Ok(())
  };
  if let Ok(list) = numbers.cast::<PyList>() {
    // Indexing, not an iterator: a list that shrinks meanwhile ends the sum where it ends.
    let mut index = done;
    while let Ok(item) = list.get_item(index) {
      add(index, &item)?;
      index += 1;
    }
  } else if let Ok(tuple) = numbers.cast::<PyTuple>() {
    for (index, item) in tuple.iter().enumerate() {
      add(index, &item)?;
    }
  } else {
    let items = numbers.try_iter().map_err(|_| {
      type_error(
        Argument::new(Func::Sum, Param::Numbers),
        Expected::Int32Sequence,
        numbers,
      )
    })?;
    for (index, item) in items.enumerate() {
      add(index, &item?)?;
    }
  }
  Ok(total)
}

/// The sum of the list's leading items that are exact `int`s in the int32 range, and how many
/// there were. No Python code runs meanwhile (nor can the list change): each item is read
/// borrowed, its type compared with `int` itself, and its value read without raising.
fn exact_int_prefix(list: &Bound<'_, PyList>) -> (i128, usize) {
  let raw = list.as_ptr();
  // SAFETY: a live list, with the GIL held; nothing below runs Python code, so its items and
  // length stay as they are for the whole loop.
  unsafe {
    let len = usize::try_from(ffi::PyList_Size(raw)).unwrap_or(0);
    let int_type = std::ptr::addr_of_mut!(ffi::PyLong_Type);
    let mut total = 0i128;
    for index in 0..len {
      // Borrowed, and within 0..len.
      let item = ffi::PyList_GetItem(raw, index as ffi::Py_ssize_t);
      if item.is_null() || ffi::Py_TYPE(item) != int_type {
        return (total, index);
      }
      let mut overflow: c_int = 0;
      let value = ffi::PyLong_AsLongLongAndOverflow(item, &mut overflow);
      match i32::try_from(value) {
        // An exact int sets no error; -1 with an overflow flag is out of range anyway.
        Ok(value) if overflow == 0 => total += i128::from(value),
        _ => return (total, index),
      }
    }
    (total, len)
  }
}

/// Checks one item: an int (not a bool) in the int32 range.
fn element(index: usize, item: &Bound<'_, PyAny>) -> PyResult<i32> {
  let arg = || Argument::element(Func::Sum, Param::Numbers, index as u64);
  if !item.is_instance_of::<PyInt>() || item.is_instance_of::<PyBool>() {
    return Err(to_py(Error::arg_type(
      arg(),
      Expected::Number,
      Received::Type(type_name(item)),
    )));
  }
  let out_of_range = |received| {
    to_py(Error::out_of_range(
      arg(),
      Range::Between(i32::MIN.into(), i32::MAX.into()),
      received,
    ))
  };
  match item.extract::<i64>() {
    Ok(n) => i32::try_from(n).map_err(|_| out_of_range(Received::Integer(n.into()))),
    Err(err) if err.is_instance_of::<PyOverflowError>(item.py()) => {
      let digits = item.str().map(|s| s.to_string()).unwrap_or_default();
      Err(out_of_range(Received::BigInt(digits)))
    }
    Err(err) => Err(err),
  }
}

/// The buffer protocol's view of an object (`Py_buffer`: its layout is part of the stable ABI
/// since CPython 3.11 and has not changed since 3.3, so it is declared here for 3.9 and 3.10,
/// whose limited API leaves it out).
#[repr(C)]
struct PyBufferView {
  buf: *mut c_void,
  obj: *mut ffi::PyObject,
  len: ffi::Py_ssize_t,
  itemsize: ffi::Py_ssize_t,
  readonly: c_int,
  ndim: c_int,
  format: *mut c_char,
  shape: *mut ffi::Py_ssize_t,
  strides: *mut ffi::Py_ssize_t,
  suboffsets: *mut ffi::Py_ssize_t,
  internal: *mut c_void,
}

extern "C" {
  fn PyObject_GetBuffer(obj: *mut ffi::PyObject, view: *mut PyBufferView, flags: c_int) -> c_int;
  fn PyBuffer_Release(view: *mut PyBufferView);
}

/// `PyBUF_C_CONTIGUOUS | PyBUF_FORMAT`: one contiguous block, with its item format.
const CONTIGUOUS_WITH_FORMAT: c_int = 0x0038 | 0x0004;

/// A held buffer, released on drop.
struct Held(PyBufferView);

impl Drop for Held {
  fn drop(&mut self) {
    // SAFETY: a view `PyObject_GetBuffer` filled, released once; the GIL is held (drops happen
    // where `buffer_sum` holds it).
    unsafe { PyBuffer_Release(&mut self.0) }
  }
}

/// The sum of an int32 buffer, read in place; `None` for an object that exports no contiguous
/// buffer of C `int` (the caller then iterates it).
fn buffer_sum(py: Python<'_>, numbers: &Bound<'_, PyAny>) -> PyResult<Option<i128>> {
  let mut view = std::mem::MaybeUninit::<PyBufferView>::zeroed();
  // SAFETY: a live object; on failure the view is not filled and an exception is set, which is
  // cleared below (the object simply has no such buffer).
  if unsafe { PyObject_GetBuffer(numbers.as_ptr(), view.as_mut_ptr(), CONTIGUOUS_WITH_FORMAT) } != 0
  {
    let _ = PyErr::take(py);
    return Ok(None);
  }
  // SAFETY: filled by a successful `PyObject_GetBuffer`.
  let held = Held(unsafe { view.assume_init() });
  let view = &held.0;
  let format: &[u8] = if view.format.is_null() {
    // NULL means unsigned bytes.
    b"B"
  } else {
    // SAFETY: with PyBUF_FORMAT the format is a NUL-terminated string.
    unsafe { CStr::from_ptr(view.format) }.to_bytes()
  };
  let native_int32 = matches!(format, b"i" | b"@i" | b"=i")
    || (cfg!(target_endian = "little") && format == b"<i")
    || (cfg!(target_endian = "big") && format == b">i");
  if !native_int32 || view.itemsize != 4 {
    return Ok(None);
  }
  let len = usize::try_from(view.len).unwrap_or(0) / 4;
  if len == 0 {
    return Ok(Some(0));
  }
  let data = view.buf.cast::<i32>();
  if !data.is_aligned() {
    // A view at an odd offset (a memoryview of bytes, cast): read it element by element.
    // SAFETY: `len` int32 of readable memory at `data`, read unaligned.
    let total = (0..len)
      .map(|i| i128::from(unsafe { data.add(i).read_unaligned() }))
      .sum();
    return Ok(Some(total));
  }
  // SAFETY: the exporter keeps `len` aligned int32 at `data` until the view is released (a
  // buffer cannot be resized while exported). Another thread may write to it meanwhile, as
  // with any C extension reading a buffer without the GIL.
  let values = unsafe { std::slice::from_raw_parts(data, len) };
  let total = if len >= DETACH_ELEMENTS {
    // `&[i32]` is not `Send` through `detach`'s bound as a reference to Python-owned memory
    // could be; the address is passed instead.
    let address = values.as_ptr() as usize;
    py.detach(move || {
      // SAFETY: as above; the view outlives this closure.
      let values = unsafe { std::slice::from_raw_parts(address as *const i32, len) };
      mylib_core::sum(values)
    })
  } else {
    mylib_core::sum(values)
  };
  Ok(Some(total))
}
