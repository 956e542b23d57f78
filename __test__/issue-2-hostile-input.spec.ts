// Regressions from a hostile review of 0.1: inputs that used to crash the process (stack overflow
// inside napi-rs's error conversion), swallow the caller's exception, or let a polluted
// Object.prototype intercept mylib's errors. Each probe runs in a child process so a crash is
// reported as a failure instead of taking the test runner down.
import test from 'ava'

import { ADDON_URL, runNode } from './helpers/child.js'

const probe = async (t: import('ava').ExecutionContext, body: string, expected: string[]) => {
  const result = await runNode(`const m = await import(${JSON.stringify(ADDON_URL)});\n${body}`)
  t.is(result.signal, null, `killed by ${result.signal}: ${result.stderr.slice(-500)}`)
  t.is(result.code, 0, result.stderr.slice(-2000))
  t.deepEqual(result.stdout.trim().split('\n'), expected)
}

test('errors thrown with the JS stack nearly full do not crash', async (t) => {
  await probe(
    t,
    `
    const calls = [
      () => m.greet(1),
      () => m.sum([1.5]),
      () => new m.Calculator(NaN),
      () => m.createUser(-1, 'a', 'a@b'),
      () => { m.fetchData('nope').catch(() => {}) },
    ]
    for (const call of calls) {
      const dive = () => { try { dive() } catch {} try { call() } catch {} }
      dive()
    }
    console.log('survived')`,
    ['survived'],
  )
})

test("the caller's own exceptions come back unchanged, whatever they are", async (t) => {
  await probe(
    t,
    `
    const url = 'http://127.0.0.1:1/'
    const evil = { toString() { throw evil } }
    console.log((await m.fetchData(url, { get timeoutMs() { throw evil } }).catch((e) => e)) === evil)
    console.log((await m.fetchData(url, { get timeoutMs() { throw 42 } }).catch((e) => e)) === 42)
    const e = new Error('x')
    Object.defineProperty(e, 'cause', { get() { throw new Error('cause getter') } })
    let promise
    try { promise = m.fetchData(url, { get timeoutMs() { throw e } }) } catch { console.log('threw synchronously') }
    console.log((await promise.catch((x) => x)) === e)
    const opts = { get timeoutMs() { m.fetchData(url, opts).catch(() => {}); return 5 } }
    await m.fetchData(url, opts).catch(() => {})
    console.log('recursive getter survived')
    const holey = [1, , 3]
    Object.setPrototypeOf(holey, new Proxy([], { has() { throw evil } }))
    try { m.sum(holey) } catch (x) { console.log(x === evil) }
    // Construction checks new.target, not instanceof: a throwing Symbol.hasInstance is not run.
    Object.defineProperty(m.Calculator, Symbol.hasInstance, { value() { throw evil } })
    try { console.log(new m.Calculator(1).value) } catch (x) { console.log(x === evil) }`,
    ['true', 'true', 'true', 'recursive getter survived', 'true', '1'],
  )
})

test('setters on Object.prototype cannot intercept or break mylib errors', async (t) => {
  await probe(
    t,
    `
    const { createServer } = await import('node:http')
    const server = createServer((_q, r) => r.writeHead(404).end()).listen(0, '127.0.0.1')
    await new Promise((r) => server.on('listening', r))
    const url = 'http://127.0.0.1:' + server.address().port + '/'
    await m.fetchData(url).catch(() => {})
    for (const key of ['status', 'name', 'code', 'cause', 'input']) {
      Object.defineProperty(Object.prototype, key, {
        set() { throw new Error('setter ' + key) }, get() { return 'hijacked' }, configurable: true,
      })
    }
    const notFound = await m.fetchData(url).catch((x) => x)
    console.log(notFound.code, notFound.status, Object.hasOwn(notFound, 'status'))
    const aborted = await m.fetchData(url, { signal: AbortSignal.abort(new Error('r')) }).catch((x) => x)
    console.log(aborted.name, aborted.code, aborted.cause.message)
    const bad = await m.fetchData('nope').catch((x) => x)
    console.log(bad.code, bad.input)
    try { m.sum([1.5]) } catch (x) { console.log(x.code, x instanceof RangeError) }
    server.close()`,
    [
      'ERR_HTTP_STATUS 404 true',
      'AbortError ABORT_ERR r',
      'ERR_INVALID_URL nope',
      'ERR_OUT_OF_RANGE true',
    ],
  )
})
