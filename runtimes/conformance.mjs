// Runtime-neutral conformance checks of the packed mylib package: every export and every
// documented error code, on Node, Bun and Deno alike. `run.mjs` copies this file (with
// differences.mjs) into a consumer project whose node_modules holds the packed package, then runs
//
//   <runtime> conformance.mjs <load> [results.json] [--package=mylib-wasm]
//
// where <load> is how mylib is loaded: `require` (CommonJS), `import` (ESM) or `npm` (Deno's
// `npm:mylib`, resolved from the local node_modules), and --package names the package under test:
// `mylib` (the native addon, the default) or `mylib-wasm` (the WebAssembly package, which must
// pass the same checks). It prints one `ok` / `not ok` line per
// check and ends with "N passed, N failed"; it exits non-zero on any failure. A runtime-specific
// expectation comes only from differences.mjs, where it is documented.
import { Buffer, constants } from 'node:buffer'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { createServer as createTcpServer } from 'node:net'
import process from 'node:process'
import { deflateRawSync, gzipSync } from 'node:zlib'

import { V8_MAX_STRING_LENGTH, expectedOn } from './differences.mjs'

const runtime = globalThis.Bun
  ? { name: 'bun', version: globalThis.Bun.version }
  : globalThis.Deno
    ? { name: 'deno', version: globalThis.Deno.version.deno }
    : { name: 'node', version: process.versions.node }
const args = process.argv.slice(2)
const PACKAGE = args.find((arg) => arg.startsWith('--package='))?.slice(10) ?? 'mylib'
const [load = 'import', resultsPath] = args.filter((arg) => !arg.startsWith('--'))
const WASM = PACKAGE === 'mylib-wasm'
/** The documented expectation of a difference on this runtime, for the package under test. */
const documented = (id) => expectedOn(id, runtime.name, PACKAGE)

const summary = { runtime: runtime.name, version: runtime.version, load, passed: 0, failed: 0 }
summary.package = PACKAGE
summary.failures = []
let number = 0

function record(name, error) {
  number++
  if (!error) {
    summary.passed++
    console.log(`ok ${number} - ${name}`)
    return
  }
  summary.failed++
  let detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  for (let cause = error?.cause; cause; cause = cause.cause) {
    detail += `\ncaused by ${cause instanceof Error ? `${cause.name}: ${cause.message}` : cause}`
  }
  summary.failures.push({ name, detail })
  console.log(`not ok ${number} - ${name}`)
  for (const line of detail.split('\n')) console.log(`  # ${line}`)
}

async function check(name, fn) {
  try {
    await fn()
    record(name)
  } catch (error) {
    record(name, error)
  }
}

function fail(message) {
  throw new Error(message)
}

const show = (value) =>
  typeof value === 'string' && value.length > 80
    ? `a string of length ${value.length}`
    : typeof value === 'bigint'
      ? `${value}n`
      : (JSON.stringify(value) ?? String(value))

function is(actual, expected, what = 'value') {
  if (!Object.is(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`)
}

function deepIs(actual, expected, what = 'value') {
  is(JSON.stringify(actual), JSON.stringify(expected), what)
}

/** Checks an error against `{ type, code, message, name }` (message: string or RegExp). */
function matches(error, expected) {
  if (!(error instanceof Error)) fail(`expected an Error, got ${show(error)}`)
  const got = `${error.constructor.name} [${error.code}] ${error.message}`
  const type = { Error, TypeError, RangeError }[expected.type ?? 'Error']
  if (!(error instanceof type) || (expected.type === 'Error' && error.constructor !== Error)) {
    fail(`expected a ${expected.type}, got ${got}`)
  }
  if ('code' in expected && error.code !== expected.code) {
    fail(`expected code ${expected.code}, got ${got}`)
  }
  const { message } = expected
  if (typeof message === 'string' && error.message !== message) {
    fail(`expected message ${show(message)}, got ${got}`)
  }
  if (message instanceof RegExp && !message.test(error.message)) {
    fail(`expected message matching ${message}, got ${got}`)
  }
  if (expected.name && error.name !== expected.name) fail(`expected name ${expected.name}: ${got}`)
  return error
}

function throws(fn, expected) {
  let value
  try {
    value = fn()
  } catch (error) {
    return matches(error, expected)
  }
  return fail(`expected to throw ${expected.code ?? expected.type}, returned ${show(value)}`)
}

/** `fn()` must return a promise (never throw) that rejects as `expected`. */
async function rejects(fn, expected) {
  const promise = fn()
  if (!(promise instanceof Promise)) fail(`expected a Promise, got ${show(promise)}`)
  let value
  try {
    value = await promise
  } catch (error) {
    return matches(error, expected)
  }
  return fail(`expected a rejection with ${expected.code}, resolved with ${show(value)}`)
}

/** `call(value)` throws `ERR_INVALID_ARG_TYPE` with the message `${prefix} ${received}` for each
 * `[value, received]` case. */
function refusesTypes(call, prefix, cases) {
  for (const [value, received] of cases) {
    throws(() => call(value), {
      type: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: `${prefix} ${received}`,
    })
  }
}

// ── Loading ─────────────────────────────────────────────────────────────────────────────────

let mylib
await check(`load ${PACKAGE} by ${load} on ${runtime.name} ${runtime.version}`, async () => {
  if (load === 'require') mylib = createRequire(import.meta.url)(PACKAGE)
  else if (load === 'import') mylib = await import(PACKAGE)
  else if (load === 'npm') mylib = await import(`npm:${PACKAGE}`)
  else fail(`unknown load mode ${load}`)
  const names = Object.keys(mylib)
    // `__esModule`: require(esm)'s interop marker for a module with a default export.
    .filter((name) => !['default', 'module.exports', '__esModule'].includes(name))
    .toSorted()
  const exports = ['Calculator', 'createUser', 'fetchData', 'greet', 'sum']
  if (WASM) {
    deepIs(names, exports)
  } else {
    deepIs(names, [...exports, '__napiBindingTarget'].toSorted())
    // The generated loader's marker of which artifact it loaded.
    is(mylib['__napiBindingTarget'], 'native', 'the loaded binding')
  }
})
if (!mylib) {
  finish()
  process.exit(1)
}
const { Calculator, createUser, fetchData, greet, sum } = mylib

// ── greet ───────────────────────────────────────────────────────────────────────────────────

await check('greet: exactly the template literal, lone surrogates kept', () => {
  for (const name of ['Ada', '', '🦀', 'a\0b', '\uD800', 'x\uDC00\uD800y', '\uFEFF']) {
    is(greet(name), `Hello, ${name}!`, JSON.stringify(name))
  }
  is(greet('\uD83D').charCodeAt(7), 0xd83d, 'lone surrogate')
})

await check('greet: ERR_INVALID_ARG_TYPE for every non-string', () => {
  const cases = [
    [undefined, 'Received undefined'],
    [null, 'Received null'],
    [42, 'Received type number (42)'],
    [10n, 'Received type bigint (10n)'],
    [Symbol('s'), 'Received type symbol'],
    [true, 'Received type boolean (true)'],
    [['Ada'], 'Received an instance of Array'],
    [new String('Ada'), 'Received type object'],
    [() => 'Ada', 'Received type function'],
  ]
  refusesTypes(greet, 'greet: The "name" argument must be of type string.', cases)
})

await check("greet: ERR_STRING_TOO_LONG past V8's maximum string length", () => {
  const { engineMaxStringLength } = documented('greet-max-length')
  is(constants.MAX_STRING_LENGTH, engineMaxStringLength, 'the engine maximum')
  const longest = greet('x'.repeat(V8_MAX_STRING_LENGTH - 'Hello, !'.length))
  is(longest.length, V8_MAX_STRING_LENGTH, 'longest greeting')
  is(longest.slice(-4), 'xxx!', 'its end')
  throws(() => greet('x'.repeat(V8_MAX_STRING_LENGTH - 'Hello, !'.length + 1)), {
    type: 'RangeError',
    code: 'ERR_STRING_TOO_LONG',
    message: new RegExp(`^greet: Cannot create a string longer than ${V8_MAX_STRING_LENGTH} `),
  })
})

// ── sum ─────────────────────────────────────────────────────────────────────────────────────

const INT32_MAX = 2 ** 31 - 1

await check('sum: arrays and Int32Arrays, exact, no int32 wrap-around', () => {
  is(sum([]), 0)
  is(sum([1, 2, 3]), 6)
  is(sum(new Int32Array([INT32_MAX, INT32_MAX, INT32_MAX])), 3 * INT32_MAX)
  is(sum([-(2 ** 31), -1]), -(2 ** 31) - 1)
  is(sum([-0]), 0)
})

await check('sum: Int32Array views, shared and detached buffers read in place', () => {
  const buffer = new Int32Array([100, 1, 2, 3, 100]).buffer
  is(sum(new Int32Array(buffer, 4, 3)), 6, 'offset view')
  is(sum(new Int32Array(buffer).subarray(1, 4)), 6, 'subarray')
  const shared = new Int32Array(new SharedArrayBuffer(16))
  shared.set([5, 6, 7, 8])
  is(sum(shared), 26, 'SharedArrayBuffer')
  const detached = new Int32Array(new ArrayBuffer(8))
  structuredClone(detached.buffer, { transfer: [detached.buffer] })
  is(sum(detached), 0, 'detached')
})

await check('sum: results up to Number.MAX_SAFE_INTEGER, ERR_OUT_OF_RANGE beyond', () => {
  const atLimit = new Int32Array(4194305).fill(INT32_MAX)
  atLimit[4194304] = 4194303
  is(sum(atLimit), Number.MAX_SAFE_INTEGER)
  atLimit[4194304] = 4194304
  throws(() => sum(atLimit), {
    type: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message: /^sum: The result is out of range\. .*Received 9007199254740992$/,
  })
})

await check('sum: ERR_OUT_OF_RANGE and ERR_INVALID_ARG_TYPE naming the index', () => {
  throws(() => sum([1, 2, 1.5]), {
    type: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message: 'sum: The value of "numbers[2]" is out of range. It must be an integer. Received 1.5',
  })
  throws(() => sum([1, 2 ** 31]), {
    type: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message: /It must be >= -2147483648 and <= 2147483647\. Received 2147483648$/,
  })
  const cases = [
    [[1, '2'], "Received type string ('2')"],
    [[1, undefined], 'Received undefined'],
    // eslint-disable-next-line no-sparse-arrays
    [[1, , 3], 'Received an empty slot (hole)'],
    [[1, Object(2)], 'Received type object'],
  ]
  refusesTypes(sum, 'sum: The "numbers[1]" argument must be of type number.', cases)
  const sparse = []
  sparse.length = 2 ** 32 - 1
  throws(() => sum(sparse), { type: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /hole/ })
})

await check('sum: ERR_INVALID_ARG_TYPE for other arguments, typed arrays and proxies', () => {
  const cases = [
    [null, 'Received null'],
    ['123', "Received type string ('123')"],
    [new Float64Array([1]), 'Received an instance of Float64Array'],
    [new Uint8Array([1]), 'Received an instance of Uint8Array'],
    [{ length: 1, 0: 1 }, 'Received type object'],
  ]
  if (documented('sum-array-proxy').accepted)
    is(sum(new Proxy([1, 2], {})), 3, 'a Proxy of an array')
  else cases.push([new Proxy([1, 2], {}), 'Received type object'])
  refusesTypes(
    sum,
    'sum: The "numbers" argument must be an instance of Array or Int32Array.',
    cases,
  )
})

await check('sum: an exception from an element getter passes through unchanged', () => {
  const boom = new Error('boom')
  const input = [1, 2]
  Object.defineProperty(input, 1, {
    get() {
      throw boom
    },
  })
  let caught
  try {
    sum(input)
  } catch (error) {
    caught = error
  }
  is(caught, boom, 'the thrown value')
})

// ── Calculator ──────────────────────────────────────────────────────────────────────────────

await check('Calculator: IEEE-754 arithmetic, chained, with a readable value', () => {
  is(new Calculator().value, 0)
  const calc = new Calculator(10)
  is(calc.add(5), 15)
  is(calc.subtract(3), 12)
  is(calc.multiply(2), 24)
  is(calc.divide(5), 4.8)
  is(calc.value, 4.8)
  is(calc.reset(), 0)
  is(calc.reset(7), 7)
  is(new Calculator(0.1).add(0.2), 0.1 + 0.2)
  is(new Calculator(-1).multiply(0), -0)
})

await check('Calculator: ERR_OUT_OF_RANGE for non-finite values and results, value kept', () => {
  const calc = new Calculator(Number.MAX_VALUE)
  throws(() => calc.multiply(2), {
    type: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message:
      'Calculator.multiply: The result is out of range. 1.7976931348623157e+308 * 2 overflows to Infinity; the value stays 1.7976931348623157e+308',
  })
  is(calc.value, Number.MAX_VALUE)
  throws(() => calc.divide(0), {
    type: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message:
      'Calculator.divide: The value of "n" is out of range. It must be a non-zero number (division by zero). Received 0',
  })
  throws(() => calc.add(NaN), { type: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  throws(() => new Calculator(Infinity), {
    type: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message:
      'new Calculator: The value of "initial" is out of range. It must be a finite number. Received Infinity',
  })
  throws(() => calc.reset(-Infinity), { type: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  is(calc.value, Number.MAX_VALUE)
})

await check('Calculator: ERR_INVALID_ARG_TYPE, never coercing', () => {
  const calc = new Calculator(1)
  throws(() => calc.add('2'), {
    type: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: `Calculator.add: The "n" argument must be of type number. Received type string ('2')`,
  })
  throws(() => calc.add({ valueOf: () => 2 }), { type: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  throws(() => new Calculator(null), {
    type: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'new Calculator: The "initial" argument must be of type number. Received null',
  })
  is(calc.value, 1)
})

await check('Calculator: ERR_CONSTRUCT_CALL_REQUIRED without new', () => {
  const expected = {
    type: 'TypeError',
    code: 'ERR_CONSTRUCT_CALL_REQUIRED',
    message: "Class constructor Calculator cannot be invoked without 'new'",
  }
  throws(() => Calculator(1), expected)
  throws(() => ({ Calculator }).Calculator(1), expected)
  const calc = new Calculator(2)
  throws(() => calc.constructor.call(calc, 5), expected)
  throws(() => Calculator.call(Object.create(Calculator.prototype), 5), expected)
  is(calc.value, 2)
})

await check('Calculator: ERR_INVALID_THIS from the value getter on a foreign this', () => {
  const getter = Object.getOwnPropertyDescriptor(Calculator.prototype, 'value').get
  const calc = new Calculator(2)
  for (const foreign of [{}, null, 1, Object.create(Calculator.prototype), new Proxy(calc, {})]) {
    throws(() => getter.call(foreign), {
      type: 'TypeError',
      code: 'ERR_INVALID_THIS',
      message: /^Calculator\.value: Value of "this" must be of type Calculator\. Received /,
    })
  }
  is(getter.call(calc), 2)
})

await check('Calculator: ERR_INVALID_THIS from every method on a foreign this', () => {
  for (const method of ['add', 'subtract', 'multiply', 'divide', 'reset']) {
    for (const foreign of [{}, null, 1, Object.create(Calculator.prototype)]) {
      throws(() => Calculator.prototype[method].call(foreign, 1), {
        type: 'TypeError',
        code: 'ERR_INVALID_THIS',
        message: new RegExp(
          `^Calculator\\.${method}: Value of "this" must be of type Calculator\\.`,
        ),
      })
    }
  }
  const calc = new Calculator(2)
  is(Calculator.prototype.add.call(calc, 3), 5)
})

await check('Calculator: read-only value, independent instances, subclasses', () => {
  const a = new Calculator(1)
  const b = new Calculator(2)
  a.add(10)
  is(b.value, 2)
  throws(
    () => {
      'use strict'
      a.value = 5
    },
    { type: 'TypeError' },
  )
  is(a.value, 11)
  class Doubler extends Calculator {
    double() {
      return this.multiply(2)
    }
  }
  const d = new Doubler(4)
  is(d instanceof Calculator, true, 'instanceof')
  is(d.double(), 8)
})

await check('Calculator: Reflect.construct with a subclass as newTarget, as a JS class', () => {
  class Doubling extends Calculator {
    double() {
      return this.add(this.value)
    }
  }
  const built = Reflect.construct(Calculator, [3], Doubling)
  is(built instanceof Doubling, true, 'instanceof the newTarget')
  is(built.double(), 6)
  if (WASM) {
    // mylib-wasm's Calculator is a plain JS function: it builds an object of any newTarget, as a
    // JS class does, and Calculator's methods accept it (its README says so).
    const other = Reflect.construct(Calculator, [3], Date)
    is(Object.getPrototypeOf(other), Date.prototype, 'prototype')
    is(Calculator.prototype.add.call(other, 1), 4)
  } else {
    // The addon refuses a newTarget that is no Calculator: that object would have none of its
    // methods (see the README).
    throws(() => Reflect.construct(Calculator, [3], Date), {
      type: 'TypeError',
      code: 'ERR_CONSTRUCT_CALL_REQUIRED',
      message: "Class constructor Calculator cannot be invoked without 'new'",
    })
  }
})

// ── createUser ──────────────────────────────────────────────────────────────────────────────

await check('createUser: a plain JSON object, ids over the whole u32 range', () => {
  const user = createUser(7, ' Ada Lovelace ', 'ada@example.com')
  is(Object.getPrototypeOf(user), Object.prototype, 'prototype')
  is(JSON.stringify(user), '{"id":7,"name":" Ada Lovelace ","email":"ada@example.com"}')
  is(createUser(4294967295, '\uD800', 'a@b').id, 4294967295)
  is(createUser(-0, 'a', 'a@b').id, 0)
})

await check('createUser: ERR_OUT_OF_RANGE and ERR_INVALID_ARG_TYPE', () => {
  throws(() => createUser(4294967296, 'Ada', 'a@b'), {
    type: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message:
      'createUser: The value of "id" is out of range. It must be >= 0 and <= 4294967295. Received 4294967296',
  })
  throws(() => createUser(1.5, 'Ada', 'a@b'), { type: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  throws(() => createUser('1', 'Ada', 'a@b'), {
    type: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: `createUser: The "id" argument must be of type number. Received type string ('1')`,
  })
  throws(() => createUser(1, 'Ada', { toString: () => 'a@b' }), {
    type: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'createUser: The "email" argument must be of type string. Received type object',
  })
})

await check('createUser: ERR_INVALID_ARG_VALUE for a blank name or an invalid e-mail', () => {
  for (const name of ['', ' \t', '\u00A0', '\uFEFF', '\u3000']) {
    throws(() => createUser(1, name, 'a@b'), {
      type: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: /^createUser: The argument 'name' must not be empty or only whitespace\. Received '/,
    })
  }
  for (const email of ['a', 'a@b..c', 'é@x', `a@${'b'.repeat(64)}`]) {
    throws(() => createUser(1, 'a', email), {
      type: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: /^createUser: The argument 'email' must be a valid e-mail address\. Received '/,
    })
  }
  is(createUser(1, 'a', "!#$%&'*+/=?^_`{|}~-@x-y.z").email, "!#$%&'*+/=?^_`{|}~-@x-y.z")
})

// ── fetchData, against loopback servers started here ────────────────────────────────────────

const UTF8_TEXT = 'héllo wörld — 🦀 ✓'
const MiB = 1024 * 1024
const clientPorts = new Set()
const routes = {
  '/utf8': (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(UTF8_TEXT),
  '/latin1': (_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/plain; charset=ISO-8859-1' })
      .end(Buffer.from('héllo ÿ', 'latin1')),
  '/empty': (_req, res) => res.writeHead(204).end(),
  '/pool': (req, res) => {
    clientPorts.add(req.socket.remotePort)
    res.end('ok')
  },
  '/user-agent': (req, res) => res.end(req.headers['user-agent'] ?? ''),
  '/echo-header': (req, res) => res.end(req.headers['x-mylib'] ?? ''),
  '/redirect': (_req, res) => res.writeHead(302, { location: '/utf8' }).end(),
  '/headers': (req, res) => res.end(JSON.stringify(req.headers)),
  '/to-other-origin': (_req, res) =>
    res.writeHead(302, { location: `${otherOrigin}/headers` }).end(),
  '/to-credentials': (_req, res) =>
    res.writeHead(302, { location: `${otherOrigin.replace('//', '//user:pw@')}/headers` }).end(),
  '/x-gzip-twice': (_req, res) =>
    res.writeHead(200, { 'content-encoding': 'X-GZIP, gzip' }).end(gzipSync(gzipSync('twice'))),
  '/x-gzip': (_req, res) =>
    res.writeHead(200, { 'content-encoding': 'x-gzip' }).end(gzipSync('x-gzip')),
  '/raw-deflate': (_req, res) =>
    res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateRawSync('raw')),
  '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
  '/bad-location': (_req, res) => res.writeHead(307, { location: 'http://user:s3cret@[::1' }).end(),
  '/slow': (_req, res) => setTimeout(() => res.end('late'), 300),
  '/hang': () => {},
  '/slow-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).write('early ')
    setTimeout(() => res.end('late'), 300)
  },
  '/too-large': (_req, res) => {
    res.writeHead(200, { 'content-length': String(33 * MiB) })
    res.write(Buffer.alloc(MiB))
  },
  // Written before `end`, so sent chunked, without a Content-Length.
  '/too-large-chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).write(Buffer.alloc(40 * MiB, 'a'))
    res.end()
  },
}
const pending = new Set()
const http = createServer((req, res) => {
  pending.add(res)
  res.on('close', () => pending.delete(res))
  const route = routes[req.url]
  if (route) route(req, res)
  else res.writeHead(404).end('not found')
})
// A TCP server that is no HTTP server: it drops `/reset` requests and answers others with bytes
// that are not HTTP.
const sockets = new Set()
const tcp = createTcpServer((socket) => {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
  socket.on('error', () => {})
  socket.once('data', (data) => {
    if (data.toString('latin1').startsWith('GET /reset ')) socket.destroy()
    else socket.end('garbage\r\n\r\n')
  })
})
const listen = (server) =>
  new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server.address().port))
  })
// Another origin (another port), which echoes the request headers.
const other = createServer((req, res) => res.end(JSON.stringify(req.headers)))
const otherOrigin = `http://127.0.0.1:${await listen(other)}`
const base = `http://127.0.0.1:${await listen(http)}`
const tcpBase = `http://127.0.0.1:${await listen(tcp)}`
const closed = createTcpServer()
const closedPort = await listen(closed)
await new Promise((resolve) => closed.close(resolve))

await check('fetchData: bodies decoded by charset, 204, redirects, User-Agent', async () => {
  is(await fetchData(`${base}/utf8`), UTF8_TEXT, 'utf-8')
  is(await fetchData(`${base}/latin1`), 'héllo ÿ', 'latin1')
  is(await fetchData(`${base}/empty`), '', '204')
  is(await fetchData(`${base}/redirect`, { timeoutMs: 5000 }), UTF8_TEXT, 'redirect')
  const agent = await fetchData(`${base}/user-agent`)
  if (!/^mylib\/\d+\.\d+\.\d+$/.test(agent)) fail(`User-Agent ${agent}`)
})

await check('fetchData: one pooled connection across sequential calls', async () => {
  for (let i = 0; i < 5; i++) await fetchData(`${base}/pool`)
  is(
    clientPorts.size,
    documented('fetch-connections').connections,
    'client ports seen by the server',
  )
})

await check('fetchData: does not block the event loop', async () => {
  let ticks = 0
  const timer = setInterval(() => ticks++, 10)
  try {
    is(await fetchData(`${base}/slow`), 'late')
  } finally {
    clearInterval(timer)
  }
  if (ticks < 5) fail(`only ${ticks} timer ticks during a 300 ms request`)
})

await check('fetchData: ERR_HTTP_STATUS with a numeric status', async () => {
  const error = await rejects(() => fetchData(`${base}/missing`), {
    type: 'Error',
    code: 'ERR_HTTP_STATUS',
    message: `fetchData: GET ${base}/missing responded with 404 Not Found`,
  })
  is(error.status, 404, 'status')
})

await check('fetchData: ETIMEDOUT named TimeoutError', async () => {
  await rejects(() => fetchData(`${base}/hang`, { timeoutMs: 150 }), {
    type: 'Error',
    code: 'ETIMEDOUT',
    name: 'TimeoutError',
    message: `fetchData: GET ${base}/hang timed out after 150 ms`,
  })
})

await check('fetchData: the timeout covers the body too', async () => {
  await rejects(() => fetchData(`${base}/slow-body`, { timeoutMs: 100 }), {
    type: 'Error',
    code: 'ETIMEDOUT',
  })
  is(await fetchData(`${base}/slow-body`, { timeoutMs: 5000 }), 'early late')
})

await check('fetchData: ERR_BODY_TOO_LARGE, announced or streamed', async () => {
  for (const path of ['/too-large', '/too-large-chunked']) {
    await rejects(() => fetchData(`${base}${path}`), {
      type: 'Error',
      code: 'ERR_BODY_TOO_LARGE',
      message: /exceeds the limit of 33554432 bytes$/,
    })
  }
})

await check('fetchData: headers sent, maxBytes, signal with its reason as cause', async () => {
  is(await fetchData(`${base}/echo-header`, { headers: { 'x-mylib': 'yes' } }), 'yes', 'header')
  await rejects(() => fetchData(`${base}/utf8`, { maxBytes: 5 }), {
    type: 'Error',
    code: 'ERR_BODY_TOO_LARGE',
    message: `fetchData: GET ${base}/utf8: the response body exceeds the limit of 5 bytes`,
  })
  const controller = new AbortController()
  const reason = new Error('stop')
  const hanging = fetchData(`${base}/hang`, { signal: controller.signal })
  setTimeout(() => controller.abort(reason), 50)
  const expected = {
    type: 'Error',
    code: 'ABORT_ERR',
    name: 'AbortError',
    message: 'fetchData: The operation was aborted',
  }
  is((await rejects(() => hanging, expected)).cause, reason, 'cause')
  const already = AbortSignal.abort(reason)
  is((await rejects(() => fetchData(`${base}/utf8`, { signal: already }), expected)).cause, reason)
})

await check('fetchData: the ca option', async () => {
  const { type, code, message } = documented('fetch-ca')
  await rejects(() => fetchData(`${base}/utf8`, { ca: 'no certificate here' }), {
    type,
    code,
    message: new RegExp(message),
  })
})

await check('fetchData: ERR_TOO_MANY_REDIRECTS', async () => {
  await rejects(() => fetchData(`${base}/loop`), {
    type: 'Error',
    code: 'ERR_TOO_MANY_REDIRECTS',
    message: new RegExp(`^fetchData: GET ${base}/loop: more than 20 redirects`),
  })
})

await check('fetchData: ECONNREFUSED, ECONNRESET, ERR_NETWORK', async () => {
  await rejects(() => fetchData(`http://127.0.0.1:${closedPort}/`), {
    type: 'Error',
    code: 'ECONNREFUSED',
    message: new RegExp(
      `^fetchData: GET http://127\\.0\\.0\\.1:${closedPort}/ failed \\(ECONNREFUSED\\): `,
    ),
  })
  await rejects(() => fetchData(`${tcpBase}/reset`), {
    type: 'Error',
    code: 'ECONNRESET',
    message: /^fetchData: GET .*\/reset failed \(ECONNRESET\): /,
  })
  const { code } = documented('fetch-garbage-response')
  await rejects(() => fetchData(`${tcpBase}/garbage`), {
    type: 'Error',
    code,
    message: new RegExp(`^fetchData: GET .*/garbage failed \\(${code}\\): `),
  })
})

await check('fetchData: ENOTFOUND, resolved without any network traffic', async () => {
  // A 64-character label is longer than DNS allows: the system resolver refuses it before it
  // would send a query, so this lookup fails on the machine itself.
  const host = `${'a'.repeat(64)}.invalid`
  const { code, says } = documented('fetch-unresolvable-host')
  await rejects(() => fetchData(`http://${host}/`), {
    type: 'Error',
    code,
    message: new RegExp(`^fetchData: GET http://${host}/ failed \\(${code}\\): .*${says}`),
  })
})

await check(
  'fetchData: headers as a record, Headers, Map or pairs; trimmed, combined',
  async () => {
    const inits = [
      { Authorization: ' Bearer a\t', authorization: 'b' },
      new Headers([
        ['authorization', 'Bearer a'],
        ['Authorization', 'b'],
      ]),
      new Map([
        ['authorization', 'Bearer a'],
        ['AUTHORIZATION', 'b'],
      ]),
      [
        ['authorization', 'Bearer a'],
        ['authorization', 'b'],
      ],
    ]
    for (const headers of inits) {
      const seen = JSON.parse(await fetchData(`${base}/headers`, { headers }))
      is(seen.authorization, 'Bearer a, b', headers.constructor.name)
    }
    await rejects(() => fetchData(`${base}/headers`, { headers: [['no value']] }), {
      type: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message:
        /^fetchData: The "options\.headers\[0\]" argument must be an array of a name and a value/,
    })
  },
)

await check('fetchData: connection and framing headers refused or left off', async () => {
  for (const name of ['transfer-encoding', 'keep-alive', 'upgrade', 'expect']) {
    await rejects(() => fetchData(`${base}/headers`, { headers: { [name]: 'x' } }), {
      type: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: new RegExp(
        `^fetchData: The argument 'options\\.headers\\['${name}'\\]' must not be set`,
      ),
    })
  }
  const seen = JSON.parse(
    await fetchData(`${base}/headers`, { headers: { 'content-length': '5', connection: 'close' } }),
  )
  is(seen['content-length'], undefined, 'content-length')
  is(seen.connection, 'close', 'connection')
})

await check('fetchData: credentials stay with their origin, no Referer, ever', async () => {
  const headers = {
    authorization: 'Bearer a',
    cookie: 'c=1',
    'proxy-authorization': 'p',
    'x-b': 'kept',
  }
  const seen = JSON.parse(await fetchData(`${base}/to-other-origin`, { headers }))
  deepIs(
    ['authorization', 'cookie', 'proxy-authorization', 'referer', 'x-b'].map((name) => seen[name]),
    [undefined, undefined, undefined, undefined, 'kept'],
    'headers seen by the other origin',
  )
  // A network error, as in Node's fetch (see `fetch-redirect-credentials`); the reason is the
  // client's own words.
  if (documented('fetch-redirect-credentials').refused) {
    const refused = await rejects(() => fetchData(`${base}/to-credentials`), {
      type: 'Error',
      code: 'ERR_NETWORK',
    })
    if (refused.message.includes('pw@')) fail(`the credentials are shown: ${refused.message}`)
  } else {
    // Followed: still without the caller's own credentials.
    const followed = JSON.parse(await fetchData(`${base}/to-credentials`, { headers }))
    if (followed.authorization === headers.authorization) fail('the Authorization was sent on')
    is(followed.cookie, undefined, 'cookie after a redirect with credentials')
  }
})

await check('fetchData: a Location that does not parse, its password never shown', async () => {
  const expected = WASM
    ? // The host's `fetch` refuses the redirect (mylib-wasm's README says so).
      { type: 'Error', code: 'ERR_NETWORK' }
    : {
        type: 'TypeError',
        code: 'ERR_INVALID_URL',
        message: new RegExp(
          `^fetchData: Invalid URL 'http://\\[::1': .*\\(redirected from ${base}/bad-location\\)$`,
        ),
      }
  const error = await rejects(() => fetchData(`${base}/bad-location`), expected)
  if (error.message.includes('s3cret')) fail(`the password is shown: ${error.message}`)
  if (String(error.input).includes('s3cret')) fail(`the password is in input: ${error.input}`)
})

await check(
  'fetchData: one AbortSignal shared by 30 calls, no MaxListenersExceededWarning',
  async () => {
    const warnings = []
    const onWarning = (warning) => warnings.push(warning.name)
    process.on('warning', onWarning)
    try {
      const signal = new AbortController().signal
      const bodies = await Promise.all(
        Array.from({ length: 30 }, () => fetchData(`${base}/utf8`, { signal })),
      )
      is(
        bodies.every((body) => body === UTF8_TEXT),
        true,
        'every body',
      )
      // A warning is emitted on a later tick.
      await new Promise((resolve) => setTimeout(resolve, 20))
    } finally {
      process.off('warning', onWarning)
    }
    deepIs(
      warnings.filter((name) => name === 'MaxListenersExceededWarning'),
      [],
      'warnings',
    )
  },
)

await check('fetchData: Content-Encoding lists, x-gzip and raw deflate', async () => {
  // Decoded (`true`), or handed over still encoded (see `fetch-content-codings`).
  const expected = documented('fetch-content-codings')
  const bodies = await Promise.all(
    ['/x-gzip-twice', '/x-gzip', '/raw-deflate'].map((path) => fetchData(`${base}${path}`)),
  )
  is(bodies[0] === 'twice', expected.list, 'X-GZIP, gzip decoded')
  is(bodies[1] === 'x-gzip', expected.xGzip, 'x-gzip decoded')
  is(bodies[2] === 'raw', expected.rawDeflate, 'raw deflate decoded')
})

await check('fetchData: ERR_INVALID_URL with its input, ERR_INVALID_URL_SCHEME', async () => {
  const hidden = await rejects(() => fetchData('http://user:s3cret@[::1/'), {
    type: 'TypeError',
    code: 'ERR_INVALID_URL',
    // The reason after the input is the URL parser's (see `invalid-url-reason`).
    message: /^fetchData: Invalid URL 'http:\/\/\[::1\/': /,
  })
  is(hidden.input, 'http://[::1/', 'input without its credentials')
  const error = await rejects(() => fetchData('not a url'), {
    type: 'TypeError',
    code: 'ERR_INVALID_URL',
    message: `fetchData: Invalid URL 'not a url': ${documented('invalid-url-reason').reason}`,
  })
  is(error.input, 'not a url', 'input')
  await rejects(() => fetchData('ftp://127.0.0.1/file'), {
    type: 'TypeError',
    code: 'ERR_INVALID_URL_SCHEME',
    message: "fetchData: The URL must be of scheme http or https. Received 'ftp:'",
  })
})

await check('fetchData: bad arguments reject (never throw)', async () => {
  const url = `${base}/utf8`
  await rejects(() => fetchData(42), {
    type: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'fetchData: The "url" argument must be of type string. Received type number (42)',
  })
  await rejects(() => fetchData(url, null), {
    type: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: /"options".*Received null$/,
  })
  await rejects(() => fetchData(url, { timeoutMs: '100' }), {
    type: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: /"options\.timeoutMs"/,
  })
  await rejects(() => fetchData(url, { timeoutMs: 0 }), {
    type: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message: /"options\.timeoutMs".*Received 0$/,
  })
  const boom = new Error('getter boom')
  const options = {
    get timeoutMs() {
      throw boom
    },
  }
  const promise = fetchData(url, options)
  is(
    await promise.then(
      () => 'resolved',
      (error) => error,
    ),
    boom,
    'the getter exception',
  )
  is(await fetchData(url, { timeoutMs: undefined }), UTF8_TEXT, 'undefined timeoutMs')
})

for (const response of pending) response.destroy()
for (const socket of sockets) socket.destroy()
await Promise.all(
  [http, tcp, other].map((server) => new Promise((resolve) => server.close(resolve))),
)

finish()
process.exit(summary.failed === 0 ? 0 : 1)

function finish() {
  if (resultsPath) writeFileSync(resultsPath, `${JSON.stringify(summary, null, 2)}\n`)
  console.log(`${summary.passed} passed, ${summary.failed} failed`)
}
