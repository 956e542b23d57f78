//! `fetchData` on the host's `fetch` (browsers, Node, Deno, Bun): the Node addon's options,
//! checks and errors, with the request made by the platform.
//!
//! Deadlines and aborts work by one `AbortController` per call: the timer and the caller's
//! signal each record why they fired and abort it; whichever `fetch` or body read was pending
//! then fails, and the recorded reason decides the error.

mod network;
mod options;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Function, JsString, Object, Promise, Reflect, Uint8Array};
use mylib_core::Error as CoreError;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, Response};

use crate::error::{Error, Result};
pub use options::Request;

#[wasm_bindgen]
extern "C" {
  #[wasm_bindgen(js_name = fetch, catch)]
  fn host_fetch(url: &str, init: &RequestInit) -> std::result::Result<Promise, JsValue>;
  #[wasm_bindgen(js_name = setTimeout)]
  fn set_timeout(handler: &Function, ms: f64) -> JsValue;
  #[wasm_bindgen(js_name = clearTimeout)]
  fn clear_timeout(id: &JsValue);

  /// The host's `TextDecoder`.
  #[wasm_bindgen(js_name = TextDecoder)]
  type Decoder;
  #[wasm_bindgen(constructor, js_class = "TextDecoder", catch)]
  fn new(label: &str) -> std::result::Result<Decoder, JsValue>;
  #[wasm_bindgen(method, js_class = "TextDecoder", js_name = decode)]
  fn decode_chunk(this: &Decoder, chunk: &Uint8Array, options: &JsValue) -> JsString;
  #[wasm_bindgen(method, js_class = "TextDecoder", js_name = decode)]
  fn finish(this: &Decoder) -> JsString;

  /// A `ReadableStreamDefaultReader`, as much of it as a body read needs.
  type Reader;
  #[wasm_bindgen(method)]
  fn read(this: &Reader) -> Promise;
  #[wasm_bindgen(method)]
  fn cancel(this: &Reader) -> Promise;
}

thread_local! {
  static SEND_USER_AGENT: Cell<bool> = const { Cell::new(false) };
  static RAISE_LISTENER_LIMIT: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Makes `fetchData` send `User-Agent: mylib/<version>` unless the caller sets one, as the Node
/// addon does. The Node, Deno and Bun entry turns it on; in a browser the header is the
/// browser's own (and setting it would cost a CORS preflight).
#[wasm_bindgen(js_name = sendUserAgent)]
pub fn send_user_agent(on: bool) {
  SEND_USER_AGENT.with(|send| send.set(on));
}

/// Has `fetchData` call `raise(signal)` before it adds its listener to a caller's signal. The
/// Node, Deno and Bun entry passes a function that raises the signal's listener limit from the
/// default (10) to 1500, as Node's `fetch` does, so many concurrent calls sharing one signal print
/// no `MaxListenersExceededWarning`; browsers have no such limit.
#[wasm_bindgen(js_name = raiseListenerLimitWith)]
pub fn raise_listener_limit_with(raise: Function) {
  RAISE_LISTENER_LIMIT.with(|hook| *hook.borrow_mut() = Some(raise));
}

/// Why the call's `AbortController` was aborted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
  Running,
  TimedOut,
  Aborted,
}

/// Fetches `url` with a GET and resolves to the body as text, decoded by the charset of
/// `Content-Type` (UTF-8 by default). Runs on the host's `fetch`, which follows redirects and
/// decodes gzip, brotli and deflate bodies itself. Never throws: every error is a rejection.
///
/// @rejects {TypeError} `ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`, `ERR_INVALID_URL`,
/// `ERR_INVALID_URL_SCHEME`; `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM` for `options.ca`.
/// @rejects {RangeError} `ERR_OUT_OF_RANGE` for a bad `timeoutMs` or `maxBytes`.
/// @rejects {Error} `ERR_HTTP_STATUS`, `ERR_BODY_TOO_LARGE`, `ERR_TOO_MANY_REDIRECTS`,
/// `ETIMEDOUT`, `ABORT_ERR`, `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `ERR_NETWORK`.
#[wasm_bindgen(js_name = fetchData)]
pub fn fetch_data(url: &JsValue, options: &JsValue) -> Promise {
  let request = match options::read(url, options) {
    Ok(request) => request,
    Err(err) => return Promise::reject(&err.into_js()),
  };
  if let Some(signal) = request.signal.as_ref().filter(|signal| signal.aborted()) {
    // An aborted signal sends nothing.
    let abort = Error::Core(CoreError::Aborted).into_js_with_cause(Some(&signal.reason()));
    return Promise::reject(&abort);
  }
  future_to_promise(async move {
    let signal = request.signal.clone();
    let stop = Rc::new(Cell::new(Stop::Running));
    let controller = AbortController::new().map_err(Error::Js)?;
    let _watch = Watch::start(&request, &controller, &stop);
    let outcome = get(&request, &controller).await;
    match (stop.get(), outcome) {
      (Stop::Aborted, _) => {
        let reason = signal.map(|signal| signal.reason());
        Err(Error::Core(CoreError::Aborted).into_js_with_cause(reason.as_ref()))
      }
      (Stop::TimedOut, _) => Err(
        Error::Core(CoreError::Timeout {
          url: request.shown.clone(),
          after: request.timeout.unwrap_or_default(),
        })
        .into_js(),
      ),
      (Stop::Running, Ok(body)) => Ok(body.into()),
      (Stop::Running, Err(err)) => Err(err.into()),
    }
  })
}

/// The timer and the caller's signal listener of one call, removed when it ends.
struct Watch {
  timer: Option<(JsValue, Closure<dyn FnMut()>)>,
  listener: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl Watch {
  fn start(request: &Request, controller: &AbortController, stop: &Rc<Cell<Stop>>) -> Watch {
    let stopper = |why: Stop| {
      let (stop, controller) = (stop.clone(), controller.clone());
      Closure::<dyn FnMut()>::new(move || {
        if stop.get() == Stop::Running {
          stop.set(why);
          controller.abort();
        }
      })
    };
    let timer = request.timeout.map(|after| {
      let fire = stopper(Stop::TimedOut);
      let id = set_timeout(fire.as_ref().unchecked_ref(), after.as_millis() as f64);
      (id, fire)
    });
    let listener = request.signal.as_ref().map(|signal| {
      RAISE_LISTENER_LIMIT.with(|hook| {
        if let Some(raise) = hook.borrow().as_ref() {
          // Best effort, as in the Node addon: a failure leaves the limit as it was.
          let _ = raise.call1(&JsValue::UNDEFINED, signal);
        }
      });
      let fire = stopper(Stop::Aborted);
      let _ = signal.add_event_listener_with_callback("abort", fire.as_ref().unchecked_ref());
      (signal.clone(), fire)
    });
    Watch { timer, listener }
  }
}

impl Drop for Watch {
  fn drop(&mut self) {
    if let Some((id, _)) = &self.timer {
      clear_timeout(id);
    }
    if let Some((signal, fire)) = &self.listener {
      let _ = signal.remove_event_listener_with_callback("abort", fire.as_ref().unchecked_ref());
    }
  }
}

/// The request and its body, without the deadline and the abort (see [`fetch_data`]).
async fn get(request: &Request, controller: &AbortController) -> Result<JsString> {
  let network = |err: JsValue| network::error(&request.shown, &err);
  let headers = Headers::new().map_err(Error::Js)?;
  for (name, value) in request.headers.iter() {
    // Latin-1 bytes back to the characters `fetch` takes for them.
    let value: String = value.as_bytes().iter().map(|&b| char::from(b)).collect();
    headers.append(name.as_str(), &value).map_err(Error::Js)?;
  }
  if SEND_USER_AGENT.with(Cell::get) && !request.headers.contains("user-agent") {
    let agent = concat!("mylib/", env!("CARGO_PKG_VERSION"));
    headers.append("user-agent", agent).map_err(Error::Js)?;
  }
  let init = RequestInit::new();
  init.set_method("GET");
  init.set_headers(&headers);
  init.set_signal(Some(&controller.signal()));
  let pending = host_fetch(&request.href, &init).map_err(network)?;
  let response: Response = JsFuture::from(pending)
    .await
    .map_err(network)?
    .unchecked_into();
  let status = response.status();
  if !(200..=299).contains(&status) {
    return Err(
      CoreError::HttpStatus {
        url: request.shown.clone(),
        status,
        reason: http::StatusCode::from_u16(status)
          .ok()
          .and_then(|code| code.canonical_reason()),
      }
      .into(),
    );
  }
  let header = |name: &str| response.headers().get(name).ok().flatten();
  let too_large = || {
    Error::Core(CoreError::BodyTooLarge {
      url: request.shown.clone(),
      limit: request.max_bytes,
    })
  };
  let announced = header("content-length").and_then(|len| len.trim().parse::<u64>().ok());
  if announced.is_some_and(|len| len > request.max_bytes) {
    if let Some(body) = response.body() {
      let _ = body.cancel();
    }
    return Err(too_large());
  }
  let decoder = decoder(header("content-type").as_deref())?;
  let Some(body) = response.body() else {
    return Ok(decoder.finish());
  };
  let reader: Reader = body.get_reader().unchecked_into();
  let stream = Object::new();
  let _ = Reflect::set(&stream, &"stream".into(), &JsValue::TRUE);
  let mut text = JsString::from("");
  let mut received = 0u64;
  loop {
    let chunk = JsFuture::from(reader.read()).await.map_err(network)?;
    if Reflect::get(&chunk, &"done".into())
      .map_err(Error::Js)?
      .is_truthy()
    {
      break;
    }
    let bytes: Uint8Array = Reflect::get(&chunk, &"value".into())
      .map_err(Error::Js)?
      .unchecked_into();
    received += u64::from(bytes.length());
    if received > request.max_bytes {
      let _ = reader.cancel();
      return Err(too_large());
    }
    text = text.concat(&decoder.decode_chunk(&bytes, &stream));
  }
  Ok(text.concat(&decoder.finish()))
}

/// A decoder for the charset of a `Content-Type` (UTF-8 when absent or unknown to the host).
fn decoder(content_type: Option<&str>) -> Result<Decoder> {
  let charset =
    content_type.and_then(|value| mylib_core::mime::charset([value.as_bytes()].into_iter()));
  charset
    .and_then(|label| Decoder::new(&label).ok())
    .map_or_else(|| Decoder::new("utf-8").map_err(Error::Js), Ok)
}

/// The default bound on a whole request: mylib-core's `fetch::DEFAULT_TIMEOUT` (which is behind
/// the core's `fetch` feature, not built here; a test checks they agree).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default limit on the body: mylib-core's `fetch::DEFAULT_MAX_BYTES` (32 MiB).
pub const DEFAULT_MAX_BYTES: u64 = 32 * 1024 * 1024;

#[cfg(test)]
mod tests {
  #[test]
  fn defaults_are_the_cores() {
    assert_eq!(super::DEFAULT_TIMEOUT, mylib_core::fetch::DEFAULT_TIMEOUT);
    assert_eq!(
      super::DEFAULT_MAX_BYTES,
      mylib_core::fetch::DEFAULT_MAX_BYTES
    );
  }
}
