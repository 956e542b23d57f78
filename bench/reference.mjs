// The plain JS contenders of the benchmarks, each doing the same work and the same validation as
// mylib's export: used by bench/*.mjs in Node and by the demo page's benchmark in a browser
// (examples/browser/bench.mjs, which the demo server serves this file to), so it uses nothing
// but the language.

const WHATWG_EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

/** `createUser` in JS: the same checks (the WHATWG e-mail rule), the same object. */
export function jsCreateUser(id, name, email) {
  if (typeof id !== 'number') throw new TypeError('id')
  if (!Number.isInteger(id) || id < 0 || id > 4294967295) throw new RangeError('id')
  if (typeof name !== 'string') throw new TypeError('name')
  if (name.trim() === '') throw new TypeError('name')
  if (typeof email !== 'string') throw new TypeError('email')
  if (!WHATWG_EMAIL.test(email)) throw new TypeError('email')
  return { id, name, email }
}

/** `Calculator` in JS, with the same checks on `add`. */
export class JsCalculator {
  #value = 0
  constructor(initial = 0) {
    this.#value = initial
  }
  get value() {
    return this.#value
  }
  add(n) {
    if (typeof n !== 'number') throw new TypeError('n must be a number')
    const result = this.#value + n
    if (!Number.isFinite(n) || !Number.isFinite(result)) throw new RangeError('out of range')
    this.#value = result
    return result
  }
}

/** Adding 1 and then -1 keeps every contender's value (and answer) bounded and equal. */
export function flip(calc) {
  calc.add(1)
  return calc.add(-1)
}

/** `sum` as a plain for loop. */
export const forLoop = (values) => {
  let total = 0
  for (let i = 0; i < values.length; i++) total += values[i]
  return total
}
