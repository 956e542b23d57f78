'use strict'
// Runs every export of a loaded mylib once, with exact expectations, and resolves with what each
// returned. Shared by the install test (CommonJS and ESM consumers of the published package) and
// the arm64 smoke test under qemu, so it is plain CommonJS that Node 18 runs. fetchData reads a
// loopback server started here.
const assert = require('node:assert/strict')
const { createServer } = require('node:http')

/** Starts a loopback HTTP server answering every GET with `body`; resolves with its URL. */
function serve(body) {
  return new Promise((resolve, reject) => {
    const server = createServer((request, response) => {
      response.setHeader('content-type', 'text/plain; charset=utf-8')
      response.end(body)
    })
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, url: `http://127.0.0.1:${server.address().port}/` })
    })
  })
}

/** Checks every export of `mylib` (or, with `wasm`, of mylib-wasm, which has no native loader's
 * `__napiBindingTarget`); resolves with `{ export: result }`. */
async function exercise(mylib, { wasm = false } = {}) {
  // `__esModule`: require(esm)'s marker of a module with a default export (mylib-wasm).
  const names = Object.keys(mylib).filter((name) => name !== 'default' && name !== '__esModule')
  // oxlint-disable-next-line unicorn/no-array-sort -- Node 18 (the arm64 smoke test) has no toSorted
  names.sort()
  const loader = wasm ? [] : ['__napiBindingTarget']
  // oxlint-disable-next-line unicorn/no-array-sort -- as above
  const expected = ['Calculator', ...loader, 'createUser', 'fetchData', 'greet', 'sum'].sort()
  assert.deepEqual(names, expected)
  const results = {}
  results.greet = mylib.greet('Ada')
  assert.equal(results.greet, 'Hello, Ada!')
  assert.throws(() => mylib.greet(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })

  results.sum = mylib.sum([1, 2, 3, 2147483647])
  assert.equal(results.sum, 2147483653)
  assert.throws(() => mylib.sum([1.5]), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })

  const calculator = new mylib.Calculator(10)
  calculator.add(5)
  calculator.multiply(2)
  assert.throws(() => calculator.divide(0), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  results.Calculator = calculator.value
  assert.equal(results.Calculator, 30)

  results.createUser = mylib.createUser(1, 'Ada Lovelace', 'ada@example.com')
  assert.deepEqual(results.createUser, { id: 1, name: 'Ada Lovelace', email: 'ada@example.com' })
  assert.throws(() => mylib.createUser(1, 'Ada', 'not an address'), {
    code: 'ERR_INVALID_ARG_VALUE',
  })

  const { server, url } = await serve('héllo from 127.0.0.1 ✓')
  try {
    results.fetchData = await mylib.fetchData(url, { timeoutMs: 10000 })
    assert.equal(results.fetchData, 'héllo from 127.0.0.1 ✓')
    await assert.rejects(mylib.fetchData('ftp://127.0.0.1/'), { code: 'ERR_INVALID_URL_SCHEME' })
  } finally {
    server.close()
  }

  if (wasm) return results
  // The generated loader's marker of the artifact it loaded.
  const target = 'native'
  results.bindingTarget = mylib[`__napiBindingTarget`]
  assert.equal(results.bindingTarget, target)
  return results
}

module.exports = exercise
