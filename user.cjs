'use strict'
// `createUser` with its record built as a JS object literal.
//
// The native `createUser` checks its arguments (every rule and message is the Rust core's) and
// then builds `{ id, name, email }` through Node-API, which can only add properties to an empty
// object one at a time, through V8's generic property machinery: most of its time. This wrapper
// calls the native checks alone (`createUser.check`, which returns nothing) and builds the record
// as a literal, which V8 allocates with its final shape in one step. Every error is still the
// native one, word for word.

/** Wraps the native `createUser` so that the record is a JS object literal. */
function withRecordLiteral(nativeCreateUser) {
  const { check } = nativeCreateUser
  return function createUser(id, name, email) {
    check(id, name, email)
    // `check` accepted an integer in 0..=4294967295, which `>>> 0` keeps as it is, except that
    // -0 becomes 0, as the native record (a u32) has it.
    return { id: id >>> 0, name, email }
  }
}

module.exports = { withRecordLiteral }
