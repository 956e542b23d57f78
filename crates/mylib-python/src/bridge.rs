//! The asyncio bridge of `fetch_data`: a request runs on tokio's threads, and its asyncio future
//! is resolved on the thread of the event loop that made it.
//!
//! Completions are batched per event loop. A finished request only appends its outcome to its
//! loop's [`Inbox`]; the first one to find the inbox empty wakes the loop, once, with
//! `loop.call_soon_threadsafe` from tokio's blocking pool, so that no tokio worker ever waits
//! for the GIL. That one wakeup resolves every request that finished before it ran. (The bridge
//! of pyo3-async-runtimes takes the GIL and wakes the loop once per request.)
//!
//! Cancelling the awaiting task, or dropping the [`FetchRequest`], aborts the tokio task, which
//! drops the request and its connection. A panic while polling becomes a
//! `pyo3_async_runtimes.RustPanic`, as with pyo3-async-runtimes, and never unwinds into Python.

use std::collections::HashMap;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use mylib_core::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::{intern, PyTraverseError, PyVisit};
use pyo3_async_runtimes::err::RustPanic;
use tokio::task::AbortHandle;

use crate::error::to_py;

/// How a request ended: the core's result, or the message of a panic.
type Outcome = Result<Result<String, Error>, String>;

/// The requests in flight on one event loop.
struct Inbox {
  /// The event loop whose futures these are.
  event_loop: Py<PyAny>,
  /// The asyncio future of each request in flight, by request id. Touched with the GIL held.
  pending: Mutex<HashMap<u64, Py<PyAny>>>,
  /// Requests finished since the loop last drained the inbox; filled on tokio's threads.
  finished: Mutex<Vec<(u64, Outcome)>>,
}

/// The inbox of each event loop with requests in flight; an inbox leaves once it has none, so
/// that no event loop is kept alive by mylib.
static INBOXES: Mutex<Vec<Arc<Inbox>>> = Mutex::new(Vec::new());

/// The id of the next request.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// A lock whose data stays usable after a panic elsewhere (every update here is one step).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
  mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The inbox of `event_loop`, made if it has none.
fn inbox_of(event_loop: &Bound<'_, PyAny>) -> Arc<Inbox> {
  let mut inboxes = lock(&INBOXES);
  let found = inboxes
    .iter()
    .find(|inbox| inbox.event_loop.as_ptr() == event_loop.as_ptr());
  if let Some(inbox) = found {
    return Arc::clone(inbox);
  }
  let inbox = Arc::new(Inbox {
    event_loop: event_loop.clone().unbind(),
    pending: Mutex::new(HashMap::new()),
    finished: Mutex::new(Vec::new()),
  });
  inboxes.push(Arc::clone(&inbox));
  inbox
}

/// Takes `inbox` out of [`INBOXES`] when it has no request in flight.
fn retire_if_idle(inbox: &Arc<Inbox>) {
  if !lock(&inbox.pending).is_empty() {
    return;
  }
  let mut inboxes = lock(&INBOXES);
  if let Some(at) = inboxes.iter().position(|other| Arc::ptr_eq(other, inbox)) {
    // Not the last reference (the caller holds one), so no Python object is freed here.
    inboxes.swap_remove(at);
  }
}

/// Records a finished request; the first one after a drain wakes the event loop.
fn finish(inbox: Arc<Inbox>, id: u64, outcome: Outcome) {
  let first = {
    let mut finished = lock(&inbox.finished);
    finished.push((id, outcome));
    finished.len() == 1
  };
  if first {
    pyo3_async_runtimes::tokio::get_runtime().spawn_blocking(move || wake(inbox));
  }
}

/// Set by [`close`] at interpreter exit: from then on no wakeup takes the GIL.
static CLOSING: AtomicBool = AtomicBool::new(false);

/// Wakeups that may be taking or holding the GIL right now.
static WAKING: AtomicUsize = AtomicUsize::new(0);

/// Schedules [`Drain`] on the inbox's event loop (on a blocking-pool thread: it takes the GIL).
fn wake(inbox: Arc<Inbox>) {
  // Counted before CLOSING is read, so that `close` either sees this wakeup or is seen by it.
  WAKING.fetch_add(1, Ordering::SeqCst);
  if !CLOSING.load(Ordering::SeqCst) {
    schedule_drain(inbox);
  }
  WAKING.fetch_sub(1, Ordering::SeqCst);
}

/// Registered with `atexit` by the module: waits (GIL released, 1 s at most) for the wakeups
/// under way and lets no new one start. A thread that takes the GIL once the interpreter is
/// finalizing is ended by CPython with `pthread_exit`, which cannot unwind through Rust code;
/// `call_soon_threadsafe` lets go of the GIL while it writes to the loop's self-pipe, so a
/// wakeup racing the interpreter's exit would otherwise crash the process.
#[pyfunction]
pub fn _close_bridge(py: Python<'_>) {
  CLOSING.store(true, Ordering::SeqCst);
  py.detach(|| {
    let deadline = Instant::now() + Duration::from_secs(1);
    while WAKING.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
      std::thread::sleep(Duration::from_millis(1));
    }
  });
}

/// Hands `inbox` to its event loop's thread (`call_soon_threadsafe`).
fn schedule_drain(inbox: Arc<Inbox>) {
  Python::attach(|py| {
    let event_loop = inbox.event_loop.clone_ref(py);
    let drain = Drain {
      inbox: Arc::clone(&inbox),
    };
    let scheduled = event_loop.call_method1(py, intern!(py, "call_soon_threadsafe"), (drain,));
    if scheduled.is_err() {
      // The loop is closed: nothing can await its futures any more. Let them go, so that
      // neither they nor the loop are kept alive.
      let futures = std::mem::take(&mut *lock(&inbox.pending));
      let outcomes = std::mem::take(&mut *lock(&inbox.finished));
      retire_if_idle(&inbox);
      drop((futures, outcomes));
    }
  });
}

/// Resolves `future` with `outcome`, unless it is done already (its task was cancelled).
fn resolve(py: Python<'_>, future: &Bound<'_, PyAny>, outcome: Outcome) {
  let done = future
    .call_method0(intern!(py, "done"))
    .and_then(|done| done.is_truthy());
  if !matches!(done, Ok(false)) {
    return;
  }
  let set = match outcome {
    Ok(Ok(text)) => future.call_method1(intern!(py, "set_result"), (text,)),
    Ok(Err(err)) => future.call_method1(intern!(py, "set_exception"), (to_py(err).into_value(py),)),
    Err(panic) => future.call_method1(
      intern!(py, "set_exception"),
      (RustPanic::new_err(format!("rust future panicked: {panic}")).into_value(py),),
    ),
  };
  if let Err(err) = set {
    err.write_unraisable(py, Some(future));
  }
}

/// Called on the event loop's thread by `call_soon_threadsafe`: resolves every request that
/// finished since the last drain.
#[pyclass(frozen, name = "_Drain", module = "mylib._native")]
struct Drain {
  /// The inbox to drain.
  inbox: Arc<Inbox>,
}

#[pymethods]
impl Drain {
  /// Resolves the futures of the requests finished so far.
  fn __call__(&self, py: Python<'_>) {
    let inbox = &self.inbox;
    let finished = std::mem::take(&mut *lock(&inbox.finished));
    for (id, outcome) in finished {
      let future = lock(&inbox.pending).remove(&id);
      if let Some(future) = future {
        resolve(py, future.bind(py), outcome);
      }
    }
    retire_if_idle(inbox);
  }
}

/// A future that turns a panic while it is polled into `Err` with the panic's message.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
  type Output = Result<F::Output, String>;

  fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
    match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
      Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
      Ok(Poll::Pending) => Poll::Pending,
      Err(panic) => Poll::Ready(Err(
        panic
          .downcast_ref::<&str>()
          .map(|message| (*message).to_owned())
          .or_else(|| panic.downcast_ref::<String>().cloned())
          .unwrap_or_else(|| "unknown error".to_owned()),
      )),
    }
  }
}

/// One request of `fetch_data` in flight: awaitable (its result is the body), and cancellable.
/// Dropping it aborts the request too.
#[pyclass(frozen, name = "_FetchRequest", module = "mylib._native")]
pub struct FetchRequest {
  /// The asyncio future that the request's outcome resolves.
  future: Py<PyAny>,
  /// The inbox of the future's event loop.
  inbox: Arc<Inbox>,
  /// The request's key in the inbox.
  id: u64,
  /// Aborts the tokio task running the request.
  abort: AbortHandle,
}

#[pymethods]
impl FetchRequest {
  /// Waits for the body (the asyncio future's `__await__`).
  fn __await__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
    self.future.bind(py).call_method0(intern!(py, "__await__"))
  }

  /// Aborts the request (it closes its connection) and forgets its future; a no-op once the
  /// request has finished.
  fn cancel(&self) {
    self.forget();
  }

  /// The awaiting task, its coroutine and this request reference each other through the future:
  /// the garbage collector sees that edge, so an abandoned task is collected.
  fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
    visit.call(&self.future)
  }
}

impl FetchRequest {
  fn forget(&self) {
    self.abort.abort();
    let future = lock(&self.inbox.pending).remove(&self.id);
    retire_if_idle(&self.inbox);
    // Freed with the GIL held (a method call or the object's deallocation), after the locks.
    drop(future);
  }
}

impl Drop for FetchRequest {
  fn drop(&mut self) {
    self.forget();
  }
}

/// Starts `request` on mylib's tokio runtime, for the running asyncio loop.
pub fn spawn<F>(py: Python<'_>, request: F) -> PyResult<FetchRequest>
where
  F: Future<Output = Result<String, Error>> + Send + 'static,
{
  static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
  let event_loop = GET_RUNNING_LOOP
    .import(py, "asyncio", "get_running_loop")?
    .call0()?;
  let future = event_loop.call_method0(intern!(py, "create_future"))?;
  let inbox = inbox_of(&event_loop);
  let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
  lock(&inbox.pending).insert(id, future.clone().unbind());
  let task = {
    let inbox = Arc::clone(&inbox);
    async move {
      let outcome = CatchUnwind(Box::pin(request)).await;
      finish(inbox, id, outcome);
    }
  };
  let abort = pyo3_async_runtimes::tokio::get_runtime()
    .spawn(task)
    .abort_handle();
  Ok(FetchRequest {
    future: future.unbind(),
    inbox,
    id,
    abort,
  })
}
