//! Linking a JS `AbortSignal` to a request running on the tokio runtime.
//!
//! napi-rs's own `AbortSignal` conversion assigns `signal.onabort`, which would silently replace
//! the caller's handler. This adds an ordinary `abort` event listener instead and removes it when
//! the request settles, so a signal reused across many calls keeps nothing alive.

use std::ptr;
use std::sync::Arc;

use napi::{sys, Env, JsValue, Unknown};
use tokio::sync::Notify;

use crate::arg;
use crate::error::{pending_exception, Error, Result};

/// A listener registered on a signal: owned by the JS thread, released by [`Link::release`].
///
/// It holds raw references and has no `Drop`: if the environment tears down before the request
/// settles, the references die with it, and touching them from a destructor would crash.
pub struct Link {
  env: sys::napi_env,
  signal: sys::napi_ref,
  listener: sys::napi_ref,
}

/// Whether `signal.aborted` is `true`.
pub fn is_aborted(env: &Env, signal: &Unknown) -> Result<bool> {
  let aborted = arg::property(env, signal, "aborted")?;
  // SAFETY: `aborted` is a live value; a non-boolean is read as not aborted.
  Ok(unsafe { aborted.cast::<bool>() }.unwrap_or(false))
}

/// Starts watching `signal` (not yet aborted). Returns the trigger the request waits on and the
/// link to release when it settles.
pub fn watch(env: &Env, signal: &Unknown) -> Result<(Arc<Notify>, Link)> {
  let trigger = Arc::new(Notify::new());
  let fire = Arc::clone(&trigger);
  // `notify_one` stores a permit, so an abort before the request is first polled still counts.
  let listener = env.create_function_from_closure::<(), (), _>("mylibFetchAbort", move |_| {
    fire.notify_one();
    Ok(())
  })?;
  raise_listener_limit(env, signal);
  let event = env.create_string("abort")?;
  let mut once = napi::bindgen_prelude::Object::new(env)?;
  napi::bindgen_prelude::JsObjectValue::set_named_property(&mut once, "once", true)?;
  arg::call_method(
    env,
    signal,
    "addEventListener",
    &[event.raw(), listener.raw(), once.raw()],
  )?;
  Ok((
    trigger,
    Link {
      env: env.raw(),
      signal: reference(env, signal.raw())?,
      listener: reference(env, listener.raw())?,
    },
  ))
}

/// The listener limit a shared signal gets, as undici's `fetch` sets it.
const LISTENER_LIMIT: u32 = 1500;

/// Raises the signal's listener limit from Node's default (10) to [`LISTENER_LIMIT`], as Node's
/// `fetch` does, so many concurrent calls sharing one signal print no
/// `MaxListenersExceededWarning`. A limit the caller set is left alone. Best effort: where
/// `process.getBuiltinModule` or `node:events` is missing (older runtimes), nothing changes.
fn raise_listener_limit(env: &Env, signal: &Unknown) {
  let raised = (|| -> Result<()> {
    let process = arg::property(env, &arg::global(env)?, "process")?;
    let specifier = env.create_string("node:events")?;
    let events = arg::call_method(env, &process, "getBuiltinModule", &[specifier.raw()])?;
    let default = arg::property(env, &events, "defaultMaxListeners")?;
    let current = arg::call_method(env, &events, "getMaxListeners", &[signal.raw()])?;
    if strict_equals(env, &current, &default) {
      let limit = env.create_uint32(LISTENER_LIMIT)?;
      arg::call_method(
        env,
        &events,
        "setMaxListeners",
        &[limit.raw(), signal.raw()],
      )?;
    }
    Ok(())
  })();
  if raised.is_err() {
    pending_exception(env);
  }
}

/// `a === b` (false if Node-API cannot tell).
fn strict_equals(env: &Env, a: &Unknown, b: &Unknown) -> bool {
  let mut equal = false;
  // SAFETY: both are live values of `env`; this only compares them.
  let status = unsafe { sys::napi_strict_equals(env.raw(), a.raw(), b.raw(), &mut equal) };
  status == sys::Status::napi_ok && equal
}

impl Link {
  /// Removes the listener and frees the references. When the request was aborted, returns the
  /// `AbortError` to reject with, with `signal.reason` as its `cause`.
  pub fn release<'env>(self, env: &'env Env, aborted: bool) -> napi::Result<Option<Unknown<'env>>> {
    let signal = value(self.env, self.signal);
    let listener = value(self.env, self.listener);
    let error = match (aborted, &signal) {
      (true, Some(signal)) => Some(abort_error(env, signal)?),
      (true, None) => Some(Error::Core(mylib_core::Error::Aborted).into_js(env)?),
      (false, _) => None,
    };
    if let (Some(signal), Some(listener)) = (signal, listener) {
      let event = env.create_string("abort")?;
      let removed = arg::call_method(
        env,
        &signal,
        "removeEventListener",
        &[event.raw(), listener.raw()],
      );
      if removed.is_err() {
        // A throwing removeEventListener is the caller's own doing, and the request has
        // settled: drop its exception rather than leave it pending in this callback.
        pending_exception(env);
      }
    }
    // SAFETY: both references were created in this environment and are deleted once, here.
    unsafe {
      sys::napi_delete_reference(self.env, self.signal);
      sys::napi_delete_reference(self.env, self.listener);
    }
    Ok(error)
  }
}

/// An `AbortError` (`ABORT_ERR`) carrying `signal.reason` as `cause`. If reading the reason
/// throws, that exception is the rejection instead.
pub fn abort_error<'env>(env: &'env Env, signal: &Unknown) -> napi::Result<Unknown<'env>> {
  match arg::property(env, signal, "reason") {
    Ok(reason) => Error::Core(mylib_core::Error::Aborted).into_js_with_cause(env, Some(&reason)),
    Err(err) => err.into_js(env),
  }
}

fn reference(env: &Env, value: sys::napi_value) -> Result<sys::napi_ref> {
  let mut result = ptr::null_mut();
  // SAFETY: `value` is a live object of this environment.
  let status = unsafe { sys::napi_create_reference(env.raw(), value, 1, &mut result) };
  if status != sys::Status::napi_ok {
    return Err(arg::failure(env, status, "creating a reference"));
  }
  Ok(result)
}

fn value<'env>(env: sys::napi_env, reference: sys::napi_ref) -> Option<Unknown<'env>> {
  let mut result = ptr::null_mut();
  // SAFETY: `reference` is live until `release` deletes it.
  let status = unsafe { sys::napi_get_reference_value(env, reference, &mut result) };
  // SAFETY: a non-null result is a live value of this environment.
  (status == sys::Status::napi_ok && !result.is_null())
    .then(|| unsafe { Unknown::from_raw_unchecked(env, result) })
}
