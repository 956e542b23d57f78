use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;
use crate::error::{NetworkCode, Range};

#[test]
fn messages_never_show_credentials() {
  let url = Url::parse("http://user:s3cret@127.0.0.1:8080/path?q=1").unwrap();
  assert_eq!(display_url(&url), "http://127.0.0.1:8080/path?q=1");
}

#[test]
fn unparsable_urls_never_show_credentials() {
  for (input, shown) in [
    ("http://user:s3cret@[::1/x", "http://[::1/x"),
    (
      "https://u:p@a@[bad]:99999/p?q#f",
      "https://[bad]:99999/p?q#f",
    ),
    ("http:\\\\u:pw@[x/", "http:\\\\[x/"),
    ("no scheme at all", "no scheme at all"),
  ] {
    let err = parse_url(input).unwrap_err();
    assert!(
      matches!(&err, Error::InvalidUrl { input, .. } if input == shown),
      "{input}: {err:?}"
    );
  }
}

#[test]
fn bodies_decode_by_charset() {
  assert_eq!(decode("héllo".as_bytes(), None), "héllo");
  assert_eq!(decode(b"h\xe9llo", Some("ISO-8859-1")), "héllo");
  assert_eq!(decode(b"h\xe9llo", Some("utf-8")), "h\u{fffd}llo");
  assert_eq!(decode("héllo".as_bytes(), Some("no-such-charset")), "héllo");
  assert_eq!(decode(b"\xef\xbb\xbfbom", Some("latin1")), "bom");
}

#[test]
fn urls_must_parse_and_be_http() {
  assert_eq!(
    parse_url("http://127.0.0.1:8080/a").unwrap().port(),
    Some(8080)
  );
  assert!(parse_url("https://example.com").is_ok());
  let err = parse_url("not a url").unwrap_err();
  assert!(
    matches!(&err, Error::InvalidUrl { input, .. } if input == "not a url"),
    "{err}"
  );
  assert_eq!(
    parse_url("ftp://example.com/x"),
    Err(Error::InvalidUrlScheme {
      scheme: "ftp:".into(),
      redirected_from: None
    })
  );
  assert!(matches!(
    parse_url("file:///etc/passwd"),
    Err(Error::InvalidUrlScheme { .. })
  ));
}

#[test]
fn timeouts_are_positive_u32_integers() {
  let mut options = FetchOptions::default();
  assert_eq!(options.timeout, Some(Duration::from_secs(30)));
  options.timeout_ms(1.0).unwrap();
  assert_eq!(options.timeout, Some(Duration::from_millis(1)));
  options.timeout_ms(4294967295.0).unwrap();
  assert_eq!(
    options.timeout,
    Some(Duration::from_millis(u32::MAX.into()))
  );
  for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, 4294967296.0] {
    let err = options.timeout_ms(bad).unwrap_err();
    assert!(
      matches!(&err, Error::OutOfRange { arg, .. } if arg.param == Param::Timeout),
      "{bad}"
    );
  }
}

#[test]
fn body_limits_are_safe_integers() {
  let mut options = FetchOptions::default();
  assert_eq!(options.max_bytes, 32 * 1024 * 1024);
  options.max_bytes_f64(0.0).unwrap();
  assert_eq!(options.max_bytes, 0);
  options.max_bytes_f64(9007199254740991.0).unwrap();
  assert_eq!(options.max_bytes, 9007199254740991);
  for bad in [-1.0, 0.5, f64::NAN, 9007199254740992.0] {
    let err = options.max_bytes_f64(bad).unwrap_err();
    assert!(
      matches!(&err, Error::OutOfRange { range, .. }
        if *range == Range::Integer || *range == Range::Between(0, 9007199254740991)),
      "{bad}"
    );
  }
}

fn sent(options: &FetchOptions) -> Vec<(String, Vec<u8>)> {
  let headers = options.headers();
  headers.map(|(n, v)| (n.to_owned(), v.to_vec())).collect()
}

#[test]
fn headers_are_checked() {
  let mut options = FetchOptions::default();
  options.header("x-custom", "a value\twith tab").unwrap();
  options.header("x-latin1", "café").unwrap();
  assert_eq!(
    sent(&options)[1],
    ("x-latin1".to_owned(), b"caf\xe9".to_vec())
  );
  for (name, value, reason) in [
    ("bad name", "v", Invalid::HeaderName),
    ("", "v", Invalid::HeaderName),
    ("x", "line\nbreak", Invalid::HeaderValue),
    ("x", "€", Invalid::HeaderValue),
    ("x", "nul\0", Invalid::HeaderValue),
  ] {
    let err = options.header(name, value).unwrap_err();
    assert!(
      matches!(&err, Error::InvalidArgValue { arg, reason: r, .. }
        if arg.param == Param::Header(name.into()) && *r == reason),
      "{err:?}"
    );
  }
}

#[test]
fn header_values_are_trimmed_and_names_combined_as_headers_does() {
  let mut options = FetchOptions::default();
  options.header("X-A", " \t v \t\r\n").unwrap();
  options.header("x-a", "w").unwrap();
  options.header("x-b", "   ").unwrap();
  assert_eq!(
    sent(&options),
    [
      ("x-a".to_owned(), b"v, w".to_vec()),
      ("x-b".to_owned(), Vec::new())
    ]
  );
}

#[test]
fn connection_and_framing_headers_are_the_clients() {
  let mut options = FetchOptions::default();
  for (name, value) in [
    ("Content-Length", "5"),
    ("connection", "Keep-Alive"),
    ("Host", "example.com"),
  ] {
    options.header(name, value).unwrap();
  }
  assert_eq!(
    sent(&options),
    [("host".to_owned(), b"example.com".to_vec())],
    "content-length and connection: keep-alive are left off"
  );
  options.header("Connection", "close").unwrap();
  assert_eq!(
    sent(&options)[1],
    ("connection".to_owned(), b"close".to_vec())
  );
  for (name, value) in [
    ("transfer-encoding", "chunked"),
    ("Keep-Alive", "timeout=5"),
    ("upgrade", "websocket"),
    ("expect", "100-continue"),
    ("connection", "upgrade"),
    ("connection", "close"),
  ] {
    let mut options = FetchOptions::default();
    if value == "close" {
      options.header("connection", "close").unwrap();
    }
    let err = options.header(name, value).unwrap_err();
    assert!(
      matches!(
        &err,
        Error::InvalidArgValue {
          reason: Invalid::ConnectionHeader,
          ..
        }
      ),
      "{name}: {value}: {err:?}"
    );
  }
}

#[test]
fn pem_must_hold_a_certificate() {
  let mut options = FetchOptions::default();
  for pem in ["nope", ""] {
    let err = options.ca(Some(2), pem.into()).unwrap_err();
    assert!(
      matches!(&err, Error::InvalidArgValue { arg, reason: Invalid::Pem(_), .. }
        if arg.index == Some(2)),
      "{err:?}"
    );
  }
  assert!(options.ca.is_empty());
}

/// A loopback server that answers each connection with `response` (after `delay`), and its URL.
async fn serve(response: &'static [u8], delay: Duration) -> Url {
  let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
  let address = listener.local_addr().unwrap();
  tokio::spawn(async move {
    while let Ok((mut socket, _)) = listener.accept().await {
      tokio::spawn(async move {
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        tokio::time::sleep(delay).await;
        let _ = socket.write_all(response).await;
        let _ = socket.shutdown().await;
      });
    }
  });
  Url::parse(&format!("http://user:pw@{address}/path")).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
  tokio::runtime::Builder::new_current_thread()
    .enable_all()
    .build()
    .unwrap()
}

#[test]
fn fetches_over_loopback_with_every_outcome() {
  runtime().block_on(async {
    let ok = serve(
      b"HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=latin1\r\ncontent-length: 5\r\nconnection: close\r\n\r\nh\xe9llo",
      Duration::ZERO,
    )
    .await;
    assert_eq!(fetch(ok.clone(), FetchOptions::default()).await, Ok("héllo".into()));

    let small = FetchOptions {
      max_bytes: 4,
      ..FetchOptions::default()
    };
    let shown = display_url(&ok);
    assert_eq!(
      fetch(ok, small).await,
      Err(Error::BodyTooLarge {
        url: shown,
        limit: 4
      })
    );

    let missing = serve(
      b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
      Duration::ZERO,
    )
    .await;
    let shown = display_url(&missing);
    assert!(!shown.contains("pw"), "{shown}");
    assert_eq!(
      fetch(missing, FetchOptions::default()).await,
      Err(Error::HttpStatus {
        url: shown,
        status: 404,
        reason: Some("Not Found")
      })
    );

    let slow = serve(b"HTTP/1.1 200 OK\r\n\r\n", Duration::from_secs(5)).await;
    let mut quick = FetchOptions::default();
    quick.timeout_ms(50.0).unwrap();
    let shown = display_url(&slow);
    assert_eq!(
      fetch(slow, quick).await,
      Err(Error::Timeout {
        url: shown,
        after: Duration::from_millis(50)
      })
    );

    // A port that was just free: nothing listens there.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let refused = Url::parse(&format!("http://{address}/")).unwrap();
    assert!(matches!(
      fetch(refused, FetchOptions::default()).await,
      Err(Error::Network {
        code: NetworkCode::ConnectionRefused,
        ..
      })
    ));
  });
}

/// A loopback server answering every request with `respond(its head, the server's own URL)`
/// (keeping the connection open, as HTTP/1.1 does), and that URL.
async fn serve_with(respond: fn(&str, &Url) -> Vec<u8>) -> Url {
  let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
  let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
  let base = url.clone();
  tokio::spawn(async move {
    while let Ok((mut socket, _)) = listener.accept().await {
      let base = base.clone();
      tokio::spawn(async move {
        let mut head = Vec::new();
        let mut buffer = [0u8; 4096];
        while let Ok(n @ 1..) = socket.read(&mut buffer).await {
          head.extend_from_slice(&buffer[..n]);
          if head.windows(4).any(|w| w == b"\r\n\r\n") {
            let request = String::from_utf8_lossy(&head).into_owned();
            head.clear();
            if socket.write_all(&respond(&request, &base)).await.is_err() {
              return;
            }
          }
        }
      });
    }
  });
  url
}

/// A 200 response whose body is the request head, lowercased.
fn echo_head(request: &str, _: &Url) -> Vec<u8> {
  let body = request.to_ascii_lowercase();
  format!(
    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
    body.len()
  )
  .into_bytes()
}

fn redirect_to(location: &str) -> Vec<u8> {
  format!("HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n").into_bytes()
}

fn with_credentials() -> FetchOptions {
  let mut options = FetchOptions::default();
  for (name, value) in [
    ("Authorization", "Bearer secret"),
    ("Cookie", "session=secret"),
    ("Proxy-Authorization", "Basic c2VjcmV0"),
    ("Host", "spoofed.example"),
    ("X-Kept", "yes"),
  ] {
    options.header(name, value).unwrap();
  }
  options
}

#[test]
fn redirects_keep_credentials_within_their_origin_and_never_send_a_referer() {
  runtime().block_on(async {
    static ECHO: std::sync::OnceLock<Url> = std::sync::OnceLock::new();
    let echo = serve_with(echo_head).await;
    ECHO.set(echo.clone()).unwrap();
    // Another port: another origin.
    let hop = serve_with(|request, base| match request.starts_with("GET /same ") {
      true => redirect_to("/echo"),
      false if request.starts_with("GET /echo ") => echo_head(request, base),
      false => redirect_to(ECHO.get().unwrap().as_str()),
    })
    .await;
    let seen = fetch(hop.join("/away?secret=q").unwrap(), with_credentials())
      .await
      .unwrap();
    for name in [
      "authorization:",
      "cookie:",
      "proxy-authorization:",
      "referer:",
      "spoofed",
    ] {
      assert!(
        !seen.contains(name),
        "{name} reached the other origin: {seen}"
      );
    }
    assert!(seen.contains("x-kept: yes"), "{seen}");
    let host = format!("host: {}\r\n", echo.host_str().unwrap());
    assert!(seen.contains(&host[..host.len() - 2]), "{seen}");

    let seen = fetch(hop.join("/same").unwrap(), with_credentials())
      .await
      .unwrap();
    for kept in [
      "authorization: bearer secret",
      "cookie: session=secret",
      "host: spoofed.example",
    ] {
      assert!(
        seen.contains(kept),
        "{kept} missing within the origin: {seen}"
      );
    }
    assert!(!seen.contains("referer:"), "{seen}");
  });
}

#[test]
fn a_location_with_credentials_or_that_does_not_parse_is_refused() {
  runtime().block_on(async {
    let hop = serve_with(
      |request, base| match request.starts_with("GET /credentials ") {
        true => redirect_to(&format!("http://user:pw@{}/", base.authority())),
        false => redirect_to("http://user:s3cret@[::1"),
      },
    )
    .await;
    let err = fetch(hop.join("/credentials").unwrap(), FetchOptions::default())
      .await
      .unwrap_err();
    assert!(
      matches!(&err, Error::Network { code: NetworkCode::Other, reason, .. }
        if reason.contains("credentials") && !reason.contains("pw")),
      "{err:?}"
    );
    let err = fetch(hop.join("/unparsable").unwrap(), FetchOptions::default())
      .await
      .unwrap_err();
    assert_eq!(
      err,
      Error::InvalidUrl {
        input: "http://[::1".into(),
        reason: "invalid IPv6 address".into(),
        redirected_from: Some(hop.join("/unparsable").unwrap().to_string()),
      }
    );
  });
}

#[test]
fn encoded_bodies_are_decoded_and_bounded() {
  runtime().block_on(async {
    let server = serve_with(|_, _| {
      use std::io::Write;
      let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
      gz.write_all(&vec![b'a'; 1 << 20]).unwrap();
      let body = gz.finish().unwrap();
      let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-encoding: X-GZIP\r\ncontent-length: {}\r\n\r\n",
        body.len()
      )
      .into_bytes();
      response.extend(body);
      response
    })
    .await;
    let body = fetch(server.clone(), FetchOptions::default())
      .await
      .unwrap();
    assert_eq!(body.len(), 1 << 20);
    let small = FetchOptions {
      max_bytes: 1000,
      ..FetchOptions::default()
    };
    assert!(matches!(
      fetch(server, small).await,
      Err(Error::BodyTooLarge { limit: 1000, .. })
    ));
  });
}

/// A keep-alive loopback server whose every response body is the number of the connection it
/// came on (1, 2, ...), and its URL.
async fn serve_connection_numbers() -> Url {
  let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
  let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
  tokio::spawn(async move {
    let mut accepted = 0;
    while let Ok((mut socket, _)) = listener.accept().await {
      accepted += 1;
      let number = accepted.to_string();
      tokio::spawn(async move {
        let mut buffer = [0u8; 4096];
        while let Ok(1..) = socket.read(&mut buffer).await {
          let response = format!("HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n{number}");
          if socket.write_all(response.as_bytes()).await.is_err() {
            return;
          }
        }
      });
    }
  });
  url
}

#[test]
fn a_fresh_connection_is_new_and_not_pooled() {
  runtime().block_on(async {
    let url = serve_connection_numbers().await;
    let fresh = FetchOptions {
      fresh_connection: true,
      ..FetchOptions::default()
    };
    let mut bodies = Vec::new();
    for options in [
      FetchOptions::default(),
      FetchOptions::default(),
      fresh.clone(),
    ] {
      bodies.push(fetch(url.clone(), options).await);
    }
    bodies.push(fetch(url.clone(), fresh).await);
    bodies.push(fetch(url, FetchOptions::default()).await);
    let expected = ["1", "1", "2", "3", "1"].map(|body| Ok(body.to_owned()));
    assert_eq!(bodies, expected);
  });
}

#[test]
fn the_future_of_a_request_is_small() {
  // Bindings build it in the frame of a call that may come with the JS stack nearly full (a
  // 13 KB future once made Node 24 abort there); the request's state lives in a box.
  let url = Url::parse("http://127.0.0.1/").unwrap();
  let future = fetch(url, FetchOptions::default());
  assert!(
    std::mem::size_of_val(&future) <= 1024,
    "{}",
    std::mem::size_of_val(&future)
  );
}
