//! `createUser`: a validated user record as a plain JS object.

use std::cell::Cell;
use std::ptr;

use mylib_core::user::{check_id, check_utf16};
use mylib_core::{Argument, Func, Param};
use napi::bindgen_prelude::{Object, Utf16String};
use napi::{check_status, sys, Env, JsValue, Unknown};

use crate::arg;
use crate::error::{self, IntoNapi, Result};
use crate::raw::{self, Body, Property};

/// A user record: a plain object with own enumerable properties, safe to `JSON.stringify`.
#[napi(object, object_from_js = false)]
#[derive(Debug)]
pub struct User {
  /// An integer in 0..=4294967295.
  pub id: u32,
  /// The name exactly as given (never blank).
  pub name: Utf16String,
  /// A valid e-mail address by the WHATWG HTML definition.
  pub email: String,
}

/// Creates a user record `{ id, name, email }`.
///
/// @param id - an integer in 0..=4294967295.
/// @param name - any string that is not empty after trimming; kept exactly as given.
/// @param email - a valid e-mail address by the WHATWG HTML definition (`<input type=email>`).
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `id` is not a number or `name`/`email` is
/// not a string.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `id` is not an integer in 0..=4294967295.
/// @throws {TypeError} `ERR_INVALID_ARG_VALUE` when `name` is blank or `email` is not valid.
#[napi(
  catch_unwind,
  ts_args_type = "id: number, name: string, email: string",
  ts_return_type = "User"
)]
pub fn create_user<'env>(
  env: &'env Env,
  id: Unknown<'env>,
  name: Unknown<'env>,
  email: Unknown<'env>,
) -> napi::Result<Unknown<'env>> {
  let id = read_user(env, &id, &name, &email).into_napi(env)?;
  // The strings go into the record as they came: checked, never copied.
  record(env, id, name.value().value, email.value().value)
}

/// [`create_user`] as JS calls it (see `raw`).
const CREATE_USER: Body<3> =
  |env, _this, [id, name, email]| Ok(create_user(env, id, name, email)?.value().value);

/// `{ id, name, email }` as a JS object literal builds it: V8 allocates the object with its final
/// shape in one step. Node-API can only add properties to an empty object one at a time, through
/// V8's generic property machinery, which cost ten times more than all of `createUser`'s checks.
const RECORD_SOURCE: &str = "(function record(id, name, email) { return { id, name, email } })";

/// This thread's [`RECORD_SOURCE`] function, compiled by the first `createUser` call of its
/// environment, so that environments that never call it never compile it. One slot per thread
/// is one per environment: Node runs one environment per thread (the main thread, each worker),
/// which napi-rs's own per-thread state relies on too. The slot names its environment all the
/// same, and a call from another one recompiles.
///
/// Measured on 2026-12-03: building the record through this function costs about 80 ns of
/// `createUser`'s 165 (a V8 call from C++); building it with `napi_define_properties` on a new
/// object cost several times more. `npm run test:panic` checks [`record_by_properties`].
#[derive(Clone, Copy)]
enum Record {
  NotCompiled,
  /// A reference to the compiled function, in that environment.
  Compiled(sys::napi_env, sys::napi_ref),
  /// That environment's engine would not compile it: records are built by
  /// [`record_by_properties`].
  Refused(sys::napi_env),
}

thread_local! {
  static RECORD: Cell<Record> = const { Cell::new(Record::NotCompiled) };
}

/// Forgets this thread's record function as `env` is torn down (its reference goes with it).
fn forget_record(env: sys::napi_env) {
  let _ = RECORD.try_with(|slot| match slot.get() {
    Record::Compiled(owner, reference) if owner == env => {
      // SAFETY: a reference of this environment, which is still being torn down.
      unsafe { sys::napi_delete_reference(env, reference) };
      slot.set(Record::NotCompiled);
    }
    Record::Refused(owner) if owner == env => slot.set(Record::NotCompiled),
    _ => {}
  });
}

/// The record function of `env`, compiled now if this thread has none for it; `None` where the
/// engine refuses to compile it.
fn record_function(env: &Env) -> Option<sys::napi_ref> {
  let raw = env.raw();
  RECORD.with(|slot| match slot.get() {
    Record::Compiled(owner, reference) if owner == raw => Some(reference),
    Record::Refused(owner) if owner == raw => None,
    previous => {
      if let Record::Compiled(owner, reference) = previous {
        // Another environment's, still alive on this thread (its teardown empties the slot).
        // SAFETY: a live reference of that environment, deleted once.
        unsafe { sys::napi_delete_reference(owner, reference) };
      }
      let compiled = compile_record(env);
      slot.set(compiled.map_or(Record::Refused(raw), |reference| {
        Record::Compiled(raw, reference)
      }));
      compiled
    }
  })
}

/// Compiles [`RECORD_SOURCE`]; `None` (with no exception left pending) if the engine refuses.
fn compile_record(env: &Env) -> Option<sys::napi_ref> {
  let raw = env.raw();
  let mut source = ptr::null_mut();
  let mut function = ptr::null_mut();
  let mut reference = ptr::null_mut();
  // SAFETY: plain Node-API calls; the source is a constant expression with no side effects.
  let compiled = unsafe {
    sys::napi_create_string_utf8(
      raw,
      RECORD_SOURCE.as_ptr().cast(),
      RECORD_SOURCE.len() as isize,
      &mut source,
    ) == sys::Status::napi_ok
      && sys::napi_run_script(raw, source, &mut function) == sys::Status::napi_ok
      && sys::napi_create_reference(raw, function, 1, &mut reference) == sys::Status::napi_ok
  };
  if compiled {
    return Some(reference);
  }
  let _ = error::pending_exception(env);
  None
}

/// Defines `createUser` on the exports as [`CREATE_USER`], and has the environment's record
/// function forgotten when it is torn down.
pub fn export(env: &Env, exports: &Object) -> napi::Result<()> {
  let raw_env = env.raw() as usize;
  env.add_env_cleanup_hook(raw_env, |env| forget_record(env as sys::napi_env))?;
  raw::replace(
    env,
    exports,
    &[Property::function(c"createUser", &CREATE_USER)],
  )
}

/// Checks the types of all three arguments, then their values: the id, the name, the e-mail
/// address.
fn read_user(env: &Env, id: &Unknown, name: &Unknown, email: &Unknown) -> Result<u32> {
  let arg = |param| Argument::new(Func::CreateUser, param);
  let id = arg::expect_number(arg(Param::Id), id)?;
  arg::with_utf16(env, arg(Param::Name), name, |name| {
    arg::with_utf16(env, arg(Param::Email), email, |email| {
      let id = check_id(id)?;
      check_utf16(name, email)?;
      Ok(id)
    })?
  })?
}

/// The plain object `{ id, name, email }`, from the environment's [`Record`] function.
fn record(
  env: &Env,
  id: u32,
  name: sys::napi_value,
  email: sys::napi_value,
) -> napi::Result<Unknown<'_>> {
  let raw = env.raw();
  let mut id_value = ptr::null_mut();
  // SAFETY: plain Node-API calls on live values of this environment; the reference is this
  // environment's (see `record_function`).
  unsafe {
    check_status!(sys::napi_create_uint32(raw, id, &mut id_value))?;
    let Some(reference) = record_function(env) else {
      return record_by_properties(env, id_value, name, email);
    };
    let mut function = ptr::null_mut();
    let mut receiver = ptr::null_mut();
    let mut object = ptr::null_mut();
    check_status!(sys::napi_get_reference_value(raw, reference, &mut function))?;
    check_status!(sys::napi_get_undefined(raw, &mut receiver))?;
    let args = [id_value, name, email];
    check_status!(sys::napi_call_function(
      raw,
      receiver,
      function,
      args.len(),
      args.as_ptr(),
      &mut object
    ))?;
    Ok(Unknown::from_raw_unchecked(raw, object))
  }
}

/// The same record built with Node-API alone, a property at a time: where the engine will not
/// compile [`RECORD_SOURCE`].
pub fn record_by_properties(
  env: &Env,
  id: sys::napi_value,
  name: sys::napi_value,
  email: sys::napi_value,
) -> napi::Result<Unknown<'_>> {
  let raw = env.raw();
  let mut object = ptr::null_mut();
  let properties = [
    raw::data_property(c"id", id),
    raw::data_property(c"name", name),
    raw::data_property(c"email", email),
  ];
  // SAFETY: plain Node-API calls on live values of this environment; the names are C strings.
  unsafe {
    check_status!(sys::napi_create_object(raw, &mut object))?;
    check_status!(sys::napi_define_properties(
      raw,
      object,
      properties.len(),
      properties.as_ptr()
    ))?;
    Ok(Unknown::from_raw_unchecked(raw, object))
  }
}
