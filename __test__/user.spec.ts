import { createRequire } from 'node:module'

import test from 'ava'
import fc from 'fast-check'

// The native `createUser` as the generated loader exports it (imported first: this binding keeps
// it), which builds its record through Node-API, and `createUser` as users get it from the
// package's entry point, which builds the record as a JS object literal after the native checks.
import { createUser as nativeCreateUser, type User } from '../index.js'

const { createUser } = createRequire(import.meta.url)('../main.cjs') as typeof import('../index.js')

/** The WHATWG HTML "valid e-mail address" rule, as browsers implement `<input type=email>`. */
const WHATWG_EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

test('returns a plain, JSON-serialisable object', (t) => {
  const user: User = createUser(7, 'Ada Lovelace', 'ada@example.com')
  t.deepEqual(user, { id: 7, name: 'Ada Lovelace', email: 'ada@example.com' })
  t.is(Object.getPrototypeOf(user), Object.prototype)
  t.deepEqual(Object.keys(user), ['id', 'name', 'email'])
  for (const key of ['id', 'name', 'email']) {
    const descriptor = Object.getOwnPropertyDescriptor(user, key)!
    t.true(descriptor.enumerable && descriptor.writable && 'value' in descriptor, key)
  }
  t.is(JSON.stringify(user), '{"id":7,"name":"Ada Lovelace","email":"ada@example.com"}')
  t.deepEqual(JSON.parse(JSON.stringify(user)), user)
})

test('accepts ids across the whole u32 range', (t) => {
  t.is(createUser(0, 'a', 'a@b').id, 0)
  t.is(createUser(-0, 'a', 'a@b').id, 0)
  t.is(createUser(4294967295, 'a', 'a@b').id, 4294967295)
})

test('keeps the name exactly as given', (t) => {
  for (const name of [' Ada ', '\tTabs\t', '🦀', 'a\0b', '\uD800lone', '\u0085']) {
    t.is(createUser(1, name, 'a@b').name, name, JSON.stringify(name))
  }
})

test('refuses ids outside 0..=4294967295 or not integers with ERR_OUT_OF_RANGE', (t) => {
  const cases: Array<[number, string]> = [
    [-1, 'It must be >= 0 and <= 4294967295. Received -1'],
    [4294967296, 'It must be >= 0 and <= 4294967295. Received 4294967296'],
    [1.5, 'It must be an integer. Received 1.5'],
    [NaN, 'It must be an integer. Received NaN'],
    [Infinity, 'It must be an integer. Received Infinity'],
  ]
  for (const [id, tail] of cases) {
    t.throws(() => createUser(id, 'Ada', 'ada@example.com'), {
      instanceOf: RangeError,
      code: 'ERR_OUT_OF_RANGE',
      message: `createUser: The value of "id" is out of range. ${tail}`,
    })
  }
})

test('refuses wrong types with ERR_INVALID_ARG_TYPE naming the field', (t) => {
  // @ts-expect-error id is a number
  t.throws(() => createUser('1', 'Ada', 'a@b'), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
    message: `createUser: The "id" argument must be of type number. Received type string ('1')`,
  })
  // @ts-expect-error id is a number
  t.throws(() => createUser(1n, 'Ada', 'a@b'), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
    message: /"id"/,
  })
  // @ts-expect-error name is a string
  t.throws(() => createUser(1, null, 'a@b'), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'createUser: The "name" argument must be of type string. Received null',
  })
  // @ts-expect-error email is a string
  t.throws(() => createUser(1, 'Ada', { toString: () => 'a@b' }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'createUser: The "email" argument must be of type string. Received type object',
  })
  // @ts-expect-error all three are required
  t.throws(() => createUser(), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
    message: /"id"/,
  })
})

test('refuses a blank name (JS trim rules) with ERR_INVALID_ARG_VALUE', (t) => {
  for (const name of ['', ' ', '\t\n\r', '\u00A0', '\uFEFF', '\u2028', '\u3000 ']) {
    t.is(name.trim(), '')
    t.throws(() => createUser(1, name, 'a@b'), {
      instanceOf: TypeError,
      code: 'ERR_INVALID_ARG_VALUE',
      message: /^createUser: The argument 'name' must not be empty or only whitespace\. Received '/,
    })
  }
})

test('validates e-mail addresses by the WHATWG rule', (t) => {
  const valid = [
    'a@b',
    'first.last@example.com',
    "!#$%&'*+/=?^_`{|}~-@x-y.z",
    `a@${'b'.repeat(63)}`,
  ]
  const invalid = [
    '',
    'a',
    '@b',
    'a@',
    'a@b@c',
    'a@-b',
    'a@b-',
    'a@b..c',
    'a b@c',
    'é@x',
    'a@b_c',
    `a@${'b'.repeat(64)}`,
  ]
  for (const email of valid) {
    t.true(WHATWG_EMAIL.test(email), email)
    t.is(createUser(1, 'a', email).email, email)
  }
  for (const email of invalid) {
    t.false(WHATWG_EMAIL.test(email), email)
    t.throws(() => createUser(1, 'a', email), {
      instanceOf: TypeError,
      code: 'ERR_INVALID_ARG_VALUE',
      message: /^createUser: The argument 'email' must be a valid e-mail address\. Received '/,
    })
  }
})

test('agrees with the WHATWG regex on random addresses', (t) => {
  const char = fc.constantFrom(...'aZ09.-_@+!é \uD800'.split(''))
  const address = fc.array(char, { maxLength: 24 }).map((chars) => chars.join(''))
  fc.assert(
    fc.property(address, (email) => {
      let accepted: boolean
      try {
        accepted = createUser(1, 'a', email).email === email
      } catch (err) {
        accepted = false
        if ((err as NodeJS.ErrnoException).code !== 'ERR_INVALID_ARG_VALUE') return false
      }
      return accepted === WHATWG_EMAIL.test(email)
    }),
    { numRuns: 10000 },
  )
  t.pass()
})

test('setters on Object.prototype never see the record being built', (t) => {
  const seen: string[] = []
  for (const key of ['id', 'name', 'email']) {
    // oxlint-disable-next-line no-extend-native -- a hostile prototype is what is under test
    Object.defineProperty(Object.prototype, key, {
      configurable: true,
      set() {
        seen.push(key)
      },
    })
  }
  try {
    const user = createUser(1, 'Ada', 'ada@example.com')
    t.deepEqual(Object.keys(user), ['id', 'name', 'email'])
    t.deepEqual({ ...user }, { id: 1, name: 'Ada', email: 'ada@example.com' })
  } finally {
    for (const key of ['id', 'name', 'email'])
      delete (Object.prototype as Record<string, unknown>)[key]
  }
  t.deepEqual(seen, [])
})

test('records of every call share one shape and are independent objects', (t) => {
  const a = createUser(1, 'Ada', 'ada@example.com')
  const b = createUser(2, 'Bob', 'bob@example.com')
  t.not(a, b)
  a.name = 'changed'
  t.is(b.name, 'Bob')
  t.deepEqual(Object.keys(a), Object.keys(b))
})

/** What a call gives: the record, or the error's class, code and message. */
function outcome(call: () => unknown) {
  try {
    const record = call() as User
    // The id as a string keeps -0 apart from 0.
    return { record, id: Object.is(record.id, -0) ? '-0' : String(record.id) }
  } catch (err) {
    const { constructor, code, message } = err as Error & { code?: string }
    return { threw: constructor.name, code, message }
  }
}

test('the entry point builds the record in JS but answers exactly as the native createUser does', (t) => {
  t.not(createUser, nativeCreateUser)
  const ids = fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: 0, max: 4294967295 }) },
    fc.constantFrom(-0, -1, 4294967296, 0.5, NaN, Infinity, '1', null, undefined, 1n),
    fc.double(),
  )
  const text = fc.oneof(
    fc.string(),
    fc.constantFrom('Ada', ' ', 'ada@example.com', 'a@b', '@b', null, 7),
    fc.emailAddress(),
  )
  fc.assert(
    fc.property(ids, text, text, (id, name, email) => {
      const args = [id, name, email] as unknown as Parameters<typeof createUser>
      const native = outcome(() => nativeCreateUser(...args))
      const entry = outcome(() => createUser(...args))
      t.deepEqual(entry, native)
      if ('record' in entry && entry.record !== undefined) {
        t.deepEqual(Object.keys(entry.record), ['id', 'name', 'email'])
        t.is(Object.getPrototypeOf(entry.record), Object.prototype)
      }
    }),
    { numRuns: 3000 },
  )
})

test("the native createUser's check, which the entry point calls, is hidden and exact", (t) => {
  type Check = (id: unknown, name: unknown, email: unknown) => undefined
  const { check } = nativeCreateUser as typeof nativeCreateUser & { check: Check }
  t.false(Object.getOwnPropertyDescriptor(nativeCreateUser, 'check')?.enumerable ?? true)
  t.false('check' in createUser)
  t.is(check(1, 'Ada', 'ada@example.com'), undefined)
  for (const args of [
    [-1, 'Ada', 'a@b'],
    ['1', 'Ada', 'a@b'],
    [1, ' ', 'a@b'],
    [1, 'Ada', 'not an address'],
    [1, 'Ada'],
  ]) {
    const refused = outcome(() => check(...(args as [unknown, unknown, unknown])))
    t.deepEqual(
      refused,
      outcome(() => nativeCreateUser(...(args as Parameters<typeof createUser>))),
    )
    t.true('threw' in refused, JSON.stringify(args))
  }
})
