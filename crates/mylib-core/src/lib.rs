//! mylib's core: plain Rust, shared by the Node, C, Python and WebAssembly bindings.
//!
//! Each module holds one exported concept. Every fallible function returns the one [`Error`],
//! whose variants carry data (function, argument, index, expected, received) for each binding
//! to word in its own language, and whose [`Error::code`] is the contract they share.

pub mod calculator;
pub mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod greet;
pub mod headers;
pub mod mime;
pub mod number;
pub mod sum;
pub mod user;

pub use calculator::Calculator;
pub use error::{
  without_credentials, Argument, Error, Expected, Func, Invalid, NetworkCode, Op, Param, Range,
  Received, Result,
};
#[cfg(feature = "fetch")]
pub use fetch::{fetch, FetchOptions};
pub use greet::{greet, greet_utf16};
pub use sum::sum;
pub use user::{create_user, User};
