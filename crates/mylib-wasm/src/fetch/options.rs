//! Reading `fetchData`'s arguments, each checked as it is read, in the Node addon's order and
//! with its errors.

use std::time::Duration;

use js_sys::{Array, Object, Reflect, Symbol};
use mylib_core::headers::RequestHeaders;
use mylib_core::number::{integer_in, MAX_SAFE_INTEGER};
use mylib_core::{Argument, Error as CoreError, Expected, Func, Param};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortSignal, Url};

use super::{DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT};
use crate::arg;
use crate::error::{Error, Result};

fn arg(param: Param) -> Argument {
  Argument::new(Func::FetchData, param)
}

/// A checked request.
pub struct Request {
  /// The URL to send.
  pub href: String,
  /// The URL for messages: without its user name and password.
  pub shown: String,
  pub timeout: Option<Duration>,
  pub max_bytes: u64,
  /// The headers, checked and combined by the core's rules.
  pub headers: RequestHeaders,
  pub signal: Option<AbortSignal>,
}

/// Reads `url` and `options` into a [`Request`].
pub fn read(url: &JsValue, options: &JsValue) -> Result<Request> {
  let (href, shown) = parse_url(&arg::expect_string(arg(Param::Url), url)?)?;
  let mut request = Request {
    href,
    shown,
    timeout: Some(DEFAULT_TIMEOUT),
    max_bytes: DEFAULT_MAX_BYTES,
    headers: RequestHeaders::default(),
    signal: None,
  };
  if options.is_undefined() {
    return Ok(request);
  }
  if !arg::is_options_object(options) {
    return Err(arg::type_error(
      arg(Param::Options),
      Expected::Object,
      options,
    ));
  }
  if let Some(ms) = present(options, "timeoutMs")? {
    let ms = arg::expect_number(arg(Param::Timeout), &ms)?;
    let ms = integer_in(arg(Param::Timeout), ms, 1, u32::MAX.into())?;
    // Within 1..=u32::MAX.
    request.timeout = Some(Duration::from_millis(ms as u64));
  }
  if let Some(bytes) = present(options, "maxBytes")? {
    let bytes = arg::expect_number(arg(Param::MaxBytes), &bytes)?;
    // Non-negative.
    request.max_bytes = integer_in(arg(Param::MaxBytes), bytes, 0, MAX_SAFE_INTEGER)? as u64;
  }
  if let Some(headers) = present(options, "headers")? {
    request.headers = read_headers(&headers)?;
  }
  if let Some(ca) = present(options, "ca")? {
    check_ca(&ca)?;
  }
  request.signal = match present(options, "signal")? {
    Some(signal) if signal.is_instance_of::<AbortSignal>() => Some(signal.unchecked_into()),
    Some(other) => {
      return Err(arg::type_error(
        arg(Param::Signal),
        Expected::AbortSignal,
        &other,
      ))
    }
    None => None,
  };
  Ok(request)
}

/// The reason given for a URL the host's parser refuses: it gives none.
///
/// The core's client parses with the `url` crate, whose errors say why (`relative URL without a
/// base`); its IDNA tables would more than double this package's .wasm (62 KB to 144 KB
/// gzipped, measured), so this binding uses the host's WHATWG parser, which accepts and
/// serialises the same URLs but only says "Invalid URL". See README, Runtimes:
/// `invalid-url-reason`.
pub const HOST_URL_REASON: &str = "the host's URL parser refused it";

/// Parses a URL with the host's WHATWG parser and checks its scheme: `(href, shown)`, `shown`
/// without user name and password.
fn parse_url(input: &str) -> Result<(String, String)> {
  let url =
    Url::new(input).map_err(|_| CoreError::invalid_url(input, HOST_URL_REASON.into(), None))?;
  let scheme = url.protocol();
  if scheme != "http:" && scheme != "https:" {
    return Err(
      CoreError::InvalidUrlScheme {
        scheme,
        redirected_from: None,
      }
      .into(),
    );
  }
  let href = url.href();
  url.set_username("");
  url.set_password("");
  Ok((href, url.href()))
}

/// An option's value, or `None` when it is `undefined` (absent).
fn present(options: &JsValue, name: &str) -> Result<Option<JsValue>> {
  let value = arg::property(options, name)?;
  Ok((!value.is_undefined()).then_some(value))
}

/// The headers, read as `fetch` reads a `HeadersInit` (an iterable, such as an array, a
/// `Headers` or a `Map`, is a sequence of `[name, value]` pairs, any other object a record) and
/// checked by the core's rules (see [`RequestHeaders::append`]), as the Node addon reads them.
fn read_headers(headers: &JsValue) -> Result<RequestHeaders> {
  if !headers.is_object() {
    return Err(arg::type_error(
      arg(Param::Headers),
      Expected::Headers,
      headers,
    ));
  }
  let mut checked = RequestHeaders::default();
  let iterator = Reflect::get(headers, &Symbol::iterator()).map_err(Error::Js)?;
  if iterator.is_function() {
    let pairs = Array::from(headers);
    for (index, pair) in pairs.iter().enumerate() {
      let what = || Argument::element(Func::FetchData, Param::Headers, index as u64);
      let items = match Array::is_array(&pair) {
        true => Array::from(&pair),
        false => Array::new(),
      };
      if items.length() != 2 {
        return Err(arg::type_error(what(), Expected::HeaderPair, &pair));
      }
      let name = arg::expect_string(what(), &items.get(0))?;
      let value = arg::expect_string(arg(Param::Header(name.clone())), &items.get(1))?;
      checked.append(&name, &value)?;
    }
  } else {
    let object: &Object = headers.unchecked_ref();
    for name in Object::keys(object).iter() {
      let name = String::from(name.unchecked_into::<js_sys::JsString>());
      let value = arg::property(headers, &name)?;
      let value = arg::expect_string(arg(Param::Header(name.clone())), &value)?;
      checked.append(&name, &value)?;
    }
  }
  Ok(checked)
}

/// `ca` is checked for its type as the Node addon checks it, then refused: a browser's `fetch`
/// trusts the platform's certificates only, and Node's, Deno's and Bun's take no per-request CA.
fn check_ca(ca: &JsValue) -> Result<()> {
  let strings = ca.is_string()
    || (Array::is_array(ca)
      && Array::from(ca)
        .iter()
        .enumerate()
        .try_for_each(|(index, item)| {
          let at = Argument::element(Func::FetchData, Param::Ca, index as u64);
          arg::expect_string(at, &item).map(drop)
        })
        .map(|()| true)?);
  if !strings {
    return Err(arg::type_error(
      arg(Param::Ca),
      Expected::StringOrStrings,
      ca,
    ));
  }
  Err(Error::Unavailable {
    option: "options.ca",
    why: "the host's fetch trusts only its own certificate store",
  })
}
