//! The one mechanism by which hot exports are called by Node-API directly, without napi-rs's
//! per-call glue.
//!
//! napi-rs wraps each `#[napi]` function in per-call bookkeeping (native-borrow scopes: thread
//! local stacks pushed and popped on every call, then the receiver unwrap and its own type
//! checks). Measured on 2026-12-03 with `npm run bench` against a build whose synchronous exports
//! ran through that glue: `greet('Ada')` took 2.37× the raw Node-API floor (1.07× through
//! here), and `Calculator.prototype.add` 4.84× (1.26× through here): the bench targets are
//! 1.5×.
//!
//! So each synchronous export keeps its single `#[napi]` definition, which holds its body and
//! generates its TypeScript types and JSDoc, and its module's `export` (which `lib.rs` calls)
//! puts a [`Property`] in its place on the exports or the class prototype, whose [`Body`] calls
//! that same function. The compiler checks the call, and [`replace`] refuses a name that napi-rs
//! did not define, so a renamed export fails the addon's load instead of leaving two. Were
//! napi-rs's own callback what JS reaches, the calculator spec's `ERR_INVALID_THIS` checks would
//! fail (V8 refuses a foreign `this` before napi-rs's method runs, with a code-less
//! `TypeError`), and the functions' bench ratios would show it. [`trampoline`] reads the
//! arguments, catches panics and throws errors exactly as napi-rs does.
//!
//! This module knows no export: it is imported, never importing.

use std::ffi::{c_void, CStr};
use std::{panic, ptr};

use napi::bindgen_prelude::{panic_to_error, JsError, ToNapiValue};
use napi::{check_status, sys, Env, JsValue, Unknown};

/// The body of a raw export: `this` and the first `N` arguments (missing ones are `undefined`,
/// extra ones are ignored). It returns the JS result, or an error to throw; an error whose JS
/// exception is already pending (see `crate::error::IntoNapi`) is left as it is.
pub type Body<const N: usize> =
  for<'env> fn(&'env Env, Unknown<'env>, [Unknown<'env>; N]) -> napi::Result<sys::napi_value>;

/// `value` as a JS value, for a body's result.
pub fn to_js<T: ToNapiValue>(env: &Env, value: T) -> napi::Result<sys::napi_value> {
  // SAFETY: the environment of the current call.
  unsafe { T::to_napi_value(env.raw(), value) }
}

/// The current call's `this`, its first `N` arguments (missing ones are `undefined`) and the
/// callback's data.
///
/// # Safety
/// `info` must be the callback info of the current call in `raw_env`.
unsafe fn call_info<const N: usize>(
  raw_env: sys::napi_env,
  info: sys::napi_callback_info,
) -> napi::Result<(sys::napi_value, [sys::napi_value; N], *mut c_void)> {
  let mut argv = [ptr::null_mut(); N];
  let mut argc = N;
  let mut this = ptr::null_mut();
  let mut data = ptr::null_mut();
  // SAFETY: the arguments of the current call; Node-API fills missing ones with `undefined`.
  check_status!(unsafe {
    sys::napi_get_cb_info(
      raw_env,
      info,
      &mut argc,
      argv.as_mut_ptr(),
      &mut this,
      &mut data,
    )
  })?;
  Ok((this, argv, data))
}

/// Runs a callback's `body` as napi-rs runs its own: a panic becomes an error, and an error is
/// thrown (one whose exception is already pending is left as it is).
fn guarded(
  raw_env: sys::napi_env,
  body: impl FnOnce(&Env) -> napi::Result<sys::napi_value>,
) -> sys::napi_value {
  let env = Env::from_raw(raw_env);
  let result = panic::catch_unwind(panic::AssertUnwindSafe(|| body(&env)))
    .map_err(panic_to_error)
    .and_then(|result| result);
  result.unwrap_or_else(|err| {
    // SAFETY: the environment of the current call.
    unsafe { JsError::from(err).throw_into(raw_env) };
    ptr::null_mut()
  })
}

/// The C callback behind every raw export; the callback's data is the `&'static Body<N>` to run.
unsafe extern "C" fn trampoline<const N: usize>(
  raw_env: sys::napi_env,
  info: sys::napi_callback_info,
) -> sys::napi_value {
  guarded(raw_env, |env| {
    // SAFETY: this call's info.
    let (this, argv, data) = unsafe { call_info::<N>(raw_env, info) }?;
    // SAFETY: `define` registered this trampoline with a `&'static Body<N>` as its data.
    let body = unsafe { *data.cast::<Body<N>>() };
    // SAFETY: live values of this call, in this environment.
    let (this, args) = unsafe {
      (
        Unknown::from_raw_unchecked(raw_env, this),
        argv.map(|value| Unknown::from_raw_unchecked(raw_env, value)),
      )
    };
    body(env, this, args)
  })
}

/// What a [`front`] constructor holds: the class it constructs, and what to throw without `new`.
struct Front {
  class: sys::napi_ref,
  refuse: &'static Body<0>,
}

/// The C callback of a [`front`] constructor; its data is a `Front`.
unsafe extern "C" fn construct(
  raw_env: sys::napi_env,
  info: sys::napi_callback_info,
) -> sys::napi_value {
  guarded(raw_env, |env| {
    let mut new_target = ptr::null_mut();
    let mut class = ptr::null_mut();
    let mut result = ptr::null_mut();
    // SAFETY: the current call's values; `front` registered a live `Front` as the data, and its
    // class reference is deleted only by the function's finalizer.
    unsafe {
      let (this, argv, data) = call_info::<1>(raw_env, info)?;
      check_status!(sys::napi_get_new_target(raw_env, info, &mut new_target))?;
      let front = &*data.cast::<Front>();
      // Node gives no new.target outside a construct call; Deno gives `undefined`.
      let mut kind = sys::ValueType::napi_undefined;
      if !new_target.is_null() {
        check_status!(sys::napi_typeof(raw_env, new_target, &mut kind))?;
      }
      if kind == sys::ValueType::napi_undefined {
        let this = Unknown::from_raw_unchecked(raw_env, this);
        return (front.refuse)(env, this, []);
      }
      check_status!(sys::napi_get_reference_value(
        raw_env,
        front.class,
        &mut class
      ))?;
      // The class's own constructor runs on the object `new` made (from `new.target.prototype`).
      check_status!(sys::napi_call_function(
        raw_env,
        this,
        class,
        argv.len(),
        argv.as_ptr(),
        &mut result,
      ))?;
      Ok(this)
    }
  })
}

/// Frees a [`front`] constructor's `Front` when the function is collected.
unsafe extern "C" fn free_front(env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
  // SAFETY: `front` leaked this box for the function, whose finalizer runs once.
  let front = unsafe { Box::from_raw(data.cast::<Front>()) };
  // SAFETY: the reference `front` made in this environment.
  unsafe { sys::napi_delete_reference(env, front.class) };
}

/// Puts a plain constructor function in front of the napi-rs class exported as `name`: it has
/// the class's prototype (so `instanceof`, methods and subclasses work as before) and runs the
/// class's constructor on the object `new` made, but a call without `new` runs `refuse` instead.
/// napi-rs's class accepts `Class.call(Object.create(Class.prototype))`, since a Node-API
/// constructor cannot see `new.target` through napi-rs; this one can. The class itself is then
/// reachable from nowhere (its prototype's `constructor` is this function).
pub fn front<'env>(
  env: &'env Env,
  exports: &impl JsValue<'env>,
  name: &'static CStr,
  refuse: &'static Body<0>,
) -> napi::Result<()> {
  if !has_own(env, exports, name)? {
    return Err(napi::Error::from_reason(format!(
      "constructor {name:?} fronts nothing: no #[napi] class of that name"
    )));
  }
  let raw = env.raw();
  let target = exports.value().value;
  let mut class = ptr::null_mut();
  let mut prototype = ptr::null_mut();
  let mut function = ptr::null_mut();
  // SAFETY: live values of this environment; the `Front` box is owned by the function's
  // finalizer from here on.
  unsafe {
    check_status!(sys::napi_get_named_property(
      raw,
      target,
      name.as_ptr(),
      &mut class
    ))?;
    check_status!(sys::napi_get_named_property(
      raw,
      class,
      c"prototype".as_ptr(),
      &mut prototype
    ))?;
    let mut class_ref = ptr::null_mut();
    check_status!(sys::napi_create_reference(raw, class, 1, &mut class_ref))?;
    let front = Box::into_raw(Box::new(Front {
      class: class_ref,
      refuse,
    }));
    check_status!(sys::napi_create_function(
      raw,
      name.as_ptr(),
      name.count_bytes() as isize,
      Some(construct),
      front.cast(),
      &mut function,
    ))?;
    check_status!(sys::napi_add_finalizer(
      raw,
      function,
      front.cast(),
      Some(free_front),
      ptr::null_mut(),
      ptr::null_mut(),
    ))?;
    check_status!(sys::napi_set_named_property(
      raw,
      function,
      c"prototype".as_ptr(),
      prototype
    ))?;
    // As a class's prototype has it: writable, configurable, not enumerable.
    let constructor = sys::napi_property_descriptor {
      utf8name: c"constructor".as_ptr(),
      name: ptr::null_mut(),
      method: None,
      getter: None,
      setter: None,
      value: function,
      attributes: sys::PropertyAttributes::writable | sys::PropertyAttributes::configurable,
      data: ptr::null_mut(),
    };
    check_status!(sys::napi_define_properties(raw, prototype, 1, &constructor))?;
    check_status!(sys::napi_set_named_property(
      raw,
      target,
      name.as_ptr(),
      function
    ))?;
  }
  Ok(())
}

/// Writable, enumerable and configurable: the attributes of an object literal's properties (and
/// of the exports napi-rs makes).
const PLAIN: sys::napi_property_attributes = sys::PropertyAttributes::writable
  | sys::PropertyAttributes::enumerable
  | sys::PropertyAttributes::configurable;

/// A property of `target` to define with [`define`].
pub struct Property {
  name: &'static CStr,
  callback: sys::napi_callback,
  body: *mut c_void,
  getter: bool,
  attributes: sys::napi_property_attributes,
}

impl Property {
  fn new<const N: usize>(
    name: &'static CStr,
    body: &'static Body<N>,
    getter: bool,
    attributes: sys::napi_property_attributes,
  ) -> Self {
    Property {
      name,
      callback: Some(trampoline::<N>),
      body: ptr::from_ref(body).cast_mut().cast(),
      getter,
      attributes,
    }
  }

  /// A plain function: writable, configurable and, as napi-rs makes exports, enumerable.
  pub fn function<const N: usize>(name: &'static CStr, body: &'static Body<N>) -> Self {
    Property::new(name, body, false, PLAIN)
  }

  /// A class method: writable and configurable, not enumerable (as a JS `class` makes them).
  pub fn method<const N: usize>(name: &'static CStr, body: &'static Body<N>) -> Self {
    Property::new(
      name,
      body,
      false,
      sys::PropertyAttributes::writable | sys::PropertyAttributes::configurable,
    )
  }

  /// A read-only accessor: configurable, not enumerable (as a JS `class` makes them).
  pub fn getter(name: &'static CStr, body: &'static Body<0>) -> Self {
    Property::new(name, body, true, sys::PropertyAttributes::configurable)
  }

  /// The Node-API descriptor: a getter, or a function named `name` (Node-API would leave a
  /// method's `name` empty).
  fn descriptor(&self, env: &Env) -> napi::Result<sys::napi_property_descriptor> {
    let mut descriptor = sys::napi_property_descriptor {
      utf8name: self.name.as_ptr(),
      name: ptr::null_mut(),
      method: None,
      getter: None,
      setter: None,
      value: ptr::null_mut(),
      attributes: self.attributes,
      data: self.body,
    };
    if self.getter {
      descriptor.getter = self.callback;
      return Ok(descriptor);
    }
    // SAFETY: a `'static` name, and a callback whose data is the `'static` body it runs.
    check_status!(unsafe {
      sys::napi_create_function(
        env.raw(),
        self.name.as_ptr(),
        self.name.count_bytes() as isize,
        self.callback,
        self.body,
        &mut descriptor.value,
      )
    })?;
    Ok(descriptor)
  }
}

/// An own data property `name: value`, writable, enumerable and configurable, as an object
/// literal makes them: for `napi_define_properties` on a fresh object.
pub fn data_property(name: &CStr, value: sys::napi_value) -> sys::napi_property_descriptor {
  sys::napi_property_descriptor {
    utf8name: name.as_ptr(),
    name: ptr::null_mut(),
    method: None,
    getter: None,
    setter: None,
    value,
    attributes: PLAIN,
    data: ptr::null_mut(),
  }
}

/// Defines each of `properties` on `target` (the module's exports, a class prototype) in place of
/// the function napi-rs defined there under the same name from the export's `#[napi]`
/// definition. A name napi-rs did not define is an error, which fails the addon's load: a
/// renamed `#[napi]` export cannot leave its raw twin behind as a second export.
pub fn replace<'env>(
  env: &Env,
  target: &impl JsValue<'env>,
  properties: &[Property],
) -> napi::Result<()> {
  for property in properties {
    if !has_own(env, target, property.name)? {
      return Err(napi::Error::from_reason(format!(
        "raw export {:?} replaces nothing: no #[napi] export of that name",
        property.name
      )));
    }
  }
  define(env, target, properties)
}

/// Defines `properties` on `target` as new properties (a name already there is an error): for
/// what has no `#[napi]` definition at all (sum.cjs's `elementError`, test-only exports).
pub fn add<'env>(
  env: &Env,
  target: &impl JsValue<'env>,
  properties: &[Property],
) -> napi::Result<()> {
  for property in properties {
    if has_own(env, target, property.name)? {
      return Err(napi::Error::from_reason(format!(
        "raw export {:?} would replace an existing property",
        property.name
      )));
    }
  }
  define(env, target, properties)
}

/// Whether `target` has an own property `name`.
fn has_own<'env>(env: &Env, target: &impl JsValue<'env>, name: &CStr) -> napi::Result<bool> {
  let mut key = ptr::null_mut();
  let mut has = false;
  // SAFETY: a `'static` C string and a live object of this environment.
  unsafe {
    check_status!(sys::napi_create_string_utf8(
      env.raw(),
      name.as_ptr(),
      name.count_bytes() as isize,
      &mut key,
    ))?;
    check_status!(sys::napi_has_own_property(
      env.raw(),
      target.value().value,
      key,
      &mut has,
    ))?;
  }
  Ok(has)
}

fn define<'env>(
  env: &Env,
  target: &impl JsValue<'env>,
  properties: &[Property],
) -> napi::Result<()> {
  let descriptors = properties
    .iter()
    .map(|property| property.descriptor(env))
    .collect::<napi::Result<Vec<_>>>()?;
  // SAFETY: every descriptor names a `'static` C string; its value is a live function or its
  // getter a callback whose data is a `'static` body.
  check_status!(unsafe {
    sys::napi_define_properties(
      env.raw(),
      target.value().value,
      descriptors.len(),
      descriptors.as_ptr(),
    )
  })
}
