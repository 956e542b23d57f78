//! Redirects by the WHATWG Fetch standard's "HTTP-redirect fetch", as Node's `fetch` follows
//! them: a GET stays a GET, no `Referer` is ever sent, and the credentials a caller set go only
//! to the origin they were set for.

use http::header::{HeaderMap, AUTHORIZATION, COOKIE, HOST, LOCATION, PROXY_AUTHORIZATION};
use http::StatusCode;
use url::Url;

use super::{check_scheme, display_url};
use crate::error::{Error, NetworkCode, Result};

/// Redirects followed before giving up, as Node's `fetch` does.
pub const MAX_REDIRECTS: usize = 20;

/// Where a response of `status` and `headers` (to a request for `current`, the `followed`-th
/// redirect of `start`) redirects to, or `None` when it is not a redirect to follow (it is the
/// response).
pub fn next(
  start: &Url,
  current: &Url,
  status: StatusCode,
  headers: &HeaderMap,
  followed: usize,
) -> Result<Option<Url>> {
  let redirect = matches!(
    status,
    StatusCode::MOVED_PERMANENTLY
      | StatusCode::FOUND
      | StatusCode::SEE_OTHER
      | StatusCode::TEMPORARY_REDIRECT
      | StatusCode::PERMANENT_REDIRECT
  );
  let Some(location) = headers.get(LOCATION).filter(|_| redirect) else {
    return Ok(None);
  };
  // A header value's bytes are Latin-1 characters to the URL parser, as in `fetch`.
  let location: String = location.as_bytes().iter().map(|&b| char::from(b)).collect();
  let target = current
    .join(&location)
    .map_err(|err| Error::invalid_url(&location, err.to_string(), Some(display_url(current))))?;
  check_scheme(&target, Some(current))?;
  if !target.username().is_empty() || target.password().is_some() {
    return Err(Error::Network {
      code: NetworkCode::Other,
      url: display_url(start),
      reason: format!(
        "the redirect from {} is to a URL with credentials",
        display_url(current)
      ),
    });
  }
  if followed >= MAX_REDIRECTS {
    return Err(Error::TooManyRedirects {
      url: display_url(start),
      max: MAX_REDIRECTS,
    });
  }
  Ok(Some(target))
}

/// When a redirect leaves the origin (scheme, host and port: https → http on the same host is a
/// new origin), drops the headers that carry the caller's credentials or name the old host. They
/// stay dropped for the rest of the chain, as the standard deletes them from the request.
pub fn strip_on_origin_change(from: &Url, to: &Url, headers: &mut HeaderMap) {
  if from.origin() != to.origin() {
    for name in [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, HOST] {
      headers.remove(name);
    }
  }
}

#[cfg(test)]
mod tests {
  use http::header::{HeaderValue, ACCEPT};

  use super::*;

  fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
  }

  fn caller_headers() -> HeaderMap {
    [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, HOST, ACCEPT]
      .into_iter()
      .map(|name| (name, HeaderValue::from_static("x")))
      .collect()
  }

  #[test]
  fn credentials_stay_within_their_origin() {
    let mut headers = caller_headers();
    strip_on_origin_change(&url("https://a/x"), &url("https://a/y?q"), &mut headers);
    assert_eq!(headers.len(), 5, "same origin: all kept");
    for other in ["http://a/x", "https://a:444/x", "https://b/x"] {
      let mut headers = caller_headers();
      strip_on_origin_change(&url("https://a/x"), &url(other), &mut headers);
      let left: Vec<_> = headers.keys().map(|k| k.as_str()).collect();
      assert_eq!(left, ["accept"], "{other}");
    }
  }
}
