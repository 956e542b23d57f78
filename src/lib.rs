//! mylib's Node binding: each module holds one export, converting JS arguments for the plain
//! Rust of `mylib-core` and its results (and errors, in `error`) back to JS. This file is wiring.
#![deny(clippy::all)]

#[macro_use]
extern crate napi_derive;

mod arg;
#[cfg(feature = "bench-floor")]
mod bench_floor;
mod calculator;
mod error;
mod fetch;
mod greet;
mod raw;
mod sum;
#[cfg(feature = "test-panic")]
mod test_panic;
mod user;

pub use calculator::Calculator;
pub use fetch::{fetch_data, FetchOptions};
pub use greet::greet;
pub use sum::sum;
#[cfg(feature = "test-panic")]
pub use test_panic::{test_panic, test_panic_async, TestPanicker};
pub use user::{create_user, User};

/// Runs once per environment, after napi-rs has registered every export (napi-rs keeps a single
/// such hook for the whole addon): defines the synchronous exports again as raw callbacks over
/// the same functions (see `raw`).
#[cfg_attr(test, allow(dead_code))] // napi-rs registers the hook in non-test builds only
#[napi(module_exports)]
pub fn init(
  #[allow(unused_mut)] mut exports: napi::bindgen_prelude::Object,
  env: napi::Env,
) -> napi::Result<()> {
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
