//! The charset of a response, found as browsers find it: the WHATWG Fetch standard's "extract a
//! MIME type" and the MIME Sniffing standard's parser. Plain Rust, for every binding's
//! `fetchData`.

/// The charset parameter of a response's MIME type, by the WHATWG Fetch standard's "extract a
/// MIME type" over every `Content-Type` value (split on commas outside quotes): the last valid
/// type wins, and a later value of the same essence without a charset keeps the earlier charset.
pub fn charset<'a>(values: impl Iterator<Item = &'a [u8]>) -> Option<String> {
  let mut charset: Option<String> = None;
  let mut essence: Option<String> = None;
  for value in values {
    let value: String = value.iter().map(|&b| char::from(b)).collect();
    for part in split_outside_quotes(&value) {
      let Some(mime) = parse_mime(part) else {
        continue;
      };
      if mime.essence == "*/*" {
        continue;
      }
      if essence.as_deref() != Some(mime.essence.as_str()) {
        charset = mime.charset;
        essence = Some(mime.essence);
      } else if mime.charset.is_some() {
        charset = mime.charset;
      }
    }
  }
  charset
}

/// A parsed MIME type: its essence (`type/subtype`, lowercase) and its first valid `charset`.
struct Mime {
  essence: String,
  charset: Option<String>,
}

/// HTTP whitespace: tab, line feed, carriage return and space.
fn is_http_space(c: char) -> bool {
  matches!(c, '\t' | '\n' | '\r' | ' ')
}

/// An HTTP token code point.
fn is_token(c: char) -> bool {
  c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// An HTTP quoted-string token code point: tab, U+0020..=U+007E, U+0080..=U+00FF.
fn is_quoted_token(c: char) -> bool {
  c == '\t' || (' '..='~').contains(&c) || ('\u{80}'..='\u{ff}').contains(&c)
}

/// Splits a header value on commas that are not inside a quoted string.
fn split_outside_quotes(value: &str) -> Vec<&str> {
  let mut parts = Vec::new();
  let (mut start, mut quoted, mut escaped) = (0, false, false);
  for (i, c) in value.char_indices() {
    match c {
      _ if escaped => escaped = false,
      '\\' if quoted => escaped = true,
      '"' => quoted = !quoted,
      ',' if !quoted => {
        parts.push(&value[start..i]);
        start = i + 1;
      }
      _ => {}
    }
  }
  parts.push(&value[start..]);
  parts
}

/// The WHATWG MIME Sniffing standard's "parse a MIME type", keeping only the essence and the
/// `charset` parameter.
fn parse_mime(input: &str) -> Option<Mime> {
  let input = input.trim_matches(is_http_space);
  let (kind, rest) = input.split_once('/')?;
  if kind.is_empty() || !kind.chars().all(is_token) {
    return None;
  }
  let subtype_end = rest.find(';').unwrap_or(rest.len());
  let subtype = rest[..subtype_end].trim_end_matches(is_http_space);
  if subtype.is_empty() || !subtype.chars().all(is_token) {
    return None;
  }
  let essence = format!("{kind}/{subtype}").to_ascii_lowercase();
  let mut charset = None;
  let mut params = &rest[subtype_end..];
  while let Some(after_semicolon) = params.strip_prefix(';') {
    let rest = after_semicolon.trim_start_matches(is_http_space);
    let name_end = rest.find([';', '=']).unwrap_or(rest.len());
    let name = rest[..name_end].to_ascii_lowercase();
    params = &rest[name_end..];
    let Some(after_equals) = params.strip_prefix('=') else {
      continue;
    };
    let value;
    if let Some(quoted) = after_equals.strip_prefix('"') {
      let (text, end) = quoted_string(quoted);
      value = text;
      params = &quoted[end..];
      params = &params[params.find(';').unwrap_or(params.len())..];
    } else {
      let end = after_equals.find(';').unwrap_or(after_equals.len());
      value = after_equals[..end]
        .trim_end_matches(is_http_space)
        .to_owned();
      params = &after_equals[end..];
      if value.is_empty() {
        continue;
      }
    }
    let valid =
      !name.is_empty() && name.chars().all(is_token) && value.chars().all(is_quoted_token);
    if name == "charset" && valid && charset.is_none() {
      charset = Some(value);
    }
  }
  Some(Mime { essence, charset })
}

/// The value of a quoted string that started just before `input` (after its opening quote),
/// with backslash escapes removed, and the byte offset just past it.
fn quoted_string(input: &str) -> (String, usize) {
  let mut value = String::new();
  let mut chars = input.char_indices();
  while let Some((i, c)) = chars.next() {
    match c {
      '"' => return (value, i + 1),
      '\\' => match chars.next() {
        Some((_, escaped)) => value.push(escaped),
        None => {
          value.push('\\');
          return (value, input.len());
        }
      },
      _ => value.push(c),
    }
  }
  (value, input.len())
}

#[cfg(test)]
mod tests {
  use super::*;

  fn cs(values: &[&str]) -> Option<String> {
    charset(values.iter().map(|v| v.as_bytes()))
  }

  #[test]
  fn the_charset_is_found_by_the_whatwg_mime_rules() {
    assert_eq!(
      cs(&["text/plain; charset=latin1"]).as_deref(),
      Some("latin1")
    );
    assert_eq!(
      cs(&["text/plain ;\tfoo=bar; CHARSET = x; charset=\"shift_jis\""]).as_deref(),
      Some("shift_jis"),
      "a name with spaces before `=` is not `charset`"
    );
    assert_eq!(
      cs(&["text/html; foo=\"a;b\"; charset=\"windows-1252\""]).as_deref(),
      Some("windows-1252")
    );
    assert_eq!(
      cs(&["text/html;charset=\"utf\\-8\" ; x"]).as_deref(),
      Some("utf-8")
    );
    assert_eq!(cs(&["text/plain; charset="]), None);
    assert_eq!(
      cs(&["text/plain; charset=a; charset=b"]).as_deref(),
      Some("a")
    );
    assert_eq!(cs(&["nonsense; charset=latin1"]), None);
    assert_eq!(cs(&[]), None);
  }

  #[test]
  fn several_content_type_values_combine_as_fetch_combines_them() {
    assert_eq!(
      cs(&["text/plain; charset=latin1", "text/plain"]).as_deref(),
      Some("latin1"),
      "the same essence keeps the earlier charset"
    );
    assert_eq!(cs(&["text/plain; charset=latin1", "text/html"]), None);
    assert_eq!(
      cs(&["text/plain; charset=latin1, */*"]).as_deref(),
      Some("latin1"),
      "*/* is skipped"
    );
    assert_eq!(
      cs(&["text/html; charset=\"a,b\""]).as_deref(),
      Some("a,b"),
      "a comma inside quotes does not split"
    );
  }
}
