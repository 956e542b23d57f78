//! The boundary every exported function goes through: panics are caught, failures become a
//! status and this thread's last error, and pointers from C are checked before use.

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use mylib_core::{Argument, Error, Func, Invalid, Param, Received};

use crate::error::{mylib_status, set_last_error, Failure};

/// Runs the body of the C function `func`: `MYLIB_OK` when it succeeds; otherwise its status,
/// with its message recorded as this thread's last error. A panic never unwinds into C: it is
/// `MYLIB_PANIC`.
pub fn guard(func: &'static str, body: impl FnOnce() -> Result<(), Failure>) -> mylib_status {
  let failure = match catch_unwind(AssertUnwindSafe(body)) {
    Ok(Ok(())) => return mylib_status::MYLIB_OK,
    Ok(Err(failure)) => failure,
    Err(panic) => {
      let reason = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
      Failure::Other(
        mylib_status::MYLIB_PANIC,
        format!("panicked (a bug in mylib): {reason}"),
      )
    }
  };
  // Wording a message allocates; should even that panic, the status still gets out.
  let _ = catch_unwind(AssertUnwindSafe(|| {
    set_last_error(failure.message(func));
  }));
  failure.status()
}

/// `ptr` as a reference, or [`Failure::Null`] naming `arg`.
///
/// # Safety
/// A non-NULL `ptr` must point to a live, aligned `T` for `'a`.
pub unsafe fn non_null<'a, T>(arg: &'static str, ptr: *const T) -> Result<&'a T, Failure> {
  // SAFETY: the caller's promise.
  unsafe { ptr.as_ref() }.ok_or(Failure::Null(arg))
}

/// `ptr` as a mutable reference, or [`Failure::Null`] naming `arg`.
///
/// # Safety
/// A non-NULL `ptr` must point to a live, aligned `T` for `'a`, with no other reference to it.
pub unsafe fn non_null_mut<'a, T>(arg: &'static str, ptr: *mut T) -> Result<&'a mut T, Failure> {
  // SAFETY: the caller's promise.
  unsafe { ptr.as_mut() }.ok_or(Failure::Null(arg))
}

/// A NUL-terminated C string as UTF-8 text: [`Failure::Null`] for NULL, `ERR_INVALID_ARG_VALUE`
/// for bytes that are not UTF-8.
///
/// # Safety
/// A non-NULL `ptr` must point to a NUL-terminated string that lives for `'a`.
pub unsafe fn text<'a>(
  func: Func,
  param: Param,
  arg: &'static str,
  ptr: *const c_char,
) -> Result<&'a str, Failure> {
  if ptr.is_null() {
    return Err(Failure::Null(arg));
  }
  // SAFETY: the caller's promise.
  let bytes = unsafe { CStr::from_ptr(ptr) };
  bytes.to_str().map_err(|_| {
    Failure::Core(Error::arg_value(
      Argument::new(func, param),
      Invalid::Utf8,
      Received::String(bytes.to_string_lossy().into_owned()),
    ))
  })
}

/// A string for C to own (free it with `mylib_string_free`). `what` names it in the error if
/// it holds a NUL, which a C string cannot.
pub fn c_string(what: &str, text: String) -> Result<*mut c_char, Failure> {
  CString::new(text).map(CString::into_raw).map_err(|err| {
    Failure::Other(
      mylib_status::MYLIB_ERR_INVALID_ARG_VALUE,
      format!(
        "{what} holds a NUL byte at offset {}, which a C string cannot",
        err.nul_position()
      ),
    )
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_panic_is_a_status_and_a_message() {
    let status = guard("mylib_test", || panic!("boom"));
    assert_eq!(status, mylib_status::MYLIB_PANIC);
    // SAFETY: this thread's last error, just set.
    let last = unsafe { CStr::from_ptr(crate::error::mylib_last_error()) };
    assert_eq!(
      last.to_str(),
      Ok("mylib_test: panicked (a bug in mylib): boom")
    );
  }

  #[test]
  fn null_and_invalid_utf8_are_refused() {
    // SAFETY: NULL, and a NUL-terminated literal.
    unsafe {
      assert!(matches!(
        text(Func::Greet, Param::Name, "name", std::ptr::null()),
        Err(Failure::Null("name"))
      ));
      let bad = text(Func::Greet, Param::Name, "name", c"caf\xe9".as_ptr());
      assert!(matches!(
        bad,
        Err(Failure::Core(Error::InvalidArgValue {
          reason: Invalid::Utf8,
          ..
        }))
      ));
      assert_eq!(
        text(Func::Greet, Param::Name, "name", c"Ada".as_ptr()).ok(),
        Some("Ada")
      );
      assert!(matches!(
        non_null::<u8>("out", std::ptr::null()),
        Err(Failure::Null("out"))
      ));
    }
  }

  #[test]
  fn strings_with_nul_are_refused() {
    let failure = c_string("the body", "a\0b".into()).unwrap_err();
    assert_eq!(failure.status(), mylib_status::MYLIB_ERR_INVALID_ARG_VALUE);
    assert_eq!(
      failure.message("mylib_fetch_data"),
      "mylib_fetch_data: the body holds a NUL byte at offset 1, which a C string cannot"
    );
    let ok = c_string("the body", "ab".into()).unwrap();
    // SAFETY: a string made just above, freed once.
    drop(unsafe { CString::from_raw(ok) });
  }
}
