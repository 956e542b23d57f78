//! `mylib._native`: the PyO3 module under the `mylib` Python package (python/mylib), thin over
//! mylib-core. Each module holds one export; `error` is the one conversion of core errors into
//! Python exceptions.

mod args;
mod bridge;
mod calculator;
mod error;
mod fetch;
mod greet;
mod sum;
mod user;

use pyo3::prelude::*;

/// mylib's native module; import ``mylib`` instead.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
  module.add_function(wrap_pyfunction!(greet::greet, module)?)?;
  module.add_function(wrap_pyfunction!(sum::sum, module)?)?;
  module.add_class::<calculator::Calculator>()?;
  module.add_class::<user::User>()?;
  module.add_function(wrap_pyfunction!(user::create_user, module)?)?;
  module.add_function(wrap_pyfunction!(fetch::_fetch_data, module)?)?;
  module.add_class::<bridge::FetchRequest>()?;
  let close_bridge = wrap_pyfunction!(bridge::_close_bridge, module)?;
  module.add_function(close_bridge.clone())?;
  module
    .py()
    .import("atexit")?
    .call_method1("register", (close_bridge,))?;
  module.add_function(wrap_pyfunction!(fetch::_fetch_data_sync, module)?)?;
  module.add("DEFAULT_MAX_BYTES", fetch::MAX_BYTES)?;
  Ok(())
}
