//! The host's `fetch` failures, told apart as the core's client tells its own.
//!
//! `fetch` rejects with a `TypeError` for every network failure. Node (undici) puts the system
//! error in its `cause` (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET` for a connection closed
//! mid-response, `redirect count exceeded`); Deno and Bun say it in their messages or codes; a
//! browser says nothing, by design (a CORS refusal must look like any other failure), so there
//! it is always `ERR_NETWORK`.

use js_sys::Reflect;
use mylib_core::{Error as CoreError, NetworkCode};
use wasm_bindgen::JsValue;

use crate::error::Error;

/// The most redirects the host's `fetch` follows (the Fetch standard's 20), as the core's client.
pub const MAX_REDIRECTS: usize = 20;

fn text(value: &JsValue, name: &str) -> Option<String> {
  Reflect::get(value, &name.into()).ok()?.as_string()
}

/// The error for a failed `fetch` of `url` (shown without credentials), with the host's reason
/// (without the credentials of any URL it names: Deno's names an unparsable `Location` whole).
pub fn error(url: &str, err: &JsValue) -> Error {
  let cause = Reflect::get(err, &"cause".into()).unwrap_or(JsValue::UNDEFINED);
  let source = if cause.is_object() { &cause } else { err };
  let code = text(source, "code").or_else(|| text(err, "code"));
  let message = text(source, "message")
    .or_else(|| text(err, "message"))
    .unwrap_or_else(|| "the request failed".into());
  // Node's cause message, Bun's code, Deno's message.
  let lower = message.to_ascii_lowercase();
  if message == "redirect count exceeded"
    || code.as_deref() == Some("TooManyRedirects")
    || lower.contains("maximum number of redirects")
  {
    return CoreError::TooManyRedirects {
      url: url.to_owned(),
      max: MAX_REDIRECTS,
    }
    .into();
  }
  let code = match code.as_deref() {
    Some("ECONNREFUSED" | "ConnectionRefused") => NetworkCode::ConnectionRefused,
    Some("ENOTFOUND" | "EAI_AGAIN" | "EAI_NONAME") => NetworkCode::NotFound,
    Some("ECONNRESET" | "UND_ERR_SOCKET" | "EPIPE" | "ConnectionClosed") => {
      NetworkCode::ConnectionReset
    }
    _ => by_message(&lower),
  };
  CoreError::Network {
    code,
    url: url.to_owned(),
    reason: mylib_core::without_credentials(&message),
  }
  .into()
}

/// Deno's messages carry the OS error's words (`lower`: the message in lower case).
fn by_message(lower: &str) -> NetworkCode {
  if lower.contains("connection refused") {
    NetworkCode::ConnectionRefused
  } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
    NetworkCode::NotFound
  } else if lower.contains("connection closed before message completed")
    || lower.contains("connection reset")
  {
    NetworkCode::ConnectionReset
  } else {
    NetworkCode::Other
  }
}
