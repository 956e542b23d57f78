//! `mylib_fetch_data`: a blocking HTTP GET on mylib's shared runtime.

use std::ffi::c_char;
use std::mem::{offset_of, size_of};

use mylib_core::fetch::{parse_url, FetchOptions, DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT};
use mylib_core::{Func, Param};

use crate::boundary::{c_string, guard, non_null_mut, text};
use crate::error::{mylib_status, Failure};
use crate::runtime;

/// One request header.
#[repr(C)]
pub struct mylib_header {
  /// A valid HTTP field name.
  pub name: *const c_char,
  /// Its value: Latin-1 text (as UTF-8) without NUL, CR or LF.
  pub value: *const c_char,
}

/// The options of `mylib_fetch_data`. Fill one with `MYLIB_FETCH_OPTIONS_INIT(&options)`, then
/// change what you need: fields may be added at the end in later versions, and `size` tells the
/// library which ones your code knows.
#[repr(C)]
pub struct mylib_fetch_options {
  /// `sizeof` this struct as your header declares it (set by `MYLIB_FETCH_OPTIONS_INIT`).
  pub size: usize,
  /// A bound on the whole request, body included, in milliseconds: 1 to 4294967295. When it
  /// passes, the call fails with `MYLIB_ETIMEDOUT`. Default 30000.
  pub timeout_ms: u32,
  /// A limit on the decoded body, in bytes: a longer one fails with `MYLIB_ERR_BODY_TOO_LARGE`
  /// as soon as it is seen. Default 33554432 (32 MiB).
  pub max_bytes: u64,
  /// `headers_len` request headers (NULL when 0), read as Node's `fetch` reads them: values
  /// trimmed, names that differ only in case combined with `, `, `content-length` and
  /// `connection: keep-alive` left off, `transfer-encoding`, `keep-alive`, `upgrade` and
  /// `expect` refused (`MYLIB_ERR_INVALID_ARG_VALUE`). `User-Agent: mylib/<version>` is sent
  /// unless you set one. `Authorization`, `Cookie`, `Proxy-Authorization` and `Host` do not
  /// follow a redirect to another origin.
  pub headers: *const mylib_header,
  pub headers_len: usize,
  /// `ca_len` PEM texts of extra certificates to trust, besides Mozilla's roots and the file
  /// named by `NODE_EXTRA_CA_CERTS` (NULL when 0).
  pub ca: *const *const c_char,
  pub ca_len: usize,
}

const DEFAULTS: mylib_fetch_options = mylib_fetch_options {
  size: size_of::<mylib_fetch_options>(),
  timeout_ms: DEFAULT_TIMEOUT.as_millis() as u32,
  max_bytes: DEFAULT_MAX_BYTES,
  headers: std::ptr::null(),
  headers_len: 0,
  ca: std::ptr::null(),
  ca_len: 0,
};

/// Fills the first `size` bytes of `*options` with the defaults and sets `options->size` to
/// `size`. Call it through `MYLIB_FETCH_OPTIONS_INIT(&options)`, which passes your header's
/// `sizeof`. A `size` too small to hold the `size` field is `MYLIB_ERR_OUT_OF_RANGE`.
///
/// # Safety
/// `options` is NULL or points to `size` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn mylib_fetch_options_init(
  options: *mut mylib_fetch_options,
  size: usize,
) -> mylib_status {
  guard("mylib_fetch_options_init", || {
    if options.is_null() {
      return Err(Failure::Null("options"));
    }
    if size < size_of::<usize>() {
      return Err(Failure::Other(
        mylib_status::MYLIB_ERR_OUT_OF_RANGE,
        format!(
          "The value of \"size\" is out of range. It must be >= {}. Received {size}",
          size_of::<usize>()
        ),
      ));
    }
    let defaults = mylib_fetch_options { size, ..DEFAULTS };
    // SAFETY: the caller's promise: `size` writable bytes at `options`; no more than the
    // struct's own size is copied from the defaults.
    unsafe {
      std::ptr::copy_nonoverlapping(
        std::ptr::from_ref(&defaults).cast::<u8>(),
        options.cast::<u8>(),
        size.min(size_of::<mylib_fetch_options>()),
      );
    }
    Ok(())
  })
}

/// Whether a field ending at byte `end` lies within the caller's `size`.
fn known(size: usize, offset: usize, field_size: usize) -> bool {
  offset + field_size <= size
}

/// The caller's options read into the core's, each checked: unknown trailing fields (an older
/// caller) keep their defaults.
///
/// # Safety
/// `options` points to at least `options->size` readable bytes, with valid pointers in them.
unsafe fn read_options(options: &mylib_fetch_options) -> Result<FetchOptions, Failure> {
  let size = options.size;
  let has = |offset, field_size| known(size, offset, field_size);
  let mut read = FetchOptions::default();
  if has(
    offset_of!(mylib_fetch_options, timeout_ms),
    size_of::<u32>(),
  ) {
    read.timeout_ms(f64::from(options.timeout_ms))?;
  }
  if has(offset_of!(mylib_fetch_options, max_bytes), size_of::<u64>()) {
    read.max_bytes = options.max_bytes;
  }
  if has(
    offset_of!(mylib_fetch_options, headers_len),
    size_of::<usize>(),
  ) {
    // SAFETY: the caller's promise.
    for header in unsafe { array("options->headers", options.headers, options.headers_len)? } {
      // SAFETY: the caller's promise: each header holds NUL-terminated strings.
      let (name, value) = unsafe {
        (
          text(
            Func::FetchData,
            Param::Headers,
            "options->headers[].name",
            header.name,
          )?,
          text(
            Func::FetchData,
            Param::Headers,
            "options->headers[].value",
            header.value,
          )?,
        )
      };
      read.header(name, value)?;
    }
  }
  if has(offset_of!(mylib_fetch_options, ca_len), size_of::<usize>()) {
    // SAFETY: the caller's promise.
    let pems = unsafe { array("options->ca", options.ca, options.ca_len)? };
    for (index, &pem) in pems.iter().enumerate() {
      // SAFETY: the caller's promise: each entry is a NUL-terminated string.
      let pem = unsafe { text(Func::FetchData, Param::Ca, "options->ca[]", pem)? };
      read.ca(Some(index as u64), pem.to_owned())?;
    }
  }
  Ok(read)
}

/// `len` items at `ptr` (which may be NULL only when `len` is 0).
///
/// # Safety
/// A non-NULL `ptr` points to `len` readable, aligned `T`.
unsafe fn array<'a, T>(arg: &'static str, ptr: *const T, len: usize) -> Result<&'a [T], Failure> {
  if len == 0 {
    return Ok(&[]);
  }
  if ptr.is_null() {
    return Err(Failure::Null(arg));
  }
  // SAFETY: the caller's promise.
  Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The body of a GET of `url`, as text.
///
/// # Safety
/// As `mylib_fetch_data`.
unsafe fn get(url: *const c_char, options: *const mylib_fetch_options) -> Result<String, Failure> {
  // SAFETY: the caller's promises.
  let url = unsafe { text(Func::FetchData, Param::Url, "url", url)? };
  let url = parse_url(url)?;
  // SAFETY: the caller's promise.
  let options = match unsafe { options.as_ref() } {
    // SAFETY: the caller's promise.
    Some(options) => unsafe { read_options(options)? },
    None => FetchOptions::default(),
  };
  Ok(runtime::runtime()?.block_on(runtime::fetch(url, options))?)
}

/// Fetches `url` with an HTTP/1.1 GET and writes the response body, as NUL-terminated UTF-8
/// text, to `*out_body` (yours to free with `mylib_string_free`).
///
/// The body is decoded as Node's `fetch` decodes it: gzip, brotli or deflate, then the
/// `Content-Type` charset (UTF-8 by default). Redirects are followed as Node's `fetch` follows
/// them (up to 20, http and https only, never a `Referer`); TLS certificates are verified
/// against Mozilla's roots, `NODE_EXTRA_CA_CERTS` and `options->ca` (a trusted self-signed
/// certificate included). `options` may be NULL for the defaults.
///
/// Failures: `MYLIB_ERR_INVALID_URL`, `MYLIB_ERR_INVALID_URL_SCHEME`, `MYLIB_ERR_HTTP_STATUS`
/// (a status outside 200..=299), `MYLIB_ETIMEDOUT`, `MYLIB_ERR_BODY_TOO_LARGE`,
/// `MYLIB_ERR_TOO_MANY_REDIRECTS`, `MYLIB_ERR_TLS_CERT`, `MYLIB_ECONNREFUSED`,
/// `MYLIB_ENOTFOUND`, `MYLIB_ECONNRESET`, `MYLIB_ERR_NETWORK`; an invalid option is
/// `MYLIB_ERR_INVALID_ARG_VALUE` or `MYLIB_ERR_OUT_OF_RANGE`. A body holding a NUL byte is
/// `MYLIB_ERR_INVALID_ARG_VALUE` (a C string cannot hold it): use `mylib_fetch_data_len`.
///
/// Blocks the calling thread until the request ends; any number of threads may call it at once.
/// The calling threads themselves run the requests: mylib starts no thread to drive them (host
/// names are resolved on a helper thread, which ends after 10 s idle). Keep-alive connections are
/// pooled between calls, unwatched: one the server closed meanwhile is dropped when the next
/// call starts, and a request whose connection dies under it (`ECONNRESET`) is sent once more on
/// a new connection, within the same `timeout_ms` (a GET has no second effect). Do not call it from a thread of a
/// tokio runtime of your own: that is `MYLIB_PANIC`.
///
/// # Safety
/// `url` is NULL or a NUL-terminated string; `options` is NULL or from
/// `MYLIB_FETCH_OPTIONS_INIT`, with its pointers valid for their lengths; `out_body` is NULL or
/// points to a writable `char *`.
#[no_mangle]
pub unsafe extern "C" fn mylib_fetch_data(
  url: *const c_char,
  options: *const mylib_fetch_options,
  out_body: *mut *mut c_char,
) -> mylib_status {
  guard("mylib_fetch_data", || {
    // SAFETY: the caller's promises.
    let out = unsafe { non_null_mut("out_body", out_body)? };
    // SAFETY: the caller's promises.
    let body = unsafe { get(url, options)? };
    *out = c_string("the response body", body)?;
    Ok(())
  })
}

/// `mylib_fetch_data`, for bodies that may hold NUL bytes: writes the body to `*out_body` and
/// its length in bytes to `*out_len`. The body is followed by a NUL byte, not counted in
/// `*out_len`, for convenience. Free it with `mylib_bytes_free(body, len)`, not
/// `mylib_string_free`.
///
/// # Safety
/// As `mylib_fetch_data`; `out_len` is NULL or points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn mylib_fetch_data_len(
  url: *const c_char,
  options: *const mylib_fetch_options,
  out_body: *mut *mut c_char,
  out_len: *mut usize,
) -> mylib_status {
  guard("mylib_fetch_data_len", || {
    // SAFETY: the caller's promises.
    let (out, out_len) = unsafe {
      (
        non_null_mut("out_body", out_body)?,
        non_null_mut("out_len", out_len)?,
      )
    };
    // SAFETY: the caller's promises.
    let body = unsafe { get(url, options)? };
    let len = body.len();
    let mut bytes = body.into_bytes();
    bytes.push(0);
    *out = Box::into_raw(bytes.into_boxed_slice()).cast::<c_char>();
    *out_len = len;
    Ok(())
  })
}

/// Frees a body from `mylib_fetch_data_len`, given the length it wrote. NULL is a no-op.
///
/// # Safety
/// `data` is NULL or a body from `mylib_fetch_data_len` not freed yet, and `len` the length
/// written with it.
#[no_mangle]
pub unsafe extern "C" fn mylib_bytes_free(data: *mut c_char, len: usize) {
  if !data.is_null() {
    // SAFETY: the caller's promise: a boxed slice of `len + 1` bytes, freed once.
    drop(unsafe {
      Box::from_raw(std::ptr::slice_from_raw_parts_mut(
        data.cast::<u8>(),
        len + 1,
      ))
    });
  }
}
