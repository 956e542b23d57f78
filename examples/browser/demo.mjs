// The page's script: a few calls of every export, shown in a table, then the browser checks
// (checks.mjs), whose results the page shows and, when served by the test (server.mjs), posts
// back to it.
import { Calculator, createUser, fetchData, greet, sum } from 'mylib-wasm'

import { runChecks } from './checks.mjs'

const config = await (await fetch('./config.json')).json()
const $ = (id) => document.getElementById(id)

const name = $('name')
const showGreeting = () => {
  $('greeting').value = greet(name.value)
}
name.addEventListener('input', showGreeting)
showGreeting()

/** Adds a row: the call's source and what it gave (or the error's class, code and message). */
async function show(source, call) {
  let text
  try {
    const value = await call()
    text =
      typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch (error) {
    text = `${error.constructor.name} [${error.code}] ${error.message}`
  }
  const row = $('calls').insertRow()
  row.insertCell().innerHTML = `<code></code>`
  row.cells[0].firstChild.textContent = source
  row.insertCell().textContent = text
}

await show("greet('Ada')", () => greet('Ada'))
await show('sum(new Int32Array([2147483647, 1]))', () => sum(new Int32Array([2147483647, 1])))
await show('new Calculator(10).add(5)', () => new Calculator(10).add(5))
await show('new Calculator(1).divide(0)', () => new Calculator(1).divide(0))
await show("createUser(1, 'Ada Lovelace', 'ada@example.com')", () =>
  createUser(1, 'Ada Lovelace', 'ada@example.com'),
)
await show("createUser(1, ' ', 'ada@example.com')", () => createUser(1, ' ', 'ada@example.com'))
await show(`await fetchData('${config.api}/utf8')`, () => fetchData(`${config.api}/utf8`))

const results = await runChecks(config.api)
for (const { name: check, error } of results) {
  const row = $('checks').insertRow()
  row.insertCell().innerHTML = error
    ? '<span class="fail">not ok</span>'
    : '<span class="ok">ok</span>'
  row.insertCell().textContent = error ? `${check}: ${error}` : check
}
const failed = results.filter((result) => result.error).length
$('summary').textContent = `${results.length - failed} passed, ${failed} failed`
// The benchmark of the sync exports, when the server asks for it (`npm run bench:wasm`).
const bench = config.bench ? await (await import('./bench.mjs')).runBench(config.bench) : null
if (config.report) {
  await fetch('./report', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userAgent: navigator.userAgent, results, bench }),
  })
}
