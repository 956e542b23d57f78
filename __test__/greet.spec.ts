import { constants } from 'node:buffer'

import test from 'ava'
import fc from 'fast-check'

import { greet } from '../index.js'

const reference = (name: string) => `Hello, ${name}!`

test('greets exactly as the template literal does', (t) => {
  for (const name of [
    'Ada',
    '',
    ' ',
    '🦀',
    'a\0b',
    'ünïcödé',
    '\uD800',
    'x\uDC00\uD800y',
    '\uFEFF',
  ]) {
    t.is(greet(name), reference(name), JSON.stringify(name))
  }
})

test('keeps lone surrogates instead of replacing them with U+FFFD', (t) => {
  const out = greet('\uD83D')
  t.is(out.length, 'Hello, !'.length + 1)
  t.is(out.charCodeAt(7), 0xd83d)
  t.false(out.includes('\uFFFD'))
})

test('matches the template literal for every string of UTF-16 code units', (t) => {
  const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 64 })
  fc.assert(
    fc.property(units, (codes) => {
      const name = String.fromCharCode(...codes)
      return greet(name) === reference(name)
    }),
    { numRuns: 5000 },
  )
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (name) => greet(name) === reference(name)))
  t.pass()
})

test('refuses every non-string with ERR_INVALID_ARG_TYPE', (t) => {
  const cases: Array<[unknown, string]> = [
    [undefined, 'Received undefined'],
    [null, 'Received null'],
    [42, 'Received type number (42)'],
    [1.5, 'Received type number (1.5)'],
    [10n, 'Received type bigint (10n)'],
    [Symbol('s'), 'Received type symbol'],
    [true, 'Received type boolean (true)'],
    [{}, 'Received type object'],
    [['Ada'], 'Received an instance of Array'],
    [new String('Ada'), 'Received type object'],
    [() => 'Ada', 'Received type function'],
  ]
  for (const [value, received] of cases) {
    t.throws(
      // @ts-expect-error greet takes a string
      () => greet(value),
      {
        instanceOf: TypeError,
        code: 'ERR_INVALID_ARG_TYPE',
        message: `greet: The "name" argument must be of type string. ${received}`,
      },
    )
  }
  // @ts-expect-error greet needs an argument
  t.throws(() => greet(), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
})

test('handles the longest greeting the engine allows, and refuses a longer one', (t) => {
  const max = constants.MAX_STRING_LENGTH
  const longest = greet('x'.repeat(max - 'Hello, !'.length))
  t.is(longest.length, max)
  t.true(longest.startsWith('Hello, xxx'))
  t.true(longest.endsWith('xxx!'))
  t.throws(() => greet('x'.repeat(max - 'Hello, !'.length + 1)), {
    instanceOf: RangeError,
    code: 'ERR_STRING_TOO_LONG',
    message: new RegExp(`^greet: Cannot create a string longer than ${max} characters`),
  })
})
