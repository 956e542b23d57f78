// The browser-applicable part of the contract that runtimes/conformance.mjs checks on Node, Deno
// and Bun, run by the page against mylib-wasm: every export and error code, and fetchData
// against a loopback server of another origin that answers with CORS headers (server.mjs).
// Each check resolves to { name, error } (error: undefined when it passed).
import { Calculator, createUser, fetchData, greet, sum } from 'mylib-wasm'

function fail(message) {
  throw new Error(message)
}

function is(actual, expected, what = 'value') {
  if (!Object.is(actual, expected)) {
    fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

/** Checks an error's class, code and message (a string, or a RegExp), and optionally its name. */
function matches(error, { type = 'Error', code, message, name }) {
  const got = `${error?.constructor?.name} [${error?.code}] ${error?.message}`
  if (!(error instanceof globalThis[type])) fail(`expected a ${type}, got ${got}`)
  if (type === 'Error' && error.constructor !== Error) fail(`expected a plain Error, got ${got}`)
  if (error.code !== code) fail(`expected code ${code}, got ${got}`)
  const text = typeof message === 'string' ? error.message === message : message.test(error.message)
  if (!text) fail(`expected message ${message}, got ${got}`)
  if (name && error.name !== name) fail(`expected name ${name}, got ${got}`)
  return error
}

function throws(fn, expected) {
  try {
    fn()
  } catch (error) {
    return matches(error, expected)
  }
  return fail(`expected ${expected.code}, nothing was thrown`)
}

async function rejects(promise, expected) {
  if (!(promise instanceof Promise)) fail('expected a Promise')
  try {
    await promise
  } catch (error) {
    return matches(error, expected)
  }
  return fail(`expected a rejection with ${expected.code}`)
}

const INT32_MAX = 2 ** 31 - 1

/** The checks, by name; `api` is the loopback CORS server's origin. */
function checks(api) {
  return {
    'greet: the template literal, lone surrogates kept': () => {
      for (const name of ['Ada', '', '🦀', 'a\0b', '\uD800', 'x\uDC00\uD800y']) {
        is(greet(name), `Hello, ${name}!`, JSON.stringify(name))
      }
      throws(() => greet(42), {
        type: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
        message: 'greet: The "name" argument must be of type string. Received type number (42)',
      })
    },
    'sum: exact, Int32Array views in place, errors naming the index': () => {
      is(sum([1, 2, 3]), 6)
      is(sum(new Int32Array([INT32_MAX, INT32_MAX, INT32_MAX])), 3 * INT32_MAX)
      is(sum(new Int32Array(new Int32Array([100, 1, 2, 3, 100]).buffer, 4, 3)), 6, 'view')
      is(sum(new Proxy([1, 2], {})), 3, 'a Proxy of an array (documented: sum-array-proxy)')
      throws(() => sum([1, 2, 1.5]), {
        type: 'RangeError',
        code: 'ERR_OUT_OF_RANGE',
        message:
          'sum: The value of "numbers[2]" is out of range. It must be an integer. Received 1.5',
      })
      throws(() => sum(new Float64Array([1])), {
        type: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
        message:
          'sum: The "numbers" argument must be an instance of Array or Int32Array. Received an instance of Float64Array',
      })
    },
    'Calculator: arithmetic, ERR_OUT_OF_RANGE, ERR_INVALID_THIS, ERR_CONSTRUCT_CALL_REQUIRED':
      () => {
        const calc = new Calculator(10)
        is(calc.add(5), 15)
        is(calc.divide(4), 3.75)
        throws(() => calc.divide(0), {
          type: 'RangeError',
          code: 'ERR_OUT_OF_RANGE',
          message:
            'Calculator.divide: The value of "n" is out of range. It must be a non-zero number (division by zero). Received 0',
        })
        is(calc.value, 3.75)
        throws(() => Calculator.prototype.add.call({}, 1), {
          type: 'TypeError',
          code: 'ERR_INVALID_THIS',
          message:
            'Calculator.add: Value of "this" must be of type Calculator. Received type object',
        })
        throws(() => Calculator(1), {
          type: 'TypeError',
          code: 'ERR_CONSTRUCT_CALL_REQUIRED',
          message: "Class constructor Calculator cannot be invoked without 'new'",
        })
        class Doubler extends Calculator {
          double() {
            return this.multiply(2)
          }
        }
        is(new Doubler(4).double(), 8)
      },
    'createUser: a plain object, ERR_OUT_OF_RANGE, ERR_INVALID_ARG_VALUE': () => {
      is(
        JSON.stringify(createUser(7, ' Ada ', 'ada@example.com')),
        '{"id":7,"name":" Ada ","email":"ada@example.com"}',
      )
      throws(() => createUser(4294967296, 'Ada', 'a@b'), {
        type: 'RangeError',
        code: 'ERR_OUT_OF_RANGE',
        message:
          'createUser: The value of "id" is out of range. It must be >= 0 and <= 4294967295. Received 4294967296',
      })
      throws(() => createUser(1, 'a', 'a@b..c'), {
        type: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message:
          "createUser: The argument 'email' must be a valid e-mail address. Received 'a@b..c'",
      })
    },
    'fetchData: bodies by charset, a CORS server of another origin': async () => {
      is(await fetchData(`${api}/utf8`), 'héllo wörld — 🦀 ✓', 'utf-8')
      is(await fetchData(`${api}/latin1`), 'héllo ÿ', 'latin1')
      is(await fetchData(`${api}/empty`), '', '204')
      is(await fetchData(`${api}/redirect`), 'héllo wörld — 🦀 ✓', 'redirect')
    },
    'fetchData: ERR_HTTP_STATUS with its status': async () => {
      const error = await rejects(fetchData(`${api}/missing`), {
        code: 'ERR_HTTP_STATUS',
        message: `fetchData: GET ${api}/missing responded with 404 Not Found`,
      })
      is(error.status, 404, 'status')
    },
    'fetchData: ETIMEDOUT, the body included': async () => {
      await rejects(fetchData(`${api}/hang`, { timeoutMs: 150 }), {
        code: 'ETIMEDOUT',
        name: 'TimeoutError',
        message: `fetchData: GET ${api}/hang timed out after 150 ms`,
      })
      await rejects(fetchData(`${api}/slow-body`, { timeoutMs: 100 }), {
        code: 'ETIMEDOUT',
        message: /timed out after 100 ms$/,
      })
    },
    'fetchData: ABORT_ERR with the signal reason as cause': async () => {
      const controller = new AbortController()
      const pending = fetchData(`${api}/hang`, { signal: controller.signal })
      const reason = new Error('stop')
      setTimeout(() => controller.abort(reason), 50)
      const error = await rejects(pending, {
        code: 'ABORT_ERR',
        name: 'AbortError',
        message: 'fetchData: The operation was aborted',
      })
      is(error.cause, reason, 'cause')
    },
    'fetchData: ERR_BODY_TOO_LARGE, announced or streamed': async () => {
      for (const path of ['/too-large', '/too-large-chunked']) {
        await rejects(fetchData(`${api}${path}`, { maxBytes: 1000 }), {
          code: 'ERR_BODY_TOO_LARGE',
          message: /exceeds the limit of 1000 bytes$/,
        })
      }
    },
    'fetchData: headers are sent, invalid ones refused': async () => {
      is(await fetchData(`${api}/echo-header`, { headers: { 'x-mylib': 'yes' } }), 'yes')
      await rejects(fetchData(`${api}/utf8`, { headers: { 'a b': 'x' } }), {
        type: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: /^fetchData: The argument 'options\.headers\['a b'\]' has an invalid header name/,
      })
    },
    'fetchData: a redirect to ftp: or data: is ERR_NETWORK': async () => {
      // The browser's fetch refuses to follow it and says only "Failed to fetch", as for a
      // server it cannot reach; the addon names the scheme (ERR_INVALID_URL_SCHEME, asserted by
      // __test__/fetch-options.spec.ts).
      for (const path of ['/to-ftp', '/to-data']) {
        await rejects(fetchData(`${api}${path}`), {
          code: 'ERR_NETWORK',
          message: `fetchData: GET ${api}${path} failed (ERR_NETWORK): Failed to fetch`,
        })
      }
    },
    'fetchData: a response without CORS headers is ERR_NETWORK': async () => {
      await rejects(fetchData(`${api}/no-cors`), {
        code: 'ERR_NETWORK',
        message: new RegExp(`^fetchData: GET ${api}/no-cors failed \\(ERR_NETWORK\\): `),
      })
    },
    'fetchData: ERR_INVALID_URL, ERR_INVALID_URL_SCHEME, ca unavailable': async () => {
      const error = await rejects(fetchData('not a url'), {
        type: 'TypeError',
        code: 'ERR_INVALID_URL',
        message: "fetchData: Invalid URL 'not a url': the host's URL parser refused it",
      })
      is(error.input, 'not a url', 'input')
      await rejects(fetchData('ftp://127.0.0.1/file'), {
        type: 'TypeError',
        code: 'ERR_INVALID_URL_SCHEME',
        message: "fetchData: The URL must be of scheme http or https. Received 'ftp:'",
      })
      await rejects(fetchData(`${api}/utf8`, { ca: '-----BEGIN CERTIFICATE-----' }), {
        type: 'TypeError',
        code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM',
        message: /^fetchData: The "options\.ca" option is unavailable on this platform: /,
      })
    },
  }
}

/** Runs every check in order; resolves to [{ name, error }]. */
export async function runChecks(api) {
  const results = []
  for (const [name, check] of Object.entries(checks(api))) {
    try {
      await check()
      results.push({ name })
    } catch (error) {
      results.push({ name, error: String(error?.message ?? error) })
    }
  }
  return results
}
