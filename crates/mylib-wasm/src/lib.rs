//! mylib's WebAssembly binding: each module holds one export, reading JS values for the plain
//! Rust of `mylib-core` and turning its results (and errors, in `error`) back into JS values,
//! with the same classes, codes and messages as the Node addon. This file is wiring.
//!
//! The package's entry (`js/api.mjs`) re-exports these functions under mylib's names and builds
//! the `Calculator` class over the `calculator*` functions.

mod arg;
mod calculator;
mod error;
mod fetch;
mod greet;
mod sum;
mod user;

pub use calculator::{
  calculator_add, calculator_divide, calculator_multiply, calculator_new, calculator_reset,
  calculator_subtract, calculator_value,
};
pub use fetch::{fetch_data, raise_listener_limit_with, send_user_agent};
pub use greet::greet;
pub use sum::sum;
pub use user::create_user;
