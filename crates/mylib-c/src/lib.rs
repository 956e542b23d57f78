//! libmylib: mylib's C ABI over `mylib-core`, generated into `include/mylib.h` by cbindgen.
//!
//! Every exported function runs inside `boundary::guard`: a Rust panic never unwinds into C,
//! every pointer is checked before use, and a failure is a `mylib_status` plus this thread's last
//! error message. Out-parameters are written only on success. Each module holds one concept.
#![allow(non_camel_case_types)]

mod boundary;
mod calculator;
mod error;
mod fetch;
mod greet;
mod runtime;
mod sum;
mod user;

pub use calculator::*;
pub use error::{mylib_last_error, mylib_status, mylib_status_code};
pub use fetch::*;
pub use greet::*;
pub use sum::*;
pub use user::*;
