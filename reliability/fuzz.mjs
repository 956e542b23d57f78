// `npm run test:fuzz`: property-based fuzzing of the JS boundary with fast-check. Every export,
// every Calculator method and every fetchData option receives arbitrary JS values — fc.anything()
// with boxed values, typed arrays, sparse arrays, null prototypes, BigInts, plus symbols,
// functions, objects and arrays with throwing getters, and Proxies (transparent or with every trap
// throwing). FUZZ_RUNS (default 10000) cases per property.
//
// The only acceptable outcomes: the correct result, checked against a JS reference (the template
// literal for greet, a BigInt sum for sum, JS arithmetic for Calculator, the WHATWG e-mail regex
// and String.prototype.trim for createUser, the loopback server's body for fetchData); the
// documented error class and code the reference expects; or the caller's own thrown value, back
// unchanged (identical). The fuzzer runs in a child process: if the child crashes or hangs, this
// reports the property, fast-check's seed and the path of the last case started, and the command
// that replays it printing the input.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

import fc from 'fast-check'

import {
  ADDON,
  DOCUMENTED,
  finish,
  isDocumented,
  lastResult,
  record,
  runChild,
  startServer,
} from './common.mjs'

const RUNS = Number(process.env.FUZZ_RUNS || 10_000)
const SELF = fileURLToPath(import.meta.url)

// ---- hostile values ------------------------------------------------------------------------

/** Values a getter or a Proxy trap throws; the caller must get exactly these back. */
const THROWN = [new Error('thrown by the caller'), 42, undefined, Symbol('thrown'), 'a string']
/** Proxies made here: the references know Node-API sees them as plain objects. */
const PROXIES = new WeakSet()

const named = (value, text) =>
  Object.defineProperty(value, fc.toStringMethod, { value: () => text, enumerable: false })

const thrownArb = fc.constantFrom(...THROWN.keys())
const keyArb = fc.oneof(
  fc.constantFrom('timeoutMs', 'maxBytes', 'headers', 'ca', 'signal', 'length', '0', 'then'),
  fc.string(),
)

/** An object whose property `key` is a getter that throws. */
const getterObject = fc
  .tuple(fc.dictionary(fc.string(), fc.anything()), keyArb, thrownArb)
  .map(([base, key, which]) =>
    named(
      Object.defineProperty({ ...base }, key, {
        get() {
          throw THROWN[which]
        },
        enumerable: true,
      }),
      `getterObject(${JSON.stringify(key)} throws THROWN[${which}])`,
    ),
  )

/** An array of numbers with a throwing getter at one index. */
const getterArray = fc
  .tuple(fc.array(fc.integer(), { minLength: 1 }), fc.nat(), thrownArb)
  .map(([items, at, which]) => {
    const index = at % items.length
    const array = [...items]
    Object.defineProperty(array, index, {
      get() {
        throw THROWN[which]
      },
    })
    return named(array, `getterArray(${JSON.stringify(items)}, [${index}] throws THROWN[${which}])`)
  })

const baseAnything = fc.anything({
  withBoxedValues: true,
  withTypedArray: true,
  withSparseArray: true,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withUnicodeString: true,
})

/** A Proxy over an object or array: transparent, or every trap throwing. */
const proxy = fc
  .tuple(
    fc.oneof(fc.dictionary(fc.string(), fc.anything()), fc.array(fc.integer())),
    fc.option(thrownArb),
  )
  .map(([target, which]) => {
    const text = `Proxy(${JSON.stringify(target)}, ${which === null ? 'transparent' : `traps throw THROWN[${which}]`})`
    const toString = () => text
    // Symbol keys (fast-check's own clone and toString hooks) pass through; mylib reads none.
    const fail =
      (trap) =>
      (t, k, ...rest) => {
        if (k === fc.toStringMethod) return trap === 'has' || toString
        if (typeof k === 'symbol') return Reflect[trap](t, k, ...rest)
        if (which === null) return Reflect[trap](t, k, ...rest)
        throw THROWN[which]
      }
    const handler = {
      get: fail('get'),
      has: fail('has'),
      getOwnPropertyDescriptor: fail('getOwnPropertyDescriptor'),
      defineProperty: fail('defineProperty'),
      set: fail('set'),
      ownKeys: (t) => {
        if (which === null) return Reflect.ownKeys(t)
        throw THROWN[which]
      },
    }
    const value = new Proxy(target, handler)
    PROXIES.add(value)
    return value
  })

const symbol = fc.string().map((description) => Symbol(description))

/** Anything a caller could pass. */
const hostile = fc.oneof(
  { weight: 6, arbitrary: baseAnything },
  symbol,
  fc.bigInt(),
  getterObject,
  getterArray,
  proxy,
  fc.func(fc.anything()),
)

// ---- outcomes ------------------------------------------------------------------------------

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

/** Outcomes checked in the current property, by kind. */
let tally = { results: 0, errors: 0, thrown: 0 }

/** What a call did: `{ value }` or `{ error }`. */
function outcome(call) {
  try {
    return { value: call() }
  } catch (error) {
    return { error }
  }
}

const show = (x) => {
  try {
    return fc.stringify(x)
  } catch {
    return String(typeof x)
  }
}

/**
 * Checks an actual outcome against the expected one: `{ value }` (compared with Object.is or,
 * for objects, deeply), `{ code }` (a documented error with that code), `{ thrown }` (that very
 * value) or `{ codes: Set }` (a documented error with one of them, or the body `ok`).
 */
function expectOutcome(actual, expected) {
  tally[!('error' in actual) ? 'results' : THROWN.includes(actual.error) ? 'thrown' : 'errors']++
  if ('error' in actual) {
    const err = actual.error
    if ('thrown' in expected) {
      if (err === expected.thrown) return
      throw new Error(`expected the caller's own ${show(expected.thrown)}, got ${show(err)}`)
    }
    if ('code' in expected && isDocumented(err) && err.code === expected.code) return
    if ('codes' in expected && isDocumented(err) && expected.codes.has(err.code)) return
    if ('codes' in expected && expected.thrownOk && THROWN.includes(err)) return
    throw new Error(
      `expected ${show(expected)}, got ${err?.constructor?.name} ${err?.code}: ${err?.message ?? show(err)}`,
    )
  }
  if ('value' in expected) {
    const same =
      typeof expected.value === 'object'
        ? JSON.stringify(actual.value) === JSON.stringify(expected.value) &&
          Object.is(actual.value.id, expected.value.id)
        : Object.is(actual.value, expected.value)
    if (same) return
  }
  if ('codes' in expected && expected.body !== undefined && actual.value === expected.body) return
  throw new Error(`expected ${show(expected)}, got the value ${show(actual.value)}`)
}

/** Runs a reference: its result, or `{ thrown }` when the caller's own getter threw. */
function reference(compute) {
  try {
    return compute()
  } catch (thrown) {
    return { thrown }
  }
}

// ---- references ----------------------------------------------------------------------------

const refGreet = (name) =>
  typeof name === 'string' ? { value: `Hello, ${name}!` } : { code: 'ERR_INVALID_ARG_TYPE' }

function refSum(numbers) {
  if (PROXIES.has(numbers)) return { code: 'ERR_INVALID_ARG_TYPE' }
  if (numbers instanceof Int32Array) {
    return { value: Number(numbers.reduce((s, v) => s + BigInt(v), 0n)) }
  }
  if (!Array.isArray(numbers)) return { code: 'ERR_INVALID_ARG_TYPE' }
  return reference(() => {
    let total = 0n
    for (let i = 0; i < numbers.length; i++) {
      const v = numbers[i]
      if (typeof v !== 'number') return { code: 'ERR_INVALID_ARG_TYPE' }
      if (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31 - 1) {
        return { code: 'ERR_OUT_OF_RANGE' }
      }
      total += BigInt(v)
    }
    if (total > MAX_SAFE || total < -MAX_SAFE) return { code: 'ERR_OUT_OF_RANGE' }
    return { value: Number(total) }
  })
}

/** A finite number or undefined (the default), as Calculator's constructor and reset take. */
function refOptionalFinite(n) {
  if (n === undefined) return { value: 0 }
  if (typeof n !== 'number') return { code: 'ERR_INVALID_ARG_TYPE' }
  return Number.isFinite(n) ? { value: n } : { code: 'ERR_OUT_OF_RANGE' }
}

const OPS = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
}

function refOp(value, op, n) {
  if (op === 'reset') return refOptionalFinite(n)
  if (typeof n !== 'number') return { code: 'ERR_INVALID_ARG_TYPE' }
  if (!Number.isFinite(n) || (op === 'divide' && n === 0)) return { code: 'ERR_OUT_OF_RANGE' }
  const result = OPS[op](value, n)
  return Number.isFinite(result) ? { value: result } : { code: 'ERR_OUT_OF_RANGE' }
}

function refCreateUser(id, name, email) {
  if (typeof id !== 'number' || typeof name !== 'string' || typeof email !== 'string') {
    return { code: 'ERR_INVALID_ARG_TYPE' }
  }
  if (!Number.isInteger(id) || id < 0 || id > 2 ** 32 - 1) return { code: 'ERR_OUT_OF_RANGE' }
  if (name.trim() === '' || !EMAIL.test(email)) return { code: 'ERR_INVALID_ARG_VALUE' }
  return { value: { id: id + 0, name, email } }
}

// ---- the properties ------------------------------------------------------------------------

const numberish = fc.oneof(
  hostile,
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e308, -1e308),
)
const whitespace = fc.string({
  unit: fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', '\u0085', '\u180e', 'a'),
})
const emailish = fc.oneof(
  fc.emailAddress(),
  fc.string({ unit: fc.constantFrom('a', 'Z', '9', '@', '.', '-', '_', 'é', '+', '\ud800') }),
  fc.tuple(fc.emailAddress(), fc.string()).map(([e, s]) => e + s),
)

/** The sync properties: name → [arbitrary, predicate]. */
function syncProperties(m) {
  const calcRef = m.Calculator
  const methods = ['add', 'subtract', 'multiply', 'divide', 'reset']
  const valueGetter = Object.getOwnPropertyDescriptor(calcRef.prototype, 'value').get
  return {
    greet: [
      fc.oneof(hostile, fc.string({ unit: 'binary' })),
      (name) =>
        expectOutcome(
          outcome(() => m.greet(name)),
          refGreet(name),
        ),
    ],
    sum: [
      fc.oneof(
        hostile,
        fc.array(fc.integer()),
        fc.array(fc.oneof(fc.integer(), fc.double(), hostile)),
        fc.array(fc.constantFrom(2 ** 31 - 1, -(2 ** 31)), { maxLength: 2 ** 23 / 1000 }),
        fc.int32Array(),
        fc.sparseArray(fc.integer()),
      ),
      (numbers) => {
        const expected = refSum(numbers)
        expectOutcome(
          outcome(() => m.sum(numbers)),
          expected,
        )
      },
    ],
    createUser: [
      fc.tuple(
        fc.oneof(numberish, fc.nat(), fc.constant(2 ** 32 - 1), fc.constant(2 ** 32)),
        fc.oneof(hostile, whitespace, fc.string({ unit: 'binary' })),
        fc.oneof(hostile, emailish),
      ),
      ([id, name, email]) =>
        expectOutcome(
          outcome(() => m.createUser(id, name, email)),
          refCreateUser(id, name, email),
        ),
    ],
    Calculator: [
      fc.tuple(
        fc.oneof(numberish, fc.constant(undefined)),
        fc.array(
          fc.tuple(fc.constantFrom(...methods), fc.oneof(numberish, fc.constant(undefined))),
        ),
        hostile,
      ),
      ([initial, ops, receiver]) => {
        const start = refOptionalFinite(initial)
        const made = outcome(() => new m.Calculator(initial))
        expectOutcome('error' in made ? made : { value: made.value.value }, start)
        // Without `new`, and on a receiver that is not a Calculator.
        expectOutcome(
          outcome(() => calcRef(initial)),
          { code: 'ERR_CONSTRUCT_CALL_REQUIRED' },
        )
        expectOutcome(
          outcome(() => valueGetter.call(receiver)),
          { code: 'ERR_INVALID_THIS' },
        )
        if ('error' in made) return
        const calc = made.value
        let value = start.value
        for (const [op, n] of ops) {
          expectOutcome(
            outcome(() => calcRef.prototype[op].call(receiver, n)),
            {
              code: 'ERR_INVALID_THIS',
            },
          )
          const expected = refOp(value, op, n)
          expectOutcome(
            outcome(() => calc[op](n)),
            expected,
          )
          if ('value' in expected) value = expected.value
          expectOutcome({ value: calc.value }, { value })
        }
      },
    ],
  }
}

/** A documented error with one of `codes`, the caller's own exception, or the body `ok`. */
const any = (...codes) => ({ codes: new Set(codes), body: 'ok', thrownOk: true })

/** What fetchData may do with options `{ [option]: value }` on a URL answering `ok`. */
function refFetchOption(option, value) {
  if (value === undefined) return { value: 'ok' }
  switch (option) {
    case 'timeoutMs':
    case 'maxBytes': {
      if (typeof value !== 'number') return { code: 'ERR_INVALID_ARG_TYPE' }
      const [min, max] = option === 'timeoutMs' ? [1, 2 ** 32 - 1] : [0, Number.MAX_SAFE_INTEGER]
      if (!Number.isInteger(value) || value < min || value > max) {
        return { code: 'ERR_OUT_OF_RANGE' }
      }
      if (option === 'maxBytes')
        return value >= 2 ? { value: 'ok' } : { code: 'ERR_BODY_TOO_LARGE' }
      return any('ETIMEDOUT')
    }
    case 'signal':
      if (!(value instanceof AbortSignal) || PROXIES.has(value)) {
        return { code: 'ERR_INVALID_ARG_TYPE' }
      }
      return value.aborted ? { code: 'ABORT_ERR' } : { value: 'ok' }
    default:
      // headers, ca: a type or value error, or a request that the server answers.
      // Odd but valid headers may make the server refuse or drop the request.
      return any(
        'ERR_INVALID_ARG_TYPE',
        'ERR_INVALID_ARG_VALUE',
        'ERR_HTTP_STATUS',
        'ETIMEDOUT',
        'ECONNRESET',
        'ERR_NETWORK',
      )
  }
}

/** A promise's outcome, as `outcome` gives a call's. */
const settle = (promise) =>
  promise.then(
    (value) => ({ value }),
    (error) => ({ error }),
  )

/** The async properties (fetchData), given the loopback server's URL. */
function fetchProperties(m, base) {
  const signals = fc.constantFrom(
    () => AbortSignal.abort(),
    () => AbortSignal.abort(THROWN[0]),
    () => new AbortController().signal,
  )
  const properties = {
    'fetchData(url, options)': [
      fc.tuple(
        fc.oneof(hostile, fc.string(), fc.constant(`${base}/ok`), fc.constant(`${base}/missing`)),
        hostile,
      ),
      async ([url, options]) => {
        const result = await settle(m.fetchData(url, options))
        if (typeof url !== 'string') {
          return expectOutcome(result, { code: 'ERR_INVALID_ARG_TYPE' })
        }
        // Any documented error, the caller's own exception, or the server's body.
        expectOutcome(result, {
          codes: new Set(Object.keys(DOCUMENTED)),
          body: 'ok',
          thrownOk: true,
        })
      },
    ],
  }
  for (const option of ['timeoutMs', 'maxBytes', 'headers', 'ca', 'signal']) {
    const plausible = {
      timeoutMs: fc.oneof(fc.integer({ min: -1, max: 2 ** 32 }), fc.double()),
      maxBytes: fc.oneof(fc.integer({ min: -1, max: 10 }), fc.maxSafeInteger(), fc.double()),
      headers: fc.dictionary(
        fc.oneof(fc.string(), fc.constantFrom('x-a', 'accept', 'user-agent', 'a b', '')),
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), hostile),
      ),
      ca: fc.oneof(
        fc.string(),
        fc.array(fc.oneof(fc.string(), hostile)),
        fc.constant('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
      ),
      signal: signals.map((make) => named(make(), 'signal')),
    }[option]
    properties[`fetchData option ${option}`] = [
      fc.oneof(hostile, plausible),
      async (value) => {
        // A bound for requests whose odd headers make the server wait for a body.
        const options =
          option === 'timeoutMs' ? { [option]: value } : { timeoutMs: 2000, [option]: value }
        const result = await settle(m.fetchData(`${base}/ok`, options))
        expectOutcome(result, refFetchOption(option, value))
      },
    ]
  }
  return properties
}

// ---- parent and child ----------------------------------------------------------------------

/** Records the case about to run (property, seed, path) where the parent can read it. */
function progressWriter(file) {
  const fd = openSync(file, 'w')
  return (text) => writeSync(fd, text.padEnd(400), 0)
}

async function child(seed, progressFile, only, replayPath) {
  const m = createRequire(import.meta.url)(ADDON)
  const server = await startServer({ '/ok': (_req, res) => res.end('ok') })
  const progress = progressWriter(progressFile)
  const properties = { ...syncProperties(m), ...fetchProperties(m, server.url) }
  const summary = []
  for (const [name, [arbitrary, predicate]] of Object.entries(properties)) {
    if (only && name !== only) continue
    let index = 0
    tally = { results: 0, errors: 0, thrown: 0 }
    const wrapped = (input) => {
      progress(JSON.stringify({ property: name, seed, path: String(index++) }))
      if (replayPath !== undefined) console.error(`input: ${show(input)}`)
      return predicate(input)
    }
    const isAsync = name.startsWith('fetchData')
    const property = isAsync
      ? fc.asyncProperty(arbitrary, wrapped)
      : fc.property(arbitrary, wrapped)
    const params =
      replayPath === undefined
        ? { seed, numRuns: RUNS, endOnFailure: true }
        : { seed, path: replayPath, numRuns: 1, endOnFailure: true }
    const details = isAsync ? await fc.check(property, params) : fc.check(property, params)
    summary.push({ name, runs: details.numRuns, failed: details.failed, ...tally })
    if (details.failed) {
      console.error(fc.defaultReportMessage(details))
      console.error(`error: ${details.errorInstance?.message ?? show(details.errorInstance)}`)
      console.error(
        `replay: node reliability/fuzz.mjs --replay ${JSON.stringify(name)} ${seed} ${details.counterexamplePath}`,
      )
    } else {
      console.error(`${name}: ${details.numRuns} cases`)
    }
  }
  await server.close()
  console.log(JSON.stringify({ result: summary }))
}

async function parent() {
  const seedArg = process.argv.indexOf('--seed')
  const seed =
    seedArg > 0 ? Number(process.argv[seedArg + 1]) : Date.now() ^ (Math.random() * 2 ** 31)
  const progressFile = join(tmpdir(), `mylib-fuzz-${process.pid}.json`)
  closeSync(openSync(progressFile, 'w'))
  console.log(`fuzzing with seed ${seed}, ${RUNS} cases per property`)
  const started = performance.now()
  const run = await runChild(SELF, { args: ['--child', String(seed), progressFile] })
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const summary = lastResult(run.stdout)
  let passed = 0
  let failed = 0
  if (run.code !== 0 || run.signal !== null || !summary) {
    let last = {}
    try {
      last = JSON.parse(readFileSync(progressFile, 'utf8'))
    } catch {
      // Nothing started.
    }
    console.log(
      `not ok - the fuzzer's child exited with code ${run.code}, signal ${run.signal}; last case started: property ${JSON.stringify(last.property)}, seed ${last.seed}, path ${last.path}`,
    )
    if (last.property) {
      console.log(
        `replay it, printing the input: node reliability/fuzz.mjs --replay ${JSON.stringify(last.property)} ${last.seed} ${last.path}`,
      )
    }
    failed++
  }
  for (const { name, runs, failed: bad } of summary ?? []) {
    const ok = !bad && runs >= RUNS
    console.log(`${ok ? 'ok' : 'not ok'} - ${name}: ${runs} cases`)
    if (ok) passed++
    else failed++
  }
  const total = (summary ?? []).reduce((s, p) => s + p.runs, 0)
  await record('fuzz', {
    ok: failed === 0,
    summary: `${total} cases in ${seconds} s (seed ${seed}), ${RUNS} per property, ${(summary ?? []).length} properties; every outcome was the reference's result, the documented error class and code, or the caller's own exception:`,
    lines: (summary ?? []).map(
      (p) =>
        `\`${p.name}\`: ${p.runs} cases${p.failed ? ' — FAILED' : ''} (outcomes checked: ${p.results} correct results, ${p.errors} documented errors, ${p.thrown} caller's own exceptions)`,
    ),
  })
  finish('fuzz', passed, failed)
}

if (process.argv[2] === '--child') {
  await child(Number(process.argv[3]), process.argv[4])
} else if (process.argv[2] === '--replay') {
  const progressFile = join(tmpdir(), `mylib-fuzz-replay-${process.pid}.json`)
  await child(Number(process.argv[4]), progressFile, process.argv[3], process.argv[5])
} else {
  await parent()
}
