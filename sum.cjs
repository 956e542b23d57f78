'use strict'
// `sum` over a JS array, without Node-API's per-element cost.
//
// Node-API can only read a JS array one element at a time, at about 90 ns an element: 70 times
// what a JS loop takes. So for an Array, this wrapper reads it in JS, in one pass that checks each
// element is an int32 (what the native contract accepts, `(value | 0) === value`):
//
// - Up to 2^22 elements it adds them up as it goes. Every partial sum of at most 2^22 int32s lies
//   within ±2^53, where a double holds every integer exactly, so the total is exact.
// - Longer arrays (up to 2^26 elements) are copied into an Int32Array, which the native `sum`
//   reads in place and adds up in 64-bit integers.
//
// Anything else (an Int32Array, a wrong type, a Proxy, a longer array) goes to the native `sum`
// unchanged; the first element the check refuses goes to the native `sum.elementError`, so every
// error is still the native one, word for word.
//
// The built-ins used here are captured when the module loads, as Node's own library does: code
// that later replaces `Int32Array`, `Math.min` or a typed-array method cannot change a sum.

const { isProxy } = require('node:util').types

const { isArray } = Array
const { min, max } = Math
const { apply } = Reflect
const ArrayBufferCtor = ArrayBuffer
const Int32ArrayCtor = Int32Array
const { set: typedArraySet, fill: typedArrayFill } = Object.getPrototypeOf(Int32Array.prototype)

/** Arrays up to this long are added up in doubles, exactly (2^22 × 2^31 = 2^53). */
const EXACT_IN_DOUBLES = 2 ** 22
/** Longer arrays go to the native reader whole: their copy would take over 256 MiB. */
const MAX_COPY = 2 ** 26
/** Elements copied before the copy first grows (16 KiB). */
const FIRST_CHUNK = 4096
const INT32_MIN = -(2 ** 31)

/** A copy: the buffer the native `sum` reads, and an Int32Array over all of it. */
function newCopy(length) {
  const buffer = new ArrayBufferCtor(length * 4)
  return { buffer, elements: new Int32ArrayCtor(buffer) }
}

/** A larger copy of `copy`, four times as long at most, and never longer than `length`. */
function grown(copy, length) {
  const bigger = newCopy(min(length, max(FIRST_CHUNK, copy.elements.length * 4)))
  apply(typedArraySet, bigger.elements, [copy.elements])
  return bigger
}

/** Wraps the native `sum` so that an Array is read in one JS pass. */
function withArrayFastPath(nativeSum) {
  const { elementError: nativeElementError } = nativeSum
  /**
   * Throws the error the native reader gives for `value` at `index`, without reading `numbers`
   * again (its getters, if it has any, ran once already). Like the native reader, it asks whether
   * the index is a hole only when the element read as `undefined`.
   */
  function elementError(numbers, index, value) {
    nativeElementError(index, value, value === undefined && !(index in numbers))
    // Not reached: `value` failed the check. Should it not have, the native reader decides.
    return nativeSum(numbers)
  }

  /** The sum of an array of up to EXACT_IN_DOUBLES elements, added up in doubles. */
  function added(numbers, length) {
    let total = 0
    for (let index = 0; index < length; index++) {
      const value = numbers[index]
      if (typeof value !== 'number' || (value | 0) !== value) {
        return elementError(numbers, index, value)
      }
      total += value
    }
    // |total| <= 2^53, and only 2^22 elements that are all INT32_MIN reach -2^53, the one total
    // beyond Number.MAX_SAFE_INTEGER: the native `sum` refuses those same elements with its error.
    if (total < -Number.MAX_SAFE_INTEGER) {
      return nativeSum(apply(typedArrayFill, new Int32ArrayCtor(length), [INT32_MIN]))
    }
    return total
  }

  /** The sum of a longer array, copied into an Int32Array for the native reader. */
  function copied(numbers, length) {
    // The copy grows as the elements check out, so a sparse array with a huge `length` fails at
    // its first hole without first allocating four bytes per index.
    let copy = newCopy(FIRST_CHUNK)
    let index = 0
    while (index < length) {
      if (index === copy.elements.length) copy = grown(copy, length)
      const elements = copy.elements
      const end = min(length, elements.length)
      for (; index < end; index++) {
        const value = numbers[index]
        if (typeof value !== 'number' || (value | 0) !== value) {
          return elementError(numbers, index, value)
        }
        elements[index] = value
      }
    }
    const { buffer, elements } = copy
    return nativeSum(elements.length === length ? elements : new Int32ArrayCtor(buffer, 0, length))
  }

  return {
    sum(numbers) {
      if (!isArray(numbers) || isProxy(numbers)) return nativeSum(numbers)
      const length = numbers.length
      if (length <= EXACT_IN_DOUBLES) return added(numbers, length)
      if (length <= MAX_COPY) return copied(numbers, length)
      return nativeSum(numbers)
    },
  }.sum
}

module.exports = { withArrayFastPath }
