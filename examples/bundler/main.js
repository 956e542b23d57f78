// The app of the bundler test (scripts/wasm-bundler.mjs): mylib-wasm imported by its package
// name and every export called as its README shows, built by a bundler (Vite, esbuild) from a
// project where mylib-wasm is installed like any package. The page lists each call's outcome
// and, when the test serves it, posts them to /report.
import mylib, { Calculator, createUser, fetchData, greet, sum } from 'mylib-wasm'

const config = await (await fetch('./config.json')).json()

function is(actual, expected) {
  if (!Object.is(actual, expected)) {
    throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

/** Calls `fn`, which must throw (or reject) an error of class `type` with `code`; returns it. */
async function failure(fn, type, code) {
  try {
    await fn()
  } catch (error) {
    const got = `${error?.constructor?.name} [${error?.code}] ${error?.message}`
    if (!(error instanceof type) || error.code !== code) {
      throw new Error(`expected a ${type.name} ${code}, got ${got}`, { cause: error })
    }
    return error
  }
  throw new Error(`expected a ${type.name} ${code}, nothing was thrown`)
}

const checks = {
  "greet('Ada') is 'Hello, Ada!'": () => is(greet('Ada'), 'Hello, Ada!'),
  'sum(new Int32Array([2147483647, 1])) is 2147483648, never wrapped': () =>
    is(sum(new Int32Array([2147483647, 1])), 2147483648),
  'new Calculator(10).add(5) is 15': () => is(new Calculator(10).add(5), 15),
  "createUser(1, 'Ada', 'ada@example.com') is a plain object": () =>
    is(
      JSON.stringify(createUser(1, 'Ada', 'ada@example.com')),
      '{"id":1,"name":"Ada","email":"ada@example.com"}',
    ),
  "createUser(1, ' ', …) throws a TypeError ERR_INVALID_ARG_VALUE": async () => {
    const error = await failure(
      () => createUser(1, ' ', 'ada@example.com'),
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    )
    is(
      error.message,
      "createUser: The argument 'name' must not be empty or only whitespace. Received ' '",
    )
  },
  'fetchData with timeoutMs, signal, headers and maxBytes': async () => {
    const body = await fetchData(`${config.api}/echo-header`, {
      timeoutMs: 5000,
      signal: AbortSignal.timeout(10_000),
      headers: { 'x-mylib': 'sent' },
      maxBytes: 1024 * 1024,
    })
    is(body, 'sent')
    is(await fetchData(`${config.api}/utf8`), 'héllo wörld — 🦀 ✓')
  },
  'fetchData of a 404 rejects with ERR_HTTP_STATUS, err.status 404': async () => {
    const error = await failure(() => fetchData(`${config.api}/missing`), Error, 'ERR_HTTP_STATUS')
    is(error.status, 404)
  },
  "the default import holds every export (import mylib from 'mylib-wasm')": () => {
    const named = { Calculator, createUser, fetchData, greet, sum }
    for (const [name, value] of Object.entries(named)) {
      if (mylib[name] !== value) throw new Error(`mylib.${name} is not the named export`)
    }
  },
}

const results = []
for (const [name, check] of Object.entries(checks)) {
  try {
    await check()
    results.push({ name })
  } catch (error) {
    results.push({ name, error: String(error?.message ?? error) })
  }
}
const list = document.getElementById('results')
for (const { name, error } of results) {
  const item = document.createElement('li')
  item.textContent = error ? `not ok: ${name}: ${error}` : `ok: ${name}`
  list.append(item)
}
if (config.report) {
  await fetch('./report', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userAgent: navigator.userAgent, results }),
  })
}
