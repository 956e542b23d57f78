import { createRequire } from 'node:module'

import test from 'ava'
import fc from 'fast-check'

// The native `sum` as the generated loader exports it (imported first: this binding keeps it),
// and `sum` as users get it from the package's entry point, which reads arrays in JS first.
import { sum as nativeSum } from '../index.js'

const { sum } = createRequire(import.meta.url)('../main.cjs') as typeof import('../index.js')

const INT32_MAX = 2 ** 31 - 1
const INT32_MIN = -(2 ** 31)

/** The exact sum, by BigInt: the reference `sum` must agree with. */
const reference = (values: ArrayLike<number>) => {
  let total = 0n
  for (let i = 0; i < values.length; i++) total += BigInt(values[i])
  return total
}

test('sums arrays and Int32Arrays exactly', (t) => {
  t.is(sum([]), 0)
  t.is(sum(new Int32Array()), 0)
  t.is(sum([1, 2, 3]), 6)
  t.is(sum(new Int32Array([1, 2, 3])), 6)
  t.is(sum([-0]), 0)
  t.is(sum([INT32_MIN, INT32_MAX]), -1)
})

test('never wraps around int32', (t) => {
  t.is(sum([INT32_MAX, 1]), 2 ** 31)
  t.is(sum([INT32_MIN, -1]), -(2 ** 31) - 1)
  t.is(sum(new Int32Array([INT32_MAX, INT32_MAX, INT32_MAX])), 3 * INT32_MAX)
  t.is(sum(Array.from({ length: 1000 }, () => INT32_MIN)), 1000 * INT32_MIN)
})

test('reads Int32Array views in place, with their offset', (t) => {
  const buffer = new Int32Array([100, 1, 2, 3, 100]).buffer
  t.is(sum(new Int32Array(buffer, 4, 3)), 6)
  t.is(sum(new Int32Array(buffer).subarray(1, 4)), 6)
  const shared = new Int32Array(new SharedArrayBuffer(16))
  shared.set([5, 6, 7, 8])
  t.is(sum(shared), 26)
  const detached = new Int32Array(new ArrayBuffer(8))
  structuredClone(detached.buffer, { transfer: [detached.buffer] })
  t.is(sum(detached), 0)
})

test('agrees with a BigInt reference on random int32 arrays', (t) => {
  const int32 = fc.integer({ min: INT32_MIN, max: INT32_MAX })
  fc.assert(
    fc.property(fc.array(int32, { maxLength: 200 }), (values) => {
      const expected = Number(reference(values))
      return sum(values) === expected && sum(Int32Array.from(values)) === expected
    }),
    { numRuns: 2000 },
  )
  t.pass()
})

test('returns results up to Number.MAX_SAFE_INTEGER and refuses beyond it', (t) => {
  // 4194304 × INT32_MAX + 4194303 = 2^53 - 1 exactly.
  const atLimit = new Int32Array(4194305).fill(INT32_MAX)
  atLimit[4194304] = 4194303
  t.is(sum(atLimit), Number.MAX_SAFE_INTEGER)
  t.is(sum(Array.from(atLimit)), Number.MAX_SAFE_INTEGER)
  t.is(sum(atLimit.map((v) => -v)), -Number.MAX_SAFE_INTEGER)

  atLimit[4194304] = 4194304
  for (const input of [atLimit, Array.from(atLimit), atLimit.map((v) => -v)]) {
    t.throws(() => sum(input), {
      instanceOf: RangeError,
      code: 'ERR_OUT_OF_RANGE',
      message: /^sum: The result is out of range\. .*Received -?9007199254740992$/,
    })
  }
})

test('refuses the one array of at most 2^22 elements whose sum passes Number.MAX_SAFE_INTEGER', (t) => {
  // 2^22 × INT32_MIN = -2^53: the entry point adds arrays this long in doubles, exactly.
  const lowest = Array.from({ length: 2 ** 22 }, () => INT32_MIN)
  t.throws(() => sum(lowest), {
    instanceOf: RangeError,
    code: 'ERR_OUT_OF_RANGE',
    message: /^sum: The result is out of range\. .*Received -9007199254740992$/,
  })
  lowest[0] = INT32_MIN + 1
  t.is(sum(lowest), -Number.MAX_SAFE_INTEGER)
})

test('refuses non-integer and out-of-range elements with ERR_OUT_OF_RANGE, naming the index', (t) => {
  const cases: Array<[number, string]> = [
    [1.5, 'It must be an integer. Received 1.5'],
    [NaN, 'It must be an integer. Received NaN'],
    [Infinity, 'It must be an integer. Received Infinity'],
    [-Infinity, 'It must be an integer. Received -Infinity'],
    [2 ** 31, 'It must be >= -2147483648 and <= 2147483647. Received 2147483648'],
    [-(2 ** 31) - 1, 'It must be >= -2147483648 and <= 2147483647. Received -2147483649'],
    [
      Number.MAX_VALUE,
      'It must be >= -2147483648 and <= 2147483647. Received 1.7976931348623157e+308',
    ],
  ]
  for (const [bad, tail] of cases) {
    t.throws(() => sum([1, 2, bad]), {
      instanceOf: RangeError,
      code: 'ERR_OUT_OF_RANGE',
      message: `sum: The value of "numbers[2]" is out of range. ${tail}`,
    })
  }
})

test('refuses non-number elements and holes with ERR_INVALID_ARG_TYPE, naming the index', (t) => {
  const cases: Array<[unknown[], string]> = [
    [[1, '2'], "Received type string ('2')"],
    [[1, null], 'Received null'],
    [[1, undefined], 'Received undefined'],
    // eslint-disable-next-line no-sparse-arrays
    [[1, , 3], 'Received an empty slot (hole)'],
    [[1, 2n], 'Received type bigint (2n)'],
    [[1, {}], 'Received type object'],
    [[1, Object(2)], 'Received type object'],
    [[1, [2]], 'Received an instance of Array'],
  ]
  for (const [input, received] of cases) {
    t.throws(
      // @ts-expect-error elements must be numbers
      () => sum(input),
      {
        instanceOf: TypeError,
        code: 'ERR_INVALID_ARG_TYPE',
        message: `sum: The "numbers[1]" argument must be of type number. ${received}`,
      },
    )
  }
  const sparse: number[] = []
  sparse.length = 2 ** 32 - 1
  t.throws(() => sum(sparse), { code: 'ERR_INVALID_ARG_TYPE', message: /"numbers\[0\]".*hole/ })
})

test('refuses every other argument type with ERR_INVALID_ARG_TYPE', (t) => {
  const cases: Array<[unknown, string]> = [
    [undefined, 'Received undefined'],
    [null, 'Received null'],
    [3, 'Received type number (3)'],
    ['123', "Received type string ('123')"],
    [new Float64Array([1]), 'Received an instance of Float64Array'],
    [new Uint32Array([1]), 'Received an instance of Uint32Array'],
    [new Int16Array([1]), 'Received an instance of Int16Array'],
    [Buffer.from([1]), 'Received an instance of Uint8Array'],
    [{ length: 1, 0: 1 }, 'Received type object'],
    [new Set([1]), 'Received type object'],
    [new Proxy([1, 2], {}), 'Received type object'],
  ]
  for (const [value, received] of cases) {
    t.throws(
      // @ts-expect-error sum takes number[] | Int32Array
      () => sum(value),
      {
        instanceOf: TypeError,
        code: 'ERR_INVALID_ARG_TYPE',
        message: `sum: The "numbers" argument must be an instance of Array or Int32Array. ${received}`,
      },
    )
  }
})

test('lets an exception thrown by an element getter through unchanged', (t) => {
  const input = [1, 2]
  const boom = new Error('boom')
  Object.defineProperty(input, 1, {
    get() {
      throw boom
    },
  })
  t.is(
    t.throws(() => sum(input)),
    boom,
  )
})

test('error messages print numbers exactly as String(n) does', (t) => {
  const nonInteger = fc.double().filter((n) => !Number.isInteger(n) || Math.abs(n) > 2 ** 31)
  fc.assert(
    fc.property(nonInteger, (n) => {
      try {
        sum([n])
        return false
      } catch (err) {
        return (err as Error).message.endsWith(`Received ${String(n)}`)
      }
    }),
    { numRuns: 20000 },
  )
  // An exact tie between two shortest forms: JS picks the even digit.
  t.throws(() => sum([782242619860259.25]), { message: /Received 782242619860259\.2$/ })
})

/** What a call does: its result, or the class, code and message of what it throws. */
function outcome(f: (input: never) => unknown, input: unknown) {
  try {
    return { result: f(input as never) }
  } catch (err) {
    const { constructor, code, message } = err as Error & { code?: string }
    return { threw: constructor.name, code, message }
  }
}

test('the entry point reads arrays in JS but answers exactly as the native reader does', (t) => {
  t.not(sum, nativeSum)
  const element = fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: INT32_MIN, max: INT32_MAX }) },
    fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 0.5, -0, NaN, Infinity, '1', null, undefined, 1n),
    fc.double(),
  )
  fc.assert(
    fc.property(fc.sparseArray(element, { maxLength: 100, noTrailingHole: true }), (values) => {
      t.deepEqual(outcome(sum, values), outcome(nativeSum, values))
    }),
    { numRuns: 3000 },
  )
})

test('arrays of any length are copied whole, with a bad element found wherever it is', (t) => {
  // Around the first copy's size (4096), its growth, and the largest copy kept (65536).
  for (const length of [4095, 4096, 4097, 16385, 65536, 65537, 300_000]) {
    const values = Array.from({ length }, (_, i) => (i === length - 1 ? INT32_MAX : (i % 7) - 3))
    t.is(sum(values), Number(reference(values)), `${length}`)
    values[length - 1] = 0.5
    t.throws(() => sum(values), {
      code: 'ERR_OUT_OF_RANGE',
      message: `sum: The value of "numbers[${length - 1}]" is out of range. It must be an integer. Received 0.5`,
    })
    delete values[length - 1]
    t.throws(() => sum(values), {
      code: 'ERR_INVALID_ARG_TYPE',
      message: new RegExp(`"numbers\\[${length - 1}\\]".*an empty slot \\(hole\\)$`),
    })
  }
})

test("the native sum's elementError, which the entry point reports through, is hidden and exact", (t) => {
  type ElementError = (index: unknown, value: unknown, hole: unknown) => undefined
  const { elementError } = nativeSum as typeof nativeSum & { elementError: ElementError }
  t.false(Object.getOwnPropertyDescriptor(nativeSum, 'elementError')?.enumerable ?? true)
  t.false('elementError' in sum)
  t.is(elementError(5, 7, false), undefined)
  // The same error as the native reader gives for the same element (or hole) at index 5.
  const cases: [unknown, boolean][] = [
    [1.5, false],
    [2 ** 31, false],
    ['x', false],
    [undefined, false],
    [undefined, true],
  ]
  for (const [value, hole] of cases) {
    const values: unknown[] = [0, 0, 0, 0, 0]
    values.length = 6
    if (!hole) values[5] = value
    t.deepEqual(
      outcome(() => elementError(5, value, hole), values),
      outcome(nativeSum, values),
    )
  }
  // The highest index an array has, without an array that long.
  t.throws(() => elementError(2 ** 32 - 2, null, false), {
    instanceOf: TypeError,
    message: `sum: The "numbers[${2 ** 32 - 2}]" argument must be of type number. Received null`,
  })
  const misuses: [unknown, unknown, string][] = [
    [-1, false, 'ERR_OUT_OF_RANGE'],
    [0.5, false, 'ERR_OUT_OF_RANGE'],
    [2 ** 32, false, 'ERR_OUT_OF_RANGE'],
    ['1', false, 'ERR_INVALID_ARG_TYPE'],
    [1, 'yes', 'ERR_INVALID_ARG_TYPE'],
  ]
  for (const [index, hole, code] of misuses) {
    t.throws(() => elementError(index, 1.5, hole), { code, message: /^elementError: / })
  }
})

test('element getters run once, also when a later element is refused', (t) => {
  let reads = 0
  const input: unknown[] = [1, 2, 'three']
  Object.defineProperty(input, 1, {
    get() {
      reads++
      return 2
    },
  })
  // @ts-expect-error elements must be numbers
  t.throws(() => sum(input), { code: 'ERR_INVALID_ARG_TYPE', message: /"numbers\[2\]"/ })
  t.is(reads, 1)
  input[2] = 3
  // @ts-expect-error the getter returns a number
  t.is(sum(input), 6)
  t.is(reads, 2)
})

test('a sum called from inside an element getter gets its own copy', (t) => {
  const inner = Array.from({ length: 5000 }, (_, i) => i)
  const outer: number[] = [1, 2, 3]
  Object.defineProperty(outer, 1, { get: () => sum(inner) % 1000 })
  t.is(sum(outer), 1 + (sum(inner) % 1000) + 3)
  t.is(sum(inner), 4999 * 2500)
})

test('built-ins replaced after loading cannot change a sum or its errors', (t) => {
  const typedArray = Object.getPrototypeOf(Int32Array.prototype)
  const saved = {
    min: Math.min,
    set: typedArray.set,
    subarray: typedArray.subarray,
    fill: Array.prototype.fill,
    isArray: Array.isArray,
    species: Object.getOwnPropertyDescriptor(typedArray.constructor, Symbol.species)!,
  }
  Math.min = () => 0
  typedArray.set = () => undefined
  typedArray.subarray = () => new Int32Array([1_000_000])
  // oxlint-disable-next-line no-extend-native -- replaced built-ins are what is under test
  Array.prototype.fill = function () {
    return this
  }
  Array.isArray = (() => false) as unknown as typeof Array.isArray
  Object.defineProperty(typedArray.constructor, Symbol.species, { get: () => undefined })
  try {
    const values = Array.from({ length: 20_000 }, (_, i) => i % 100)
    t.is(sum(values), Number(reference(values)))
    t.is(sum(values.slice(0, 5000)), Number(reference(values.slice(0, 5000))))
    values[19_999] = 0.5
    t.throws(() => sum(values), { message: /"numbers\[19999\]" is out of range/ })
  } finally {
    Math.min = saved.min
    typedArray.set = saved.set
    typedArray.subarray = saved.subarray
    // oxlint-disable-next-line no-extend-native -- restoring the original
    Array.prototype.fill = saved.fill
    Array.isArray = saved.isArray
    Object.defineProperty(typedArray.constructor, Symbol.species, saved.species)
  }
})

test('an element a Proxy prototype supplies is named as a value, not as a hole', (t) => {
  const input: unknown[] = [1]
  input.length = 2
  Object.setPrototypeOf(
    input,
    new Proxy(Array.prototype, {
      get: (target, key, receiver) => (key === '1' ? 'two' : Reflect.get(target, key, receiver)),
      has: (target, key) => key !== '1' && Reflect.has(target, key),
    }),
  )
  t.deepEqual(outcome(sum, input), outcome(nativeSum, input))
  // @ts-expect-error elements must be numbers
  t.throws(() => sum(input), { message: /"numbers\[1\]".*type string \('two'\)$/ })
})
