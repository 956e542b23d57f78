//! `mylib_sum`.

use mylib_core::{Argument, Error, Func, Param, Range, Received};

use crate::boundary::{guard, non_null_mut};
use crate::error::{mylib_status, Failure};

/// Writes the exact sum of the `len` values at `values` to `*out`.
///
/// The sum never wraps: it is computed in 128 bits, and a total outside the `int64_t` range
/// (possible only with more than 2^32 values) is `MYLIB_ERR_OUT_OF_RANGE`. `values` may be NULL
/// only when `len` is 0 (the sum is then 0); a NULL `out` is `MYLIB_NULL_ARGUMENT`.
///
/// # Safety
/// `values` points to `len` readable `int32_t` (or is NULL with `len` 0); `out` is NULL or points
/// to a writable `int64_t`.
#[no_mangle]
pub unsafe extern "C" fn mylib_sum(values: *const i32, len: usize, out: *mut i64) -> mylib_status {
  guard("mylib_sum", || {
    // SAFETY: the caller's promise.
    let out = unsafe { non_null_mut("out", out)? };
    let values: &[i32] = if len == 0 {
      &[]
    } else if values.is_null() {
      return Err(Failure::Null("values"));
    } else if len > isize::MAX as usize / size_of::<i32>() {
      return Err(Failure::Core(Error::out_of_range(
        Argument::new(Func::Sum, Param::Numbers),
        Range::Between(0, (isize::MAX as usize / size_of::<i32>()) as i64),
        Received::Integer(len as i128),
      )));
    } else {
      // SAFETY: the caller's promise: `len` readable, aligned `int32_t` at `values`, no more
      // than isize::MAX bytes (checked above).
      unsafe { std::slice::from_raw_parts(values, len) }
    };
    let total = mylib_core::sum(values);
    *out = i64::try_from(total).map_err(|_| {
      Failure::Core(Error::out_of_range(
        Argument::new(Func::Sum, Param::Result),
        Range::Between(i64::MIN, i64::MAX),
        Received::Integer(total),
      ))
    })?;
    Ok(())
  })
}
