//! Request headers as `fetch` takes them: the rules every binding's `fetchData` shares, whether
//! the request then goes out through the core's client or through a host's `fetch`.

use http::{HeaderName, HeaderValue};

use crate::error::{Argument, Error, Func, Invalid, Param, Received, Result};

/// Request headers by lowercase name, values of the same name combined as `Headers` does.
#[derive(Debug, Clone, Default)]
pub struct RequestHeaders {
  list: Vec<(HeaderName, HeaderValue)>,
}

impl RequestHeaders {
  /// Adds a header as `Headers.append` does: the value trimmed of HTTP whitespace, a valid HTTP
  /// field name, a value that is a ByteString as `fetch` requires (every character
  /// U+0000..=U+00FF, sent as that byte) without NUL, CR or LF, appended with `, ` to a value of
  /// the same name in any case.
  ///
  /// The headers that frame the message or control the connection are the client's, as in
  /// undici: `content-length` (a GET has no body) and `connection: keep-alive` (the default)
  /// are left off; `connection: close` is kept; `transfer-encoding`, `keep-alive`, `upgrade`,
  /// `expect` and any other `connection` are [`Invalid::ConnectionHeader`]. So no caller's
  /// header can desynchronise a pooled connection.
  pub fn append(&mut self, name: &str, value: &str) -> Result<()> {
    let arg = || Argument::new(Func::FetchData, Param::Header(name.to_owned()));
    let refuse =
      |invalid: Invalid| Error::arg_value(arg(), invalid, Received::String(value.to_owned()));
    let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
      Error::arg_value(
        arg(),
        Invalid::HeaderName,
        Received::String(name.to_owned()),
      )
    })?;
    let trimmed = value.trim_matches(|c| matches!(c, '\t' | '\n' | '\r' | ' '));
    let latin1: Option<Vec<u8>> = trimmed.chars().map(|c| u8::try_from(c).ok()).collect();
    let mut bytes = latin1
      .filter(|bytes| HeaderValue::from_bytes(bytes).is_ok())
      .ok_or_else(|| refuse(Invalid::HeaderValue))?;
    let existing = self.list.iter().position(|(n, _)| *n == header_name);
    if let Some(at) = existing {
      bytes = [self.list[at].1.as_bytes(), b", ", &bytes].concat();
    }
    match header_name.as_str() {
      "content-length" => return Ok(()),
      "transfer-encoding" | "keep-alive" | "upgrade" | "expect" => {
        return Err(refuse(Invalid::ConnectionHeader))
      }
      "connection" if bytes.eq_ignore_ascii_case(b"keep-alive") => return Ok(()),
      "connection" if !bytes.eq_ignore_ascii_case(b"close") => {
        return Err(refuse(Invalid::ConnectionHeader))
      }
      _ => {}
    }
    let header_value = HeaderValue::from_bytes(&bytes).map_err(|_| refuse(Invalid::HeaderValue))?;
    match existing {
      Some(at) => self.list[at].1 = header_value,
      None => self.list.push((header_name, header_value)),
    }
    Ok(())
  }

  /// The headers, each name once, in the order first given.
  pub fn iter(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
    self.list.iter().map(|(name, value)| (name, value))
  }

  /// Whether a header of this (lowercase) name was given.
  pub fn contains(&self, name: &str) -> bool {
    self.list.iter().any(|(n, _)| n.as_str() == name)
  }
}
