//! `mylib_user`: a validated user record.

use std::ffi::{c_char, CString};

use mylib_core::{Func, Param};

use crate::boundary::{guard, non_null_mut, text};
use crate::error::mylib_status;

/// A user record. `mylib_user_create` fills it; `mylib_user_free` frees its strings.
#[repr(C)]
pub struct mylib_user {
  /// Any `uint32_t`.
  pub id: u32,
  /// The name exactly as given: UTF-8, not empty or only whitespace (JS `trim` rules).
  pub name: *mut c_char,
  /// A valid e-mail address by the WHATWG HTML rule (`<input type=email>`).
  pub email: *mut c_char,
}

/// Fills `*out` with a new record of copies of `name` and `email`; free its strings with
/// `mylib_user_free`.
///
/// A blank `name` (empty or only whitespace), an `email` that is not a valid address, or either
/// not UTF-8 is `MYLIB_ERR_INVALID_ARG_VALUE`; a NULL pointer is `MYLIB_NULL_ARGUMENT`. On
/// failure `*out` is untouched.
///
/// # Safety
/// `name` and `email` are NULL or NUL-terminated strings; `out` is NULL or points to a writable
/// `mylib_user`.
#[no_mangle]
pub unsafe extern "C" fn mylib_user_create(
  id: u32,
  name: *const c_char,
  email: *const c_char,
  out: *mut mylib_user,
) -> mylib_status {
  guard("mylib_user_create", || {
    // SAFETY: the caller's promises.
    let (name, email, out) = unsafe {
      (
        text(Func::CreateUser, Param::Name, "name", name)?,
        text(Func::CreateUser, Param::Email, "email", email)?,
        non_null_mut("out", out)?,
      )
    };
    let user = mylib_core::create_user(id, name, email)?;
    // Both came from C strings: neither holds a NUL.
    let name = CString::new(user.name).unwrap_or_default();
    let email = CString::new(user.email).unwrap_or_default();
    *out = mylib_user {
      id: user.id,
      name: name.into_raw(),
      email: email.into_raw(),
    };
    Ok(())
  })
}

/// Frees the strings of a record from `mylib_user_create` and zeroes it (both pointers NULL, id
/// 0), so freeing it twice is harmless. NULL is a no-op.
///
/// # Safety
/// `user` is NULL or points to a record from `mylib_user_create` (or a zeroed one).
#[no_mangle]
pub unsafe extern "C" fn mylib_user_free(user: *mut mylib_user) {
  // SAFETY: the caller's promise.
  let Some(user) = (unsafe { user.as_mut() }) else {
    return;
  };
  for field in [&mut user.name, &mut user.email] {
    if !field.is_null() {
      // SAFETY: a string `mylib_user_create` made with `into_raw`, freed once (then NULLed).
      drop(unsafe { CString::from_raw(*field) });
      *field = std::ptr::null_mut();
    }
  }
  user.id = 0;
}
