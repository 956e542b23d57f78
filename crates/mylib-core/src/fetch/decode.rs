//! A response body from the wire to text, as Node's `fetch` reads it: the `Content-Encoding`
//! codings undone in reverse order, each stage bounded, then the charset of `Content-Type`
//! (found by [`crate::mime::charset`]) decoded by the WHATWG Encoding standard.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use flate2::{Decompress, FlushDecompress, Status};

/// A content coding this client undoes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
  /// `gzip` or `x-gzip`: one or more gzip members, then nothing but zero bytes.
  Gzip,
  /// `deflate`: a zlib stream, or a raw deflate stream as some servers send.
  Deflate,
  /// `br`.
  Brotli,
}

impl Coding {
  fn name(self) -> &'static str {
    match self {
      Coding::Gzip => "gzip",
      Coding::Deflate => "deflate",
      Coding::Brotli => "br",
    }
  }
}

/// The codings of a response, in the order they were applied, from every `Content-Encoding`
/// value (joined with `, ` as `Headers` joins them). As in Node's `fetch`: tokens are
/// case-insensitive and trimmed, and one coding it does not know (`identity` and an empty token
/// included) leaves the whole body as it came.
pub fn codings<'a>(values: impl Iterator<Item = &'a [u8]>) -> Vec<Coding> {
  let mut codings = Vec::new();
  for value in values {
    for token in value.split(|&b| b == b',') {
      let coding = match token.trim_ascii().to_ascii_lowercase().as_slice() {
        b"gzip" | b"x-gzip" => Coding::Gzip,
        b"deflate" => Coding::Deflate,
        b"br" => Coding::Brotli,
        _ => return Vec::new(),
      };
      codings.push(coding);
    }
  }
  codings
}

/// Why a body could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
  /// A stage's output passed the limit.
  TooLarge,
  /// A coding's data is corrupt or cut short; the message says which and how.
  Corrupt(String),
}

/// Undoes `codings` (in the order they were applied) on `body`, refusing as soon as any stage
/// would produce more than `limit` bytes, so a nested bomb costs at most `limit` per stage.
pub fn undo(body: Vec<u8>, codings: &[Coding], limit: u64) -> Result<Vec<u8>, DecodeError> {
  if codings.is_empty() {
    return Ok(body);
  }
  let mut reader: Box<dyn BufRead> = Box::new(Cursor::new(body));
  for &coding in codings.iter().rev() {
    let stage: Box<dyn Read> = match coding {
      Coding::Gzip => Box::new(Gunzip::new(reader)),
      Coding::Deflate => Box::new(Inflate::new(reader)),
      Coding::Brotli => Box::new(brotli_decompressor::Decompressor::new(reader, 8192)),
    };
    reader = Box::new(BufReader::new(Stage {
      inner: stage,
      coding,
      left: limit,
    }));
  }
  let mut out = Vec::new();
  match reader.read_to_end(&mut out) {
    Ok(_) => Ok(out),
    Err(err) => match err.get_ref().and_then(|e| e.downcast_ref::<StageError>()) {
      Some(StageError::TooLarge) => Err(DecodeError::TooLarge),
      Some(StageError::Corrupt(why)) => Err(DecodeError::Corrupt(why.clone())),
      None => Err(DecodeError::Corrupt(err.to_string())),
    },
  }
}

#[derive(Debug, thiserror::Error)]
enum StageError {
  #[error("too large")]
  TooLarge,
  #[error("{0}")]
  Corrupt(String),
}

/// One decoding stage: counts its output against the limit and names its coding in errors.
struct Stage {
  inner: Box<dyn Read>,
  coding: Coding,
  left: u64,
}

impl Read for Stage {
  fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
    let n = self.inner.read(buf).map_err(|err| {
      if err.get_ref().is_some_and(|e| e.is::<StageError>()) {
        return err;
      }
      let why = format!(
        "the {} content encoding is corrupt: {err}",
        self.coding.name()
      );
      io::Error::other(StageError::Corrupt(why))
    })?;
    if n as u64 > self.left {
      return Err(io::Error::other(StageError::TooLarge));
    }
    self.left -= n as u64;
    Ok(n)
  }
}

/// Cut short: the stream stopped before its end.
fn ends_early() -> io::Error {
  io::Error::new(io::ErrorKind::UnexpectedEof, "the data ends early")
}

/// Inflates a zlib stream, or a raw deflate stream when the first byte is not a zlib header
/// (undici's rule: a zlib header's low nibble is 8). Data cut short is an error, not a quietly
/// shorter body.
struct Inflate<R> {
  inner: R,
  state: Option<Decompress>,
  done: bool,
}

impl<R: BufRead> Inflate<R> {
  fn new(inner: R) -> Self {
    Inflate {
      inner,
      state: None,
      done: false,
    }
  }
}

impl<R: BufRead> Read for Inflate<R> {
  fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
    if self.done || buf.is_empty() {
      return Ok(0);
    }
    loop {
      let input = self.inner.fill_buf()?;
      let eof = input.is_empty();
      let z = match &mut self.state {
        Some(z) => z,
        None if eof => return Err(ends_early()),
        None => self.state.insert(Decompress::new(input[0] & 0x0F == 0x08)),
      };
      let (in_before, out_before) = (z.total_in(), z.total_out());
      let flush = if eof {
        FlushDecompress::Finish
      } else {
        FlushDecompress::None
      };
      let status = z
        .decompress(input, buf, flush)
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))?;
      let consumed = (z.total_in() - in_before) as usize;
      let produced = (z.total_out() - out_before) as usize;
      self.inner.consume(consumed);
      if status == Status::StreamEnd {
        self.done = true;
        return Ok(produced);
      }
      if produced > 0 {
        return Ok(produced);
      }
      if eof {
        return Err(ends_early());
      }
    }
  }
}

/// Reads gzip members one after another to the end, as Node's zlib does; after the last one
/// only zero bytes may follow (anything else is an error there too).
struct Gunzip<R: BufRead> {
  member: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> Gunzip<R> {
  fn new(inner: R) -> Self {
    Gunzip {
      member: Some(flate2::bufread::GzDecoder::new(inner)),
    }
  }
}

impl<R: BufRead> Read for Gunzip<R> {
  fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
    loop {
      let Some(member) = &mut self.member else {
        return Ok(0);
      };
      let n = member.read(buf)?;
      if n > 0 || buf.is_empty() {
        return Ok(n);
      }
      // This member ended (its trailer checked); what follows decides.
      let Some(member) = self.member.take() else {
        return Ok(0);
      };
      let mut rest = member.into_inner();
      let next = rest.fill_buf()?;
      match next.first() {
        None => return Ok(0),
        Some(0x1f) => self.member = Some(flate2::bufread::GzDecoder::new(rest)),
        Some(0) => {
          let mut tail = Vec::new();
          rest.read_to_end(&mut tail)?;
          if tail.iter().any(|&b| b != 0) {
            return Err(trailing_data());
          }
          return Ok(0);
        }
        Some(_) => return Err(trailing_data()),
      }
    }
  }
}

fn trailing_data() -> io::Error {
  io::Error::new(
    io::ErrorKind::InvalidData,
    "data follows the end of the gzip stream",
  )
}

/// Decodes a body by its charset label (UTF-8 when absent or unknown), honouring a BOM, as the
/// WHATWG Encoding standard's "decode" does.
pub fn text(body: &[u8], charset: Option<&str>) -> String {
  let encoding = charset
    .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
    .unwrap_or(encoding_rs::UTF_8);
  let (text, _, _) = encoding.decode(body);
  text.into_owned()
}

#[cfg(test)]
mod tests {
  use std::io::Write;

  use super::*;

  fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
  }

  fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
  }

  fn raw_deflate(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
  }

  fn list(value: &str) -> Vec<Coding> {
    codings(std::iter::once(value.as_bytes()))
  }

  #[test]
  fn codings_are_read_as_node_reads_them() {
    use Coding::*;
    assert_eq!(list("gzip"), [Gzip]);
    assert_eq!(list(" X-GZIP "), [Gzip]);
    assert_eq!(list("gzip, br"), [Gzip, Brotli]);
    assert_eq!(list("Deflate,GZIP"), [Deflate, Gzip]);
    let repeated = [b"gzip".as_slice(), b"gzip".as_slice()];
    assert_eq!(codings(repeated.into_iter()), [Gzip, Gzip]);
    // One unknown coding, an empty token or identity: the body stays as it came.
    assert_eq!(list("gzip, foo"), []);
    assert_eq!(list("gzip,"), []);
    assert_eq!(list("identity"), []);
  }

  #[test]
  fn layers_are_undone_in_reverse_order() {
    let twice = gzip(&gzip(b"gg"));
    assert_eq!(undo(twice, &list("gzip, gzip"), 100).unwrap(), b"gg");
    let mut br = Vec::new();
    brotli_compress(b"brotli then gzip", &mut br);
    let layered = gzip(&br);
    assert_eq!(
      undo(layered, &list("br, gzip"), 100).unwrap(),
      b"brotli then gzip"
    );
  }

  fn brotli_compress(data: &[u8], out: &mut Vec<u8>) {
    // brotli-decompressor cannot compress: a stored (uncompressed) meta-block is valid brotli.
    // WBITS=10 header, one uncompressed meta-block, then the last empty meta-block.
    assert!(data.len() <= 65536 && !data.is_empty());
    let mut bits = BitWriter::default();
    bits.put(0, 1); // WBITS 16 (single 0 bit)
    bits.put(0, 1); // ISLAST = 0
    bits.put(0, 2); // MNIBBLES = 4
    bits.put((data.len() - 1) as u64, 16); // MLEN - 1
    bits.put(1, 1); // ISUNCOMPRESSED
    bits.align();
    out.extend(bits.bytes);
    out.extend_from_slice(data);
    out.push(0b11); // ISLAST = 1, ISLASTEMPTY = 1
  }

  #[derive(Default)]
  struct BitWriter {
    bytes: Vec<u8>,
    used: u32,
  }

  impl BitWriter {
    fn put(&mut self, value: u64, count: u32) {
      for i in 0..count {
        if self.used.is_multiple_of(8) {
          self.bytes.push(0);
        }
        let bit = ((value >> i) & 1) as u8;
        if let Some(last) = self.bytes.last_mut() {
          *last |= bit << (self.used % 8);
        }
        self.used += 1;
      }
    }

    fn align(&mut self) {
      self.used = self.used.next_multiple_of(8);
    }
  }

  #[test]
  fn deflate_is_zlib_or_raw() {
    let deflate = [Coding::Deflate];
    assert_eq!(undo(zlib(b"zl"), &deflate, 100).unwrap(), b"zl");
    assert_eq!(undo(raw_deflate(b"raw"), &deflate, 100).unwrap(), b"raw");
  }

  #[test]
  fn gzip_members_are_read_to_the_end_and_zero_padding_is_allowed() {
    let gz = [Coding::Gzip];
    let two = [gzip(b"a"), gzip(b"b")].concat();
    assert_eq!(undo(two, &gz, 100).unwrap(), b"ab");
    let padded = [gzip(b"a"), vec![0; 10]].concat();
    assert_eq!(undo(padded, &gz, 100).unwrap(), b"a");
  }

  #[test]
  fn data_after_a_gzip_stream_is_an_error() {
    let gz = [Coding::Gzip];
    for tail in [b"junk".as_slice(), b"\0\0junk"] {
      let body = [gzip(b"a"), tail.to_vec()].concat();
      let err = undo(body, &gz, 100).unwrap_err();
      assert!(
        matches!(&err, DecodeError::Corrupt(why) if why.contains("gzip")),
        "{err:?}"
      );
    }
  }

  #[test]
  fn data_cut_short_is_an_error_not_a_shorter_body() {
    let text = b"a body long enough to be cut somewhere in its middle";
    for (coding, full) in [
      (Coding::Gzip, gzip(text)),
      (Coding::Deflate, zlib(text)),
      (Coding::Deflate, raw_deflate(text)),
    ] {
      let cut = full[..full.len() - 6].to_vec();
      let err = undo(cut, &[coding], 1000).unwrap_err();
      assert!(
        matches!(err, DecodeError::Corrupt(_)),
        "{coding:?}: {err:?}"
      );
    }
    assert!(undo(b"not gzip".to_vec(), &[Coding::Gzip], 100).is_err());
    assert!(undo(Vec::new(), &[Coding::Deflate], 100).is_err());
  }

  #[test]
  fn every_stage_is_bounded() {
    let zeros = vec![0u8; 1 << 20];
    let bomb = gzip(&gzip(&zeros));
    assert!(bomb.len() < 4096, "{}", bomb.len());
    assert_eq!(
      undo(bomb.clone(), &list("gzip, gzip"), 1 << 19),
      Err(DecodeError::TooLarge)
    );
    assert_eq!(
      undo(bomb, &list("gzip, gzip"), 1 << 20).unwrap().len(),
      1 << 20
    );
    // The middle stage (the inner gzip) is bounded too, not only the output.
    let inner = gzip(&zeros);
    let outer = gzip(&inner);
    let limit = (inner.len() - 1) as u64;
    assert_eq!(
      undo(outer, &list("gzip, gzip"), limit),
      Err(DecodeError::TooLarge)
    );
  }

  #[test]
  fn text_is_decoded_by_its_charset_with_utf8_by_default() {
    assert_eq!(text(b"caf\xe9", Some("latin1")), "café");
    assert_eq!(text("café".as_bytes(), None), "café");
    assert_eq!(text("café".as_bytes(), Some("no-such-charset")), "café");
    assert_eq!(text(b"\xef\xbb\xbfbom", Some("latin1")), "bom");
  }
}
