//! Every `#[napi]` function, method, constructor and getter in `src/` must say `catch_unwind`, so
//! that a Rust panic becomes a JS error instead of unwinding into Node-API, which aborts the
//! process. (`npm run test:panic` proves the mechanism on a build with panicking exports.)
//!
//! The one exception is `#[napi(module_exports)]`: napi-derive takes no `catch_unwind` there; it
//! runs once while Node loads the addon and reads no caller input.

use std::fs;
use std::path::{Path, PathBuf};

/// An `#[napi]` attribute on a function: where it is, and its text.
#[derive(Debug, PartialEq)]
struct Entry {
  file: String,
  line: usize,
  attribute: String,
}

/// The `#[napi...]` attributes in `source` that sit on a `fn` (free function or method).
fn napi_fns(file: &str, source: &str) -> Vec<Entry> {
  let bytes = source.as_bytes();
  let mut found = Vec::new();
  let mut at = 0;
  while let Some(offset) = source[at..].find("#[napi") {
    let start = at + offset;
    let end = attribute_end(bytes, start);
    let attribute = source[start..end].to_string();
    if item_keyword(source, end) == Some("fn") {
      let line = source[..start].matches('\n').count() + 1;
      found.push(Entry {
        file: file.to_string(),
        line,
        attribute,
      });
    }
    at = end;
  }
  found
}

/// The index just past the `]` that closes the attribute opened at `start`.
fn attribute_end(bytes: &[u8], start: usize) -> usize {
  let mut depth = 0usize;
  for (i, &b) in bytes.iter().enumerate().skip(start + 1) {
    match b {
      b'[' | b'(' => depth += 1,
      b')' => depth = depth.saturating_sub(1),
      b']' if depth <= 1 => return i + 1,
      b']' => depth -= 1,
      _ => {}
    }
  }
  bytes.len()
}

/// The keyword of the item that follows position `at`, past comments and other attributes.
fn item_keyword(source: &str, mut at: usize) -> Option<&'static str> {
  loop {
    let rest = source[at..].trim_start();
    at = source.len() - rest.len();
    if rest.starts_with("//") {
      at += rest.find('\n').unwrap_or(rest.len());
    } else if rest.starts_with("#[") {
      at = attribute_end(source.as_bytes(), at);
    } else {
      break;
    }
  }
  for word in source[at..].split(|c: char| !c.is_alphanumeric() && c != '_') {
    match word {
      "" | "pub" | "crate" | "async" | "unsafe" | "extern" | "const" => continue,
      "fn" => return Some("fn"),
      _ => return None,
    }
  }
  None
}

fn is_covered(entry: &Entry) -> bool {
  entry.attribute.contains("catch_unwind") || entry.attribute.contains("module_exports")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
  for entry in fs::read_dir(dir).unwrap() {
    let path = entry.unwrap().path();
    if path.is_dir() {
      rust_files(&path, out);
    } else if path.extension().is_some_and(|ext| ext == "rs") {
      out.push(path);
    }
  }
}

#[test]
fn every_napi_entry_point_catches_panics() {
  let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
  let mut files = Vec::new();
  rust_files(&src, &mut files);
  let entries: Vec<Entry> = files
    .iter()
    .flat_map(|path| {
      napi_fns(
        &path.display().to_string(),
        &fs::read_to_string(path).unwrap(),
      )
    })
    .collect();
  // greet, sum, createUser, fetchData, 8 Calculator entry points, the module hook and the
  // test-only panicking exports: if this drops, the scan has stopped seeing them.
  assert!(entries.len() >= 14, "found only {entries:#?}");
  let missing: Vec<&Entry> = entries.iter().filter(|e| !is_covered(e)).collect();
  assert!(
    missing.is_empty(),
    "#[napi] entry points without catch_unwind (a panic there aborts Node): {missing:#?}"
  );
}

#[test]
fn the_scan_sees_what_it_must() {
  let source = r#"
#[napi]
pub struct S { x: u32 }

#[napi]
impl S {
  /// Doc.
  #[napi(constructor, catch_unwind)]
  pub fn new() -> Self { S { x: 0 } }

  #[napi(getter)]
  #[allow(clippy::all)]
  pub fn x(&self) -> u32 { self.x }
}

#[napi(
  ts_args_type = "a: string",
)]
pub async fn bare(a: String) {}

#[napi(object)]
pub struct O { pub a: u32 }

#[napi(module_exports)]
pub fn hook(exports: Object) {}
"#;
  let entries = napi_fns("x.rs", source);
  let lines: Vec<(usize, bool)> = entries.iter().map(|e| (e.line, is_covered(e))).collect();
  assert_eq!(lines, [(8, true), (11, false), (16, false), (24, true)]);
}
