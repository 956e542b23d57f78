//! mylib: a small, exact Node.js native addon. Each module holds one exported concept.
#![deny(clippy::all)]

#[macro_use]
extern crate napi_derive;

mod arg;
#[cfg(feature = "bench-floor")]
mod bench_floor;
mod calculator;
mod callback;
mod error;
mod fetch;
mod greet;
mod sum;
#[cfg(feature = "test-panic")]
mod test_panic;
mod user;

use napi::bindgen_prelude::Object;
use napi::Env;

pub use calculator::Calculator;
pub use error::Error;
pub use fetch::{fetch_data, FetchOptions};
pub use greet::greet;
pub use sum::sum;
#[cfg(feature = "test-panic")]
pub use test_panic::{test_panic, test_panic_async, TestPanicker};
pub use user::{create_user, User};

/// Runs once per environment, after napi-rs has registered every export (napi-rs keeps a single
/// such hook): swaps the hot exports for their raw twins (see `callback`).
#[cfg_attr(test, allow(dead_code))] // napi-rs registers the hook in non-test builds only
#[napi(module_exports)]
pub fn init(#[allow(unused_mut)] mut exports: Object, env: Env) -> napi::Result<()> {
  greet::export(&env, &exports)?;
  sum::export(&env, &exports)?;
  calculator::export(&env, &exports)?;
  user::export(&env, &exports)?;
  #[cfg(feature = "bench-floor")]
  bench_floor::export(&env, &mut exports)?;
  #[cfg(feature = "test-panic")]
  test_panic::export(&env, &exports)?;
  Ok(())
}
