'use strict'
// `sum` over a JS array, without Node-API's per-element cost.
//
// Node-API can only read a JS array one element at a time, at about 90 ns an element: 70 times
// what a JS loop takes. So for an Array, this wrapper does the reading in JS: one pass that
// checks each element is an int32 (what the native contract accepts) and copies it into an
// Int32Array, which the native `sum` then reads in place and adds up exactly. Anything else
// (an Int32Array, a wrong type, a Proxy, an array too long to copy) goes to the native `sum`
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
const WeakRefCtor = WeakRef
const { deref } = WeakRef.prototype
const { set: typedArraySet } = Object.getPrototypeOf(Int32Array.prototype)

/** Elements copied before the copy first grows (16 KiB). */
const FIRST_CHUNK = 4096
/** The largest copy kept for the next call for sure (256 KiB); a larger one the GC may take. */
const KEEP = 1 << 16
/** Longer arrays go to the native reader whole: their copy would take over 256 MiB. */
const MAX_COPY = 1 << 26

/** A copy: the buffer the native `sum` reads, and an Int32Array over all of it. */
function newCopy(length) {
  const buffer = new ArrayBufferCtor(length * 4)
  return { buffer, elements: new Int32ArrayCtor(buffer) }
}

/** The copy the last call finished with, kept outright when small, else through a WeakRef. */
let spare
let spareRef

/** Takes the spare copy, if any (a nested call, from a getter, then makes its own). */
function takeSpare() {
  const taken = spare ?? (spareRef && apply(deref, spareRef, []))
  spare = undefined
  spareRef = undefined
  return taken
}

function keepSpare(copy) {
  if (copy.elements.length <= KEEP) spare = copy
  else spareRef = new WeakRefCtor(copy)
}

/** A larger copy of `copy`, four times as long at most, and never longer than `length`. */
function grown(copy, length) {
  const bigger = newCopy(min(length, max(FIRST_CHUNK, copy.elements.length * 4)))
  apply(typedArraySet, bigger.elements, [copy.elements])
  return bigger
}

/** Wraps the native `sum` so that an Array is copied into an Int32Array in one JS pass. */
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

  return {
    sum(numbers) {
      if (!isArray(numbers) || isProxy(numbers) || numbers.length > MAX_COPY) {
        return nativeSum(numbers)
      }
      const length = numbers.length
      // The copy grows as the elements check out, so a sparse array with a huge `length` fails
      // at its first hole without first allocating four bytes per index.
      let copy = takeSpare() ?? newCopy(min(length, FIRST_CHUNK))
      let index = 0
      while (index < length) {
        if (index === copy.elements.length) copy = grown(copy, length)
        const elements = copy.elements
        const end = min(length, elements.length)
        for (; index < end; index++) {
          const value = numbers[index]
          // `(value | 0) === value` holds exactly for the integers in the int32 range (and -0).
          if (typeof value !== 'number' || (value | 0) !== value) {
            keepSpare(copy)
            return elementError(numbers, index, value)
          }
          elements[index] = value
        }
      }
      keepSpare(copy)
      const { buffer, elements } = copy
      return nativeSum(
        elements.length === length ? elements : new Int32ArrayCtor(buffer, 0, length),
      )
    },
  }.sum
}

module.exports = { withArrayFastPath }
