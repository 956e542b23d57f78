// The demo behind `npm run demo`: every export of mylib, with its error handling.
//
//   node examples/demo.mjs            fetches from a loopback server this script starts
//   node examples/demo.mjs <url>      fetches <url> instead
import { createServer } from 'node:http'

import { Calculator, createUser, fetchData, greet, sum } from '../index.js'

/** Runs `fn` and prints either its result or the error's class, code and message. */
function show(label, fn) {
  try {
    console.log(`${label} → ${JSON.stringify(fn())}`)
  } catch (err) {
    console.log(`${label} ✗ ${err.name} [${err.code}] ${err.message}`)
  }
}

console.log('— greet')
show("greet('Ada')", () => greet('Ada'))
show("greet('🦀')", () => greet('🦀'))
show('greet(42)', () => greet(42))

console.log('— sum')
show('sum([1, 2, 3])', () => sum([1, 2, 3]))
show('sum(new Int32Array([2147483647, 2147483647]))', () =>
  sum(new Int32Array([2147483647, 2147483647])),
)
show('sum([1, 2.5])', () => sum([1, 2.5]))
show("sum([1, '2'])", () => sum([1, '2']))

console.log('— Calculator')
const calc = new Calculator(10)
show('new Calculator(10).add(5)', () => calc.add(5))
show('.multiply(0.1)', () => calc.multiply(0.1))
show('.divide(0)', () => calc.divide(0))
show('.value (unchanged after the error)', () => calc.value)
show('.reset()', () => calc.reset())

console.log('— createUser')
show("createUser(1, 'Ada Lovelace', 'ada@example.com')", () =>
  createUser(1, 'Ada Lovelace', 'ada@example.com'),
)
show("createUser(-1, 'Ada', 'ada@example.com')", () => createUser(-1, 'Ada', 'ada@example.com'))
show("createUser(1, 'Ada', 'not-an-email')", () => createUser(1, 'Ada', 'not-an-email'))

console.log('— fetchData')
let server
let url = process.argv[2]
if (!url) {
  server = createServer((req, res) => {
    if (req.url === '/hello')
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Hello from loopback ✓')
    else res.writeHead(404).end()
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${server.address().port}/hello`
}
try {
  for (const target of [url, new URL('/missing', url).href, 'ftp://example.invalid/']) {
    try {
      const body = await fetchData(target, { timeoutMs: 5000 })
      console.log(
        `fetchData('${target}') → ${JSON.stringify(body.length > 200 ? `${body.slice(0, 200)}…` : body)}`,
      )
    } catch (err) {
      console.log(`fetchData('${target}') ✗ ${err.name} [${err.code}] ${err.message}`)
    }
  }
} finally {
  server?.close()
}
