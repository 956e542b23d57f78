// The public API of mylib-wasm over the wasm-bindgen glue: every export but Calculator is the
// wasm function itself; Calculator is built here over its state functions (see
// src/calculator.rs for why it is not a wasm-bindgen class). Nothing here touches the wasm
// instance while the module evaluates: the entry instantiates it first (node.mjs, browser.mjs).
import {
  calculatorAdd,
  calculatorDivide,
  calculatorMultiply,
  calculatorNew,
  calculatorReset,
  calculatorSubtract,
  calculatorValue,
  createUser,
  fetchData,
  greet,
  sum,
} from './mylib_wasm.js'

/**
 * A calculator holding one finite double (see index.d.ts). A function rather than a `class`, so
 * that a call without `new` is mylib's `ERR_CONSTRUCT_CALL_REQUIRED` and not the engine's own
 * `TypeError`; it is subclassed with `extends` all the same.
 */
function Calculator(initial) {
  // A constructor: `this` is the object `new` made; without `new` there is none.
  // oxlint-disable-next-line no-this-in-exported-function
  const object = new.target === undefined ? undefined : this
  calculatorNew(object, initial)
}

// Methods and the getter as a `class` body defines them: non-enumerable, writable methods.
Object.defineProperties(Calculator.prototype, {
  value: {
    get: function value() {
      return calculatorValue(this)
    },
    configurable: true,
  },
  add: method(function add(n) {
    return calculatorAdd(this, n)
  }),
  subtract: method(function subtract(n) {
    return calculatorSubtract(this, n)
  }),
  multiply: method(function multiply(n) {
    return calculatorMultiply(this, n)
  }),
  divide: method(function divide(n) {
    return calculatorDivide(this, n)
  }),
  reset: method(function reset(value) {
    return calculatorReset(this, value)
  }),
})
Object.defineProperty(Calculator, 'prototype', { writable: false })

function method(fn) {
  return { value: fn, writable: true, configurable: true }
}

export { Calculator, createUser, fetchData, greet, sum }

export default { Calculator, createUser, fetchData, greet, sum }
