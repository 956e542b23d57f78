//! The Node-API floor, for benchmarks only (cargo feature `bench-floor`; never in the published
//! binary). Functions written directly on the `napi-sys` C API, doing the same work as their
//! napi-rs twins, so `npm run bench` can show what napi-rs's glue costs on top of Node-API:
//!
//! - `rawNoop()`: a call and nothing else.
//! - `rawGreet(name)`: `greet`'s work (string check, exact UTF-16 copy, new string).
//! - `new RawCalculator(initial).add(n)`: a method call that unwraps `this`, checks a finite
//!   number and stores the sum, as `Calculator.prototype.add` does.
//!
//! Errors here are minimal (a thrown `TypeError` without a code): the floor measures the
//! success path.

use std::ffi::c_void;
use std::ptr;

use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{sys, Env};

const PREFIX: &[u16] = &[72, 101, 108, 108, 111, 44, 32]; // "Hello, "
const SUFFIX: u16 = 33; // "!"
/// `NAPI_AUTO_LENGTH`: the name is NUL-terminated.
const AUTO_LENGTH: isize = -1;

/// Reads up to `N` arguments and `this`.
unsafe fn args<const N: usize>(
  env: sys::napi_env,
  info: sys::napi_callback_info,
) -> ([sys::napi_value; N], sys::napi_value) {
  let mut argv = [ptr::null_mut(); N];
  let mut argc = N;
  let mut this = ptr::null_mut();
  unsafe {
    sys::napi_get_cb_info(
      env,
      info,
      &mut argc,
      argv.as_mut_ptr(),
      &mut this,
      ptr::null_mut(),
    )
  };
  (argv, this)
}

unsafe fn throw_type_error(env: sys::napi_env, message: &std::ffi::CStr) -> sys::napi_value {
  unsafe { sys::napi_throw_type_error(env, ptr::null(), message.as_ptr()) };
  ptr::null_mut()
}

unsafe extern "C" fn raw_noop(
  env: sys::napi_env,
  _info: sys::napi_callback_info,
) -> sys::napi_value {
  let mut undefined = ptr::null_mut();
  unsafe { sys::napi_get_undefined(env, &mut undefined) };
  undefined
}

unsafe extern "C" fn raw_greet(
  env: sys::napi_env,
  info: sys::napi_callback_info,
) -> sys::napi_value {
  unsafe {
    let ([name], _) = args::<1>(env, info);
    let mut kind = 0;
    sys::napi_typeof(env, name, &mut kind);
    if kind != sys::ValueType::napi_string {
      return throw_type_error(env, c"rawGreet: name must be a string");
    }
    let mut len = 0;
    sys::napi_get_value_string_utf16(env, name, ptr::null_mut(), 0, &mut len);
    let mut out: Vec<u16> = Vec::with_capacity(PREFIX.len() + len + 2);
    out.extend_from_slice(PREFIX);
    let mut written = 0;
    sys::napi_get_value_string_utf16(
      env,
      name,
      out.as_mut_ptr().add(PREFIX.len()),
      len + 1,
      &mut written,
    );
    out.set_len(PREFIX.len() + written);
    out.push(SUFFIX);
    let mut result = ptr::null_mut();
    sys::napi_create_string_utf16(env, out.as_ptr(), out.len() as isize, &mut result);
    result
  }
}

unsafe extern "C" fn finalize_value(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
  drop(unsafe { Box::from_raw(data.cast::<f64>()) });
}

unsafe extern "C" fn raw_calculator_new(
  env: sys::napi_env,
  info: sys::napi_callback_info,
) -> sys::napi_value {
  unsafe {
    let ([initial], this) = args::<1>(env, info);
    let mut value = 0f64;
    sys::napi_get_value_double(env, initial, &mut value);
    let boxed = Box::into_raw(Box::new(value));
    sys::napi_wrap(
      env,
      this,
      boxed.cast(),
      Some(finalize_value),
      ptr::null_mut(),
      ptr::null_mut(),
    );
    this
  }
}

unsafe extern "C" fn raw_calculator_add(
  env: sys::napi_env,
  info: sys::napi_callback_info,
) -> sys::napi_value {
  unsafe {
    let ([n], this) = args::<1>(env, info);
    let mut data = ptr::null_mut();
    if sys::napi_unwrap(env, this, &mut data) != sys::Status::napi_ok {
      return throw_type_error(env, c"RawCalculator.add: foreign this");
    }
    let mut kind = 0;
    sys::napi_typeof(env, n, &mut kind);
    if kind != sys::ValueType::napi_number {
      return throw_type_error(env, c"RawCalculator.add: n must be a number");
    }
    let mut operand = 0f64;
    sys::napi_get_value_double(env, n, &mut operand);
    let value = &mut *data.cast::<f64>();
    let sum = *value + operand;
    if !operand.is_finite() || !sum.is_finite() {
      return throw_type_error(env, c"RawCalculator.add: out of range");
    }
    *value = sum;
    let mut result = ptr::null_mut();
    sys::napi_create_double(env, sum, &mut result);
    result
  }
}

fn function(
  env: &Env,
  name: &std::ffi::CStr,
  callback: sys::napi_callback,
) -> napi::Result<sys::napi_value> {
  let mut result = ptr::null_mut();
  napi::check_status!(unsafe {
    sys::napi_create_function(
      env.raw(),
      name.as_ptr(),
      AUTO_LENGTH,
      callback,
      ptr::null_mut(),
      &mut result,
    )
  })?;
  Ok(result)
}

/// Adds the floor functions to the module's exports.
pub fn export(env: &Env, exports: &mut Object) -> napi::Result<()> {
  let noop = function(env, c"rawNoop", Some(raw_noop))?;
  let greet = function(env, c"rawGreet", Some(raw_greet))?;
  let add = sys::napi_property_descriptor {
    utf8name: c"add".as_ptr(),
    name: ptr::null_mut(),
    method: Some(raw_calculator_add),
    getter: None,
    setter: None,
    value: ptr::null_mut(),
    attributes: sys::PropertyAttributes::default,
    data: ptr::null_mut(),
  };
  let mut class = ptr::null_mut();
  napi::check_status!(unsafe {
    sys::napi_define_class(
      env.raw(),
      c"RawCalculator".as_ptr(),
      AUTO_LENGTH,
      Some(raw_calculator_new),
      ptr::null_mut(),
      1,
      &add,
      &mut class,
    )
  })?;
  for (name, value) in [
    ("rawNoop", noop),
    ("rawGreet", greet),
    ("RawCalculator", class),
  ] {
    // SAFETY: each value was just created in this environment.
    let value = unsafe { napi::Unknown::from_raw_unchecked(env.raw(), value) };
    exports.set_named_property(name, value)?;
  }
  Ok(())
}
