//! Ending a thread's requests when its JS environment is torn down (a worker terminated, or
//! exiting, with requests in flight).
//!
//! The tokio runtime is shared by every thread that loaded mylib, so it outlives a worker. Without
//! this, a dead worker's requests ran on until their own timeout (up to 4294967295 ms), holding
//! their sockets and their origin's in-flight slots, which stalled other threads' requests to the
//! same origin once the slots ran out.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use napi::Env;
use tokio::sync::watch;

/// One receiver per live environment (keyed by its address), turned `true` by its cleanup hook.
static ENVS: Mutex<Option<HashMap<usize, watch::Receiver<bool>>>> = Mutex::new(None);

/// A receiver that turns `true` when `env` is torn down. The first call on an environment
/// registers its cleanup hook; the hook forgets the environment, so a later one at the same
/// address starts afresh.
pub fn watch(env: &Env) -> napi::Result<watch::Receiver<bool>> {
  let key = env.raw() as usize;
  let mut envs = ENVS.lock().unwrap_or_else(PoisonError::into_inner);
  let envs = envs.get_or_insert_with(HashMap::new);
  if let Some(receiver) = envs.get(&key) {
    return Ok(receiver.clone());
  }
  let (sender, receiver) = watch::channel(false);
  env.add_env_cleanup_hook(sender, move |sender| {
    if let Some(envs) = ENVS.lock().unwrap_or_else(PoisonError::into_inner).as_mut() {
      envs.remove(&key);
    }
    // Fails only when no request is waiting, which is fine.
    let _ = sender.send(true);
  })?;
  envs.insert(key, receiver.clone());
  Ok(receiver)
}

/// Completes when the environment behind `receiver` is torn down; never while it lives.
pub async fn closed(mut receiver: watch::Receiver<bool>) {
  // An error means the sender is gone, which happens only with the environment.
  let _ = receiver.wait_for(|closed| *closed).await;
}
