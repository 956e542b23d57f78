//! The runtime `mylib_fetch_data` runs on, driven by the threads that call it, and the one retry
//! that makes driving it only during calls safe.
//!
//! Every call blocks on one process-wide current-thread tokio runtime: the calling thread itself
//! polls the request, its socket and its timers, so a sequential caller pays no thread switch.
//! When several threads call at once, one of them drives the runtime's sockets and timers for
//! all, and hands that role on when its own call returns (tokio's `block_on` on a
//! current-thread runtime). Every connection belongs to that one runtime, so any calling thread
//! can drive any pooled connection.
//!
//! Between calls nothing drives it: a pooled keep-alive connection that the server closes
//! meanwhile is not noticed until the next call. Two steps make that safe:
//! - [`settle`]: before a request that comes [`SETTLE_AFTER`] or more after the last call ended,
//!   the runtime gets to run what is already due, so each idle connection whose close (FIN or
//!   RST) has arrived sees it and leaves the pool (hyper's connection task reads that end of
//!   stream and closes) before the request picks one. A call that follows the last one more
//!   closely skips it (two polls of the sockets, about 5% of a loopback request's time): a
//!   connection closed within that moment is rare, and the next step covers it;
//! - [`fetch`]: a request whose connection dies under it before it completes (the server closed
//!   it just as the request went out: `ECONNRESET`) is sent once more, on a new connection, as
//!   browsers and libcurl resend a request found dead on a reused connection. It is a GET, so
//!   resending it has no second effect (RFC 9110, 9.2.2: GET is idempotent); it is sent at most
//!   twice, and both sends share the one timeout. A method with effects must never be resent
//!   this way.

use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use mylib_core::fetch::Url;
use mylib_core::{Error, FetchOptions, NetworkCode};
use tokio::runtime::Runtime;

use crate::error::{mylib_status, Failure};

/// Yields to the runtime before a request: the first lets it poll the sockets without waiting
/// (idle connections whose server closed them become ready), the second runs their tasks, which
/// read the end of stream and drop the connection from the pool.
const SETTLE_YIELDS: usize = 2;

/// How long the runtime must have gone undriven (no call running) for a call to [`settle`] first.
const SETTLE_AFTER: Duration = Duration::from_millis(1);

/// When the last call ended (`None` until one has).
static LAST_CALL_ENDED: Mutex<Option<Instant>> = Mutex::new(None);

fn last_call_ended() -> MutexGuard<'static, Option<Instant>> {
  LAST_CALL_ENDED
    .lock()
    .unwrap_or_else(PoisonError::into_inner)
}

/// Whether no call has run for [`SETTLE_AFTER`] (or none has ended yet).
fn undriven_for_a_while() -> bool {
  last_call_ended().is_none_or(|ended| ended.elapsed() >= SETTLE_AFTER)
}

/// The runtime every call blocks on, made by the first call; it lives as long as the process and
/// starts no thread of its own (but for tokio's blocking pool, which resolves host names and lets
/// its threads go after 10 s idle).
pub fn runtime() -> Result<&'static Runtime, Failure> {
  static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
  RUNTIME
    .get_or_init(|| {
      tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| err.to_string())
    })
    .as_ref()
    .map_err(|reason| {
      Failure::Other(
        mylib_status::MYLIB_ERR_NETWORK,
        format!("cannot start the HTTP runtime: {reason}"),
      )
    })
}

/// Lets the runtime handle what arrived while no call drove it (see [`SETTLE_YIELDS`]). When
/// another thread is driving the runtime, a yield returns at once: that thread handles it.
async fn settle() {
  for _ in 0..SETTLE_YIELDS {
    tokio::task::yield_now().await;
  }
}

/// Whether `err` says the connection died under the request (closed or reset before the
/// response was complete), the one failure worth a second send.
fn connection_died(err: &Error) -> bool {
  matches!(
    err,
    Error::Network {
      code: NetworkCode::ConnectionReset,
      ..
    }
  )
}

/// `mylib_core::fetch`, sent once more on a new connection if its connection died under it, with
/// `options.timeout` bounding both sends together.
pub async fn fetch(url: Url, mut options: FetchOptions) -> Result<String, Error> {
  let timeout = options.timeout.take();
  let sends = async {
    if undriven_for_a_while() {
      settle().await;
    }
    match mylib_core::fetch(url.clone(), options.clone()).await {
      Err(err) if connection_died(&err) => {
        options.fresh_connection = true;
        mylib_core::fetch(url.clone(), options).await
      }
      outcome => outcome,
    }
  };
  let outcome = mylib_core::fetch::within(&url, timeout, sends).await;
  *last_call_ended() = Some(Instant::now());
  outcome
}
