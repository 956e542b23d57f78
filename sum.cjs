'use strict'
// `sum` over a JS array, without Node-API's per-element cost.
//
// Node-API can only read a JS array one element at a time, at about 90 ns an element: 70 times
// what a JS loop takes. So for an Array, this wrapper does the reading in JS: one pass that
// checks each element is an int32 (what the native contract accepts) and copies it into an
// Int32Array, which the native `sum` then reads in place and adds up exactly. Anything else
// (an Int32Array, a wrong type, a Proxy) goes to the native `sum` unchanged, and so does the
// first element the check refuses, so every error is still the native one, word for word.

const { isProxy } = require('node:util').types

/** Elements copied before the copy first grows (16 KiB). */
const FIRST_CHUNK = 4096
/** The largest copy kept for the next call for sure (256 KiB); a larger one the GC may take. */
const KEEP = 1 << 16

/** The copy the last call finished with: an Int32Array, or a WeakRef to a large one. */
let spare

/** Takes the spare copy, if any (a nested call, from a getter, then makes its own). */
function takeSpare() {
  const taken = spare
  spare = undefined
  return taken instanceof WeakRef ? taken.deref() : taken
}

function keepSpare(copy) {
  spare = copy.length <= KEEP ? copy : new WeakRef(copy)
}

/** A larger copy of `copy`, four times as long at most, and never longer than `length`. */
function grown(copy, length) {
  const bigger = new Int32Array(Math.min(length, Math.max(FIRST_CHUNK, copy.length * 4)))
  bigger.set(copy)
  return bigger
}

/** Wraps the native `sum` so that an Array is copied into an Int32Array in one JS pass. */
function withArrayFastPath(nativeSum) {
  /**
   * The error the native reader gives for `value` at `index`, without reading `numbers` again
   * (its getters, if it has any, ran once already): a probe array with the same element, or the
   * same hole, at the same index behind valid zeros.
   */
  function elementError(numbers, index, value) {
    const probe = []
    probe.length = index + 1
    probe.fill(0, 0, index)
    if (index in numbers) probe[index] = value
    nativeSum(probe)
    // The probe always throws; should it not, the native reader decides on the real input.
    return nativeSum(numbers)
  }

  return {
    sum(numbers) {
      if (!Array.isArray(numbers) || isProxy(numbers)) return nativeSum(numbers)
      const length = numbers.length
      // The copy grows as the elements check out, so a sparse array with a huge `length` fails
      // at its first hole without first allocating four bytes per index.
      let copy = takeSpare() ?? new Int32Array(Math.min(length, FIRST_CHUNK))
      let index = 0
      while (index < length) {
        if (index === copy.length) copy = grown(copy, length)
        const end = Math.min(length, copy.length)
        for (; index < end; index++) {
          const value = numbers[index]
          // `(value | 0) === value` holds exactly for the integers in the int32 range (and -0).
          if (typeof value !== 'number' || (value | 0) !== value) {
            keepSpare(copy)
            return elementError(numbers, index, value)
          }
          copy[index] = value
        }
      }
      keepSpare(copy)
      return nativeSum(copy.length === length ? copy : copy.subarray(0, length))
    },
  }.sum
}

module.exports = { withArrayFastPath }
