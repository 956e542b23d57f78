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

pub use calculator::Calculator;
pub use error::Error;
pub use fetch::{fetch_data, FetchOptions};
pub use greet::greet;
pub use sum::sum;
#[cfg(feature = "test-panic")]
pub use test_panic::{test_panic, test_panic_async, TestPanicker};
pub use user::{create_user, User};
