//! Test-only exports that panic, compiled only with the cargo feature `test-panic` (never in the
//! published build: `npm run build` does not enable it). `npm run test:panic` loads such a build
//! and checks that each kind of entry point turns a Rust panic into a catchable JS error instead
//! of aborting the process. They use the same `#[napi(catch_unwind)]` as every real export.

use napi::bindgen_prelude::Object;
use napi::Env;

use crate::raw::{self, Body, Property};

/// Panics with `message`, from a plain exported function.
#[napi(catch_unwind)]
pub fn test_panic(message: String) -> napi::Result<()> {
  panic!("{message}")
}

/// Resolves with `"ok"`, or, when `panic` is true, panics inside the future on the tokio runtime:
/// the promise must reject.
#[napi(catch_unwind, ts_return_type = "Promise<string>")]
pub fn test_panic_async(
  env: &Env,
  panic: bool,
) -> napi::Result<napi::bindgen_prelude::PromiseRaw<'_, String>> {
  env.spawn_future(async move {
    if panic {
      panic!("panic in a future");
    }
    Ok("ok".to_string())
  })
}

/// A class whose constructor, method and getter panic on request.
#[napi]
pub struct TestPanicker {
  armed: bool,
}

#[napi]
impl TestPanicker {
  /// Panics when `panic` is true.
  #[napi(constructor, catch_unwind)]
  pub fn new(panic: bool) -> napi::Result<Self> {
    if panic {
      panic!("panic in a constructor");
    }
    Ok(TestPanicker { armed: true })
  }

  /// Panics.
  #[napi(catch_unwind)]
  pub fn method(&self) -> napi::Result<bool> {
    if self.armed {
      panic!("panic in a method");
    }
    Ok(false)
  }

  /// Panics.
  #[napi(getter, catch_unwind)]
  pub fn value(&self) -> napi::Result<bool> {
    if self.armed {
      panic!("panic in a getter");
    }
    Ok(false)
  }
}

/// Panics with its argument's type, from a raw callback (`raw::trampoline`), the way the
/// synchronous real exports are called.
const PANIC_RAW: Body<1> =
  |_, _, [value]| panic!("panic in a raw callback ({:?})", value.get_type());

/// Adds `testPanicRaw` to the exports.
pub fn export(env: &Env, exports: &Object) -> napi::Result<()> {
  raw::add(
    env,
    exports,
    &[Property::function(c"testPanicRaw", &PANIC_RAW)],
  )
}
