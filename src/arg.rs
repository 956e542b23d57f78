//! Reading JS arguments at the boundary: every value's type is checked before it is converted,
//! because Node-API converts silently (`-1` → 4294967295 as u32, `1.5` → 1).
//!
//! Nothing here runs user code except where a function says so (property reads).

use std::mem::MaybeUninit;
use std::ptr;

use napi::{sys, Env, JsValue, Unknown, ValueType};

use mylib_core::{Argument, Error as CoreError, Expected, Received};

use crate::error::{Error, Result, QUOTE_UNITS};

/// The `typeof` of a value, as Node-API reports it.
pub fn type_of(value: &Unknown) -> Result<ValueType> {
  Ok(value.get_type()?)
}

/// What a value is, for the "Received ..." part of an error message, without running any user
/// code (no getters, no `toString`). A string is read only as far as a message quotes it.
pub fn describe(value: &Unknown) -> Received {
  let Ok(kind) = value.get_type() else {
    return Received::Type("unknown".into());
  };
  match kind {
    ValueType::Undefined => Received::Undefined,
    ValueType::Null => Received::Null,
    // SAFETY (both casts): the type was checked just above.
    ValueType::Boolean => Received::Bool(unsafe { value.cast::<bool>() }.unwrap_or_default()),
    ValueType::Number => match number(value) {
      Ok(n) => Received::Number(n),
      Err(_) => Received::Type("number".into()),
    },
    ValueType::String => match string_head(value) {
      Ok(head) => Received::String(head),
      Err(_) => Received::Type("string".into()),
    },
    ValueType::BigInt => {
      // ToString of a BigInt primitive is an internal operation: it runs no user code.
      match value
        .coerce_to_string()
        .and_then(|s| s.into_utf8()?.into_owned())
      {
        Ok(digits) => Received::BigInt(digits),
        Err(_) => Received::Type("bigint".into()),
      }
    }
    ValueType::Symbol => Received::Type("symbol".into()),
    ValueType::Function => Received::Type("function".into()),
    ValueType::External => Received::Type("external".into()),
    ValueType::Object => {
      if value.is_array().unwrap_or(false) {
        Received::Instance("Array".into())
      } else if let Some(name) = typed_array_name(value) {
        Received::Instance(name.into())
      } else {
        Received::Type("object".into())
      }
    }
    _ => Received::Type("unknown".into()),
  }
}

/// `ERR_INVALID_ARG_TYPE` for `arg`, which should have been `expected` and is `value`.
pub fn type_error(arg: Argument, expected: Expected, value: &Unknown) -> Error {
  CoreError::arg_type(arg, expected, describe(value)).into()
}

/// Reads a number, after checking that the value is one.
pub fn expect_number(arg: Argument, value: &Unknown) -> Result<f64> {
  let raw = value.value();
  let mut n = 0f64;
  // SAFETY: a live value of this environment. For anything but a number primitive it fails
  // with `napi_number_expected`, runs no user code and leaves no exception: one call does the
  // type check and the read.
  let status = unsafe { sys::napi_get_value_double(raw.env, raw.value, &mut n) };
  match status {
    sys::Status::napi_ok => Ok(n),
    sys::Status::napi_number_expected => Err(type_error(arg, Expected::Number, value)),
    other => Err(Error::Js(napi::Error::new(
      napi::Status::from(other),
      "reading a number failed",
    ))),
  }
}

/// Reads a number that may be omitted: `undefined` gives `default`, as a JS default parameter
/// does; `null` and every other non-number are type errors.
pub fn optional_number(arg: Argument, value: &Unknown, default: f64) -> Result<f64> {
  if type_of(value)? == ValueType::Undefined {
    return Ok(default);
  }
  expect_number(arg, value)
}

/// UTF-16 buffers up to this many code units live on the stack (see [`with_units`]).
pub const STACK_UNITS: usize = 256;

/// Runs `f` on a zeroed buffer of `len` UTF-16 code units: on the stack when it is short, else
/// in one allocation.
pub fn with_units<R>(len: usize, f: impl FnOnce(&mut [u16]) -> R) -> R {
  let mut stack = [0u16; STACK_UNITS];
  let mut heap: Vec<u16>;
  let buffer: &mut [u16] = if len <= STACK_UNITS {
    &mut stack[..len]
  } else {
    heap = vec![0u16; len];
    &mut heap
  };
  f(buffer)
}

/// The length of a string in UTF-16 code units.
pub fn utf16_len(env: &Env, string: &Unknown) -> Result<usize> {
  let raw = string.value();
  let mut len = 0;
  // SAFETY: `string` is a string; a NULL buffer asks only for its length.
  let status =
    unsafe { sys::napi_get_value_string_utf16(raw.env, raw.value, ptr::null_mut(), 0, &mut len) };
  check(env, status, "reading a string")?;
  Ok(len)
}

/// Copies a string's UTF-16 code units into `buffer`, which must hold them and one unit more
/// (Node-API's terminating NUL goes there); returns how many it copied.
pub fn read_utf16(env: &Env, string: &Unknown, buffer: &mut [u16]) -> Result<usize> {
  let raw = string.value();
  let mut written = 0;
  // SAFETY: Node-API writes at most `buffer.len()` units, NUL included.
  let status = unsafe {
    sys::napi_get_value_string_utf16(
      raw.env,
      raw.value,
      buffer.as_mut_ptr(),
      buffer.len(),
      &mut written,
    )
  };
  check(env, status, "reading a string")?;
  Ok(written)
}

/// Reads a string as its exact UTF-16 code units (lone surrogates included), after checking
/// that the value is one, and runs `f` on them (without an allocation for a short string).
///
/// A string shorter than [`STACK_UNITS`] takes one Node-API call, which also checks its type.
pub fn with_utf16<R>(
  env: &Env,
  arg: Argument,
  value: &Unknown,
  f: impl FnOnce(&[u16]) -> R,
) -> Result<R> {
  let raw = value.value();
  // Not zeroed: Node-API writes the units it reports (and a NUL), and only those are read.
  // Zeroing it cost more than a short string's whole copy.
  let mut stack = [MaybeUninit::<u16>::uninit(); STACK_UNITS];
  let mut written = 0;
  // SAFETY: Node-API writes at most STACK_UNITS units, its NUL included. For anything but a
  // string primitive it fails with `napi_string_expected`, running no user code.
  let status = unsafe {
    sys::napi_get_value_string_utf16(
      raw.env,
      raw.value,
      stack.as_mut_ptr().cast::<u16>(),
      STACK_UNITS,
      &mut written,
    )
  };
  if status == sys::Status::napi_string_expected {
    return Err(type_error(arg, Expected::String, value));
  }
  check(env, status, "reading a string")?;
  if written < STACK_UNITS - 1 {
    // SAFETY: Node-API initialised the first `written` units (fewer than STACK_UNITS).
    let units = unsafe { std::slice::from_raw_parts(stack.as_ptr().cast::<u16>(), written) };
    return Ok(f(units));
  }
  // The buffer filled up, so the string may be longer: read it whole.
  let len = utf16_len(env, value)?;
  with_units(len + 1, |buffer| {
    let written = read_utf16(env, value, buffer)?;
    Ok(f(buffer.get(..written).unwrap_or_default()))
  })
}

/// Reads a string as UTF-8 (lone surrogates become U+FFFD, as the WHATWG URL parser would do),
/// after checking that the value is one.
pub fn expect_string(arg: Argument, value: &Unknown) -> Result<String> {
  expect_type(arg, value, ValueType::String)?;
  // SAFETY: the value was checked to be a string.
  Ok(unsafe { value.cast::<String>()? })
}

/// Checks that a value has the JS type `kind` (string, number or boolean), else
/// `ERR_INVALID_ARG_TYPE`.
pub fn expect_type(arg: Argument, value: &Unknown, kind: ValueType) -> Result<()> {
  if type_of(value)? == kind {
    return Ok(());
  }
  let expected = match kind {
    ValueType::String => Expected::String,
    ValueType::Boolean => Expected::Boolean,
    _ => Expected::Number,
  };
  Err(type_error(arg, expected, value))
}

/// Reads the property `name` of a plain options object. This runs user code (getters, Proxy
/// traps); an exception it throws is returned as `Error::Js`, cleared from the environment.
pub fn property<'env>(env: &'env Env, object: &Unknown<'env>, name: &str) -> Result<Unknown<'env>> {
  let raw = object.value();
  let key = std::ffi::CString::new(name).map_err(|_| {
    Error::Js(napi::Error::new(
      napi::Status::InvalidArg,
      format!("property name {name:?} contains NUL"),
    ))
  })?;
  let mut result = ptr::null_mut();
  // SAFETY: `raw` is a live object of the current environment.
  let status =
    unsafe { sys::napi_get_named_property(raw.env, raw.value, key.as_ptr(), &mut result) };
  if status != sys::Status::napi_ok {
    return Err(failure(env, status, &format!("reading {name}")));
  }
  // SAFETY: Node-API returned a live value of this environment.
  Ok(unsafe { Unknown::from_raw_unchecked(raw.env, result) })
}

/// Wraps a failed Node-API call. A JS exception it raised (a getter, a Proxy trap) stays pending:
/// a synchronous export lets it propagate unchanged, `fetchData` turns it into its rejection.
pub fn failure(env: &Env, status: sys::napi_status, what: &str) -> Error {
  let status = if crate::error::exception_pending(env) {
    napi::Status::PendingException
  } else {
    napi::Status::from(status)
  };
  Error::Js(napi::Error::new(status, format!("{what} failed")))
}

/// Calls `object[name](...args)` with `object` as `this`. Runs user code; an exception it
/// throws is returned as `Error::Js`, cleared from the environment.
pub fn call_method<'env>(
  env: &'env Env,
  object: &Unknown<'env>,
  name: &str,
  args: &[sys::napi_value],
) -> Result<Unknown<'env>> {
  let method = property(env, object, name)?;
  if type_of(&method)? != ValueType::Function {
    return Err(Error::Js(napi::Error::new(
      napi::Status::FunctionExpected,
      format!("{name} is not a function on the given object"),
    )));
  }
  let raw = object.value();
  let mut result = ptr::null_mut();
  // SAFETY: `method` is a function of this environment; `args` are live values.
  let status = unsafe {
    sys::napi_call_function(
      raw.env,
      raw.value,
      method.raw(),
      args.len(),
      args.as_ptr(),
      &mut result,
    )
  };
  if status != sys::Status::napi_ok {
    return Err(failure(env, status, name));
  }
  // SAFETY: Node-API returned a live value of this environment.
  Ok(unsafe { Unknown::from_raw_unchecked(raw.env, result) })
}

/// `globalThis`.
pub fn global<'env>(env: &'env Env) -> Result<Unknown<'env>> {
  let mut global = ptr::null_mut();
  // SAFETY: plain query on the live environment.
  unsafe {
    check(
      env,
      sys::napi_get_global(env.raw(), &mut global),
      "reading globalThis",
    )?;
    Ok(Unknown::from_raw_unchecked(env.raw(), global))
  }
}

/// Whether `value[Symbol.iterator]` is a function: what makes `fetch` read a `HeadersInit` as a
/// sequence of pairs rather than a record. Runs a getter the caller may have installed.
pub fn is_iterable(env: &Env, value: &Unknown) -> Result<bool> {
  let symbol = property(env, &global(env)?, "Symbol")?;
  let iterator = property(env, &symbol, "iterator")?;
  let mut method = ptr::null_mut();
  // SAFETY: live values of this environment; a getter's exception is returned as `Error::Js`.
  let status =
    unsafe { sys::napi_get_property(env.raw(), value.raw(), iterator.raw(), &mut method) };
  if status != sys::Status::napi_ok {
    return Err(failure(env, status, "reading [Symbol.iterator]"));
  }
  // SAFETY: Node-API returned a live value of this environment.
  let method = unsafe { Unknown::from_raw_unchecked(env.raw(), method) };
  Ok(type_of(&method)? == ValueType::Function)
}

/// `Array.from(value)`: the entries of an iterable (a `Map`, a `Headers`) as an array. Runs the
/// iterable's own iterator; an exception it throws is returned as `Error::Js`.
pub fn array_from<'env>(env: &'env Env, value: &Unknown<'env>) -> Result<Unknown<'env>> {
  let array = property(env, &global(env)?, "Array")?;
  call_method(env, &array, "from", &[value.raw()])
}

/// `value instanceof globalThis[class]`, without running user code other than a
/// `Symbol.hasInstance` the page may have installed.
pub fn is_instance_of_global(env: &Env, value: &Unknown, class: &str) -> Result<bool> {
  if type_of(value)? != ValueType::Object {
    return Ok(false);
  }
  let constructor = property(env, &global(env)?, class)?;
  if type_of(&constructor)? != ValueType::Function {
    return Ok(false);
  }
  let mut is_instance = false;
  // SAFETY: both values are live; `constructor` is a function.
  let status =
    unsafe { sys::napi_instanceof(env.raw(), value.raw(), constructor.raw(), &mut is_instance) };
  if status != sys::Status::napi_ok {
    return Err(failure(env, status, "instanceof"));
  }
  Ok(is_instance)
}

/// The own enumerable string keys of an object, in property order (symbols skipped).
pub fn own_keys<'env>(env: &'env Env, object: &Unknown<'env>) -> Result<Vec<String>> {
  let raw = object.value();
  let mut names = ptr::null_mut();
  // SAFETY: `object` is a live object; this may run Proxy traps (ownKeys), whose exception is
  // returned as an error.
  let status = unsafe {
    sys::napi_get_all_property_names(
      raw.env,
      raw.value,
      sys::KeyCollectionMode::own_only,
      sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
      sys::KeyConversion::numbers_to_strings,
      &mut names,
    )
  };
  if status != sys::Status::napi_ok {
    return Err(failure(env, status, "listing properties"));
  }
  // SAFETY: Node-API returned an array of strings.
  let names = unsafe { Unknown::from_raw_unchecked(raw.env, names) };
  elements(env, &names)?
    .iter()
    .map(|name| {
      // SAFETY: Node-API converted every key to a string.
      Ok(unsafe { name.cast::<String>()? })
    })
    .collect()
}

/// The elements of a JS array, read with `array[i]` (getters run).
pub fn elements<'env>(env: &'env Env, array: &Unknown<'env>) -> Result<Vec<Unknown<'env>>> {
  let raw = array.value();
  let mut length = 0u32;
  // SAFETY: `array` is an Array of this environment.
  unsafe {
    check(
      env,
      sys::napi_get_array_length(raw.env, raw.value, &mut length),
      "reading an array length",
    )?
  };
  (0..length)
    .map(|index| {
      let mut item = ptr::null_mut();
      // SAFETY: reading an element of a live array; a getter's exception becomes an error.
      let status = unsafe { sys::napi_get_element(raw.env, raw.value, index, &mut item) };
      if status != sys::Status::napi_ok {
        return Err(failure(env, status, "reading an array element"));
      }
      // SAFETY: Node-API returned a live value of this environment.
      Ok(unsafe { Unknown::from_raw_unchecked(raw.env, item) })
    })
    .collect()
}

/// `Ok` for `napi_ok`, else the [`failure`].
pub fn check(env: &Env, status: sys::napi_status, what: &str) -> Result<()> {
  if status == sys::Status::napi_ok {
    Ok(())
  } else {
    Err(failure(env, status, what))
  }
}

/// Whether a value is a plain options object: an object, not `null`, not an array.
pub fn is_options_object(value: &Unknown) -> Result<bool> {
  Ok(type_of(value)? == ValueType::Object && !value.is_array()?)
}

fn number(value: &Unknown) -> Result<f64> {
  // SAFETY: callers check the type first.
  Ok(unsafe { value.cast::<f64>()? })
}

/// The first [`QUOTE_UNITS`] UTF-16 code units of a string (all of a shorter one): as much as
/// an error message quotes of it.
fn string_head(value: &Unknown) -> Result<String> {
  let raw = value.value();
  let mut buf = [0u16; QUOTE_UNITS + 1];
  let mut written = 0usize;
  // SAFETY: Node-API writes at most QUOTE_UNITS units plus a NUL into `buf`.
  let status = unsafe {
    sys::napi_get_value_string_utf16(
      raw.env,
      raw.value,
      buf.as_mut_ptr(),
      buf.len(),
      &mut written,
    )
  };
  if status != sys::Status::napi_ok {
    return Err(Error::Js(napi::Error::new(
      napi::Status::from(status),
      "reading a string failed",
    )));
  }
  Ok(String::from_utf16_lossy(
    buf.get(..written).unwrap_or_default(),
  ))
}

/// A typed array as Node-API describes it: its element type and its elements, in place.
pub struct TypedArray {
  pub kind: sys::napi_typedarray_type,
  /// The first element (NULL for a detached buffer).
  pub data: *mut std::ffi::c_void,
  /// The number of elements.
  pub length: usize,
}

/// `value` as a typed array; `None` for any other value.
pub fn typed_array(value: &Unknown) -> Option<TypedArray> {
  let raw = value.value();
  let mut is_typed = false;
  let mut array = TypedArray {
    kind: 0,
    data: ptr::null_mut(),
    length: 0,
  };
  // SAFETY: plain queries on a live value; neither fails for a live value of this environment.
  let found = unsafe {
    sys::napi_is_typedarray(raw.env, raw.value, &mut is_typed) == sys::Status::napi_ok
      && is_typed
      && sys::napi_get_typedarray_info(
        raw.env,
        raw.value,
        &mut array.kind,
        &mut array.length,
        &mut array.data,
        ptr::null_mut(),
        ptr::null_mut(),
      ) == sys::Status::napi_ok
  };
  found.then_some(array)
}

/// The typed array class name of `value`, when it is one.
pub fn typed_array_name(value: &Unknown) -> Option<&'static str> {
  Some(match typed_array(value)?.kind {
    sys::TypedarrayType::int8_array => "Int8Array",
    sys::TypedarrayType::uint8_array => "Uint8Array",
    sys::TypedarrayType::uint8_clamped_array => "Uint8ClampedArray",
    sys::TypedarrayType::int16_array => "Int16Array",
    sys::TypedarrayType::uint16_array => "Uint16Array",
    sys::TypedarrayType::int32_array => "Int32Array",
    sys::TypedarrayType::uint32_array => "Uint32Array",
    sys::TypedarrayType::float32_array => "Float32Array",
    sys::TypedarrayType::float64_array => "Float64Array",
    sys::TypedarrayType::bigint64_array => "BigInt64Array",
    sys::TypedarrayType::biguint64_array => "BigUint64Array",
    _ => "TypedArray",
  })
}
