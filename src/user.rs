//! `createUser`: a validated user record as a plain JS object.

use std::ffi::c_void;
use std::ptr;

use napi::bindgen_prelude::{Object, Utf16String};
use napi::{check_status, sys, Env, JsValue, Unknown};

use crate::arg;
use crate::callback::{self, Body, Property};
use crate::error::{self, fmt_string, Error, IntoNapi, Result};

const FUNC: &str = "createUser";

/// A user record: a plain object with own enumerable properties, safe to `JSON.stringify`.
#[napi(object, object_from_js = false)]
#[derive(Debug)]
pub struct User {
  /// An integer in 0..=4294967295.
  pub id: u32,
  /// The name exactly as given (never blank).
  pub name: Utf16String,
  /// A valid e-mail address by the WHATWG HTML definition.
  pub email: String,
}

/// Checks that an id is an integer in 0..=4294967295.
pub fn check_id(id: f64) -> Result<u32> {
  let n = arg::integer_in(FUNC, "id", id, 0, u32::MAX.into())?;
  // Within the u32 bounds just checked.
  Ok(n as u32)
}

/// Whether a UTF-16 string is empty after JS `String.prototype.trim` (ECMAScript WhiteSpace
/// and LineTerminator; not Rust's `char::is_whitespace`, which differs on U+0085 and U+FEFF).
pub fn is_blank(s: &[u16]) -> bool {
  s.iter().all(|&unit| is_js_whitespace(unit))
}

fn is_js_whitespace(unit: u16) -> bool {
  matches!(
    unit,
    0x0009..=0x000D
      | 0x0020
      | 0x00A0
      | 0x1680
      | 0x2000..=0x200A
      | 0x2028
      | 0x2029
      | 0x202F
      | 0x205F
      | 0x3000
      | 0xFEFF
  )
}

/// Whether `s` is a "valid e-mail address" as the WHATWG HTML standard defines it (the rule of
/// `<input type=email>`): `local@label(.label)*`, where the local part is one or more of
/// ``A-Za-z0-9.!#$%&'*+/=?^_`{|}~-`` and each label is 1 to 63 of `A-Za-z0-9-`, not starting or
/// ending with `-`.
pub fn is_valid_email(s: &[u16]) -> bool {
  let Some(at) = s.iter().position(|&u| u == u16::from(b'@')) else {
    return false;
  };
  let (local, domain) = (&s[..at], &s[at + 1..]);
  !local.is_empty()
    && local.iter().all(|&u| is_local_char(u))
    && domain.split(|&u| u == u16::from(b'.')).all(is_label)
}

fn is_local_char(unit: u16) -> bool {
  u8::try_from(unit)
    .is_ok_and(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b))
}

fn is_label(label: &[u16]) -> bool {
  let alnum = |u: u16| u8::try_from(u).is_ok_and(|b| b.is_ascii_alphanumeric());
  match (label.first(), label.last()) {
    (Some(&first), Some(&last)) => {
      label.len() <= 63
        && alnum(first)
        && alnum(last)
        && label.iter().all(|&u| alnum(u) || u == u16::from(b'-'))
    }
    _ => false,
  }
}

/// Validates the three fields of a record; returns the id.
pub fn check_user(id: f64, name: &[u16], email: &[u16]) -> Result<u32> {
  let id = check_id(id)?;
  if is_blank(name) {
    return Err(Error::arg_value(
      FUNC,
      "name",
      "must not be empty or only whitespace",
      &fmt_string(&String::from_utf16_lossy(name)),
    ));
  }
  if !is_valid_email(email) {
    return Err(Error::arg_value(
      FUNC,
      "email",
      "must be a valid e-mail address",
      &fmt_string(&String::from_utf16_lossy(email)),
    ));
  }
  Ok(id)
}

/// Creates a user record `{ id, name, email }`.
///
/// @param id - an integer in 0..=4294967295.
/// @param name - any string that is not empty after trimming; kept exactly as given.
/// @param email - a valid e-mail address by the WHATWG HTML definition (`<input type=email>`).
/// @throws {TypeError} `ERR_INVALID_ARG_TYPE` when `id` is not a number or `name`/`email` is
/// not a string.
/// @throws {RangeError} `ERR_OUT_OF_RANGE` when `id` is not an integer in 0..=4294967295.
/// @throws {TypeError} `ERR_INVALID_ARG_VALUE` when `name` is blank or `email` is not valid.
#[napi(
  catch_unwind,
  ts_args_type = "id: number, name: string, email: string",
  ts_return_type = "User"
)]
pub fn create_user<'env>(
  env: &'env Env,
  id: Unknown<'env>,
  name: Unknown<'env>,
  email: Unknown<'env>,
) -> napi::Result<Unknown<'env>> {
  let id = read_user(env, &id, &name, &email).into_napi(env)?;
  // The strings go into the record as they came: checked, never copied.
  record(env, id, name.value().value, email.value().value)
}

/// [`create_user`] as JS calls it, without napi-rs's per-call glue (see `callback`).
const CREATE_USER: Body<3> =
  |env, _this, [id, name, email]| Ok(create_user(env, id, name, email)?.value().value);

/// `{ id, name, email }` as a JS object literal builds it: V8 allocates the object with its final
/// shape in one step. Node-API can only add properties to an empty object one at a time, through
/// V8's generic property machinery, which cost ten times more than all of `createUser`'s checks.
const RECORD_SOURCE: &str = "(function record(id, name, email) { return { id, name, email } })";

/// The environment's instance data (napi-rs leaves that slot to the addon, and nothing else in
/// this addon sets it): [`RECORD_SOURCE`], compiled by the first `createUser` call of the
/// environment, so that environments that never call it never compile it.
enum Record {
  NotCompiled,
  /// A reference to the compiled function.
  Compiled(sys::napi_ref),
  /// The engine would not compile it: records are built by [`record_by_properties`].
  Refused,
}

unsafe extern "C" fn delete_record(env: sys::napi_env, data: *mut c_void, _: *mut c_void) {
  // SAFETY: `data` is the `Box<Record>` that `export` leaked; this runs once, as the
  // environment is torn down.
  let record = unsafe { Box::from_raw(data.cast::<Record>()) };
  if let Record::Compiled(reference) = *record {
    // SAFETY: a reference of this environment, deleted once.
    unsafe { sys::napi_delete_reference(env, reference) };
  }
}

/// Compiles [`RECORD_SOURCE`]; `None` (with no exception left pending) if the engine refuses.
fn compile_record(env: &Env) -> Option<sys::napi_ref> {
  let raw = env.raw();
  let mut source = ptr::null_mut();
  let mut function = ptr::null_mut();
  let mut reference = ptr::null_mut();
  // SAFETY: plain Node-API calls; the source is a constant expression with no side effects.
  let compiled = unsafe {
    sys::napi_create_string_utf8(
      raw,
      RECORD_SOURCE.as_ptr().cast(),
      RECORD_SOURCE.len() as isize,
      &mut source,
    ) == sys::Status::napi_ok
      && sys::napi_run_script(raw, source, &mut function) == sys::Status::napi_ok
      && sys::napi_create_reference(raw, function, 1, &mut reference) == sys::Status::napi_ok
  };
  if compiled {
    return Some(reference);
  }
  let _ = error::pending_exception(env);
  None
}

/// Replaces the `createUser` napi-rs exported with [`CREATE_USER`], and sets the environment's
/// [`Record`].
pub fn export(env: &Env, exports: &Object) -> napi::Result<()> {
  let record = Box::new(Record::NotCompiled);
  // SAFETY: the box is freed by `delete_record`, once, when the environment is torn down.
  check_status!(unsafe {
    sys::napi_set_instance_data(
      env.raw(),
      Box::into_raw(record).cast(),
      Some(delete_record),
      ptr::null_mut(),
    )
  })?;
  callback::define(
    env,
    exports,
    &[Property::function(c"createUser", &CREATE_USER)],
  )
}

fn read_user(env: &Env, id: &Unknown, name: &Unknown, email: &Unknown) -> Result<u32> {
  let id = arg::expect_number(FUNC, "id", id)?;
  arg::with_utf16(env, FUNC, "name", name, |name| {
    arg::with_utf16(env, FUNC, "email", email, |email| {
      check_user(id, name, email)
    })?
  })?
}

/// The plain object `{ id, name, email }`, from the environment's [`Record`] function.
fn record(
  env: &Env,
  id: u32,
  name: sys::napi_value,
  email: sys::napi_value,
) -> napi::Result<Unknown<'_>> {
  let raw = env.raw();
  let mut data = ptr::null_mut();
  let mut id_value = ptr::null_mut();
  // SAFETY: plain Node-API calls on live values of this environment. The instance data is the
  // `Record` that `export` set (JS can call `createUser` only once `export` has run), and only
  // this thread, in this call, uses it: compiling runs no JS but a constant function expression.
  unsafe {
    check_status!(sys::napi_get_instance_data(raw, &mut data))?;
    check_status!(sys::napi_create_uint32(raw, id, &mut id_value))?;
    let Some(record) = data.cast::<Record>().as_mut() else {
      return record_by_properties(env, id_value, name, email);
    };
    if let Record::NotCompiled = record {
      *record = compile_record(env).map_or(Record::Refused, Record::Compiled);
    }
    let Record::Compiled(reference) = *record else {
      return record_by_properties(env, id_value, name, email);
    };
    let mut function = ptr::null_mut();
    let mut receiver = ptr::null_mut();
    let mut object = ptr::null_mut();
    check_status!(sys::napi_get_reference_value(raw, reference, &mut function))?;
    check_status!(sys::napi_get_undefined(raw, &mut receiver))?;
    let args = [id_value, name, email];
    check_status!(sys::napi_call_function(
      raw,
      receiver,
      function,
      args.len(),
      args.as_ptr(),
      &mut object
    ))?;
    Ok(Unknown::from_raw_unchecked(raw, object))
  }
}

/// The same record built with Node-API alone, a property at a time: where the engine will not
/// compile [`RECORD_SOURCE`].
pub fn record_by_properties(
  env: &Env,
  id: sys::napi_value,
  name: sys::napi_value,
  email: sys::napi_value,
) -> napi::Result<Unknown<'_>> {
  let raw = env.raw();
  let mut object = ptr::null_mut();
  let properties = [
    callback::data_property(c"id", id),
    callback::data_property(c"name", name),
    callback::data_property(c"email", email),
  ];
  // SAFETY: plain Node-API calls on live values of this environment; the names are C strings.
  unsafe {
    check_status!(sys::napi_create_object(raw, &mut object))?;
    check_status!(sys::napi_define_properties(
      raw,
      object,
      properties.len(),
      properties.as_ptr()
    ))?;
    Ok(Unknown::from_raw_unchecked(raw, object))
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
  }

  #[test]
  fn ids_are_u32_integers() {
    assert_eq!(check_id(0.0).unwrap(), 0);
    assert_eq!(check_id(-0.0).unwrap(), 0);
    assert_eq!(check_id(4294967295.0).unwrap(), u32::MAX);
    for bad in [-1.0, 4294967296.0, 1.5, f64::NAN, f64::INFINITY] {
      assert!(matches!(check_id(bad), Err(Error::OutOfRange(_))), "{bad}");
    }
  }

  #[test]
  fn blank_follows_js_trim() {
    assert!(is_blank(&utf16("")));
    assert!(is_blank(&utf16(
      " \t\n\r\u{b}\u{c}\u{a0}\u{feff}\u{2028}\u{3000}"
    )));
    assert!(!is_blank(&utf16("\u{85}")), "U+0085 is not JS whitespace");
    assert!(!is_blank(&utf16(" a ")));
    assert!(!is_blank(&[0xD800]));
  }

  #[test]
  fn emails_follow_whatwg() {
    for ok in [
      "a@b",
      "first.last@example.com",
      "x+tag@sub-domain.example.co",
      "!#$%&'*+/=?^_`{|}~-.@x",
      ".a..b.@x",
      &format!("a@{}", "b".repeat(63)),
    ] {
      assert!(is_valid_email(&utf16(ok)), "{ok}");
    }
    for bad in [
      "",
      "@b",
      "a@",
      "a",
      "a@b@c",
      "a@-b",
      "a@b-",
      "a@b..c",
      "a@.b",
      "a@b.",
      "a b@c",
      "é@x",
      "a@é",
      "a@b_c",
      "\"quoted\"@x",
      &format!("a@{}", "b".repeat(64)),
    ] {
      assert!(!is_valid_email(&utf16(bad)), "{bad}");
    }
    assert!(!is_valid_email(&[0xD800, u16::from(b'@'), u16::from(b'x')]));
  }

  #[test]
  fn checks_or_names_the_bad_field() {
    assert_eq!(
      check_user(7.0, &utf16(" Ada "), &utf16("ada@example.com")).unwrap(),
      7
    );
    let err = check_user(7.0, &utf16("  "), &utf16("a@b")).unwrap_err();
    assert!(
      matches!(&err, Error::InvalidArgValue(m) if m.contains("'name'")),
      "{err}"
    );
    let err = check_user(7.0, &utf16("A"), &utf16("nope")).unwrap_err();
    assert!(
      matches!(&err, Error::InvalidArgValue(m) if m.contains("'email'")),
      "{err}"
    );
  }
}
