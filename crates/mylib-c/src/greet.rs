//! `mylib_greet` and `mylib_string_free`.

use std::ffi::{c_char, CString};

use mylib_core::{Func, Param};

use crate::boundary::{guard, non_null_mut, text};
use crate::error::mylib_status;

/// Writes `"Hello, <name>!"` to `*out`: a new string, yours to free with `mylib_string_free`.
///
/// `name` is UTF-8 text (any, including the empty string); bytes that are not UTF-8 are
/// `MYLIB_ERR_INVALID_ARG_VALUE`. A NULL `name` or `out` is `MYLIB_NULL_ARGUMENT`.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `out` is NULL or points to a writable `char *`.
#[no_mangle]
pub unsafe extern "C" fn mylib_greet(name: *const c_char, out: *mut *mut c_char) -> mylib_status {
  guard("mylib_greet", || {
    // SAFETY: the caller's promises.
    let (name, out) = unsafe {
      (
        text(Func::Greet, Param::Name, "name", name)?,
        non_null_mut("out", out)?,
      )
    };
    let greeting = mylib_core::greet(name);
    // The name had no NUL (it was a C string), so neither has the greeting.
    *out = CString::new(greeting).unwrap_or_default().into_raw();
    Ok(())
  })
}

/// Frees a string mylib returned. NULL is a no-op.
///
/// # Safety
/// `s` is NULL or a string from mylib that has not been freed yet.
#[no_mangle]
pub unsafe extern "C" fn mylib_string_free(s: *mut c_char) {
  if !s.is_null() {
    // SAFETY: the caller's promise: a `CString` mylib made with `into_raw`, freed once.
    drop(unsafe { CString::from_raw(s) });
  }
}
