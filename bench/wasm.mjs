// `npm run bench:wasm`: mylib-wasm's sync exports in Node against the native addon and plain JS,
// each case first checking that every contender gives the same answer (bench/harness.mjs), then
// then the same cases in headless Chromium (the demo page, examples/browser/bench.mjs), writing
// bench/wasm-results.json and the README's "mylib-wasm" benchmark tables from the run.
// `--smoke` (CI): a short run that checks the answers and writes nothing.
//
// Needs crates/mylib-wasm/pkg (npm run build:wasm) and the native addon (npm run build).
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus } from 'node:os'
import { join } from 'node:path'

import { replaceSection } from '../runtimes/readme.mjs'
import { Missing } from '../scripts/common.mjs'
import { runPage } from '../scripts/wasm-browser.mjs'
import { PKG, wasmSize } from '../scripts/wasm.mjs'
import { ROOT, compare, formatNs, ratioTarget, results } from './harness.mjs'
import { JsCalculator, flip, forLoop, jsCreateUser } from './reference.mjs'

const SMOKE = process.argv.includes('--smoke')
const wasm = await import(join(PKG, 'node.mjs'))
const native = createRequire(import.meta.url)(join(ROOT, 'main.cjs'))
const WASM = 'mylib-wasm'
const NATIVE = 'mylib (native)'

/** The three contenders of a case: wasm, native, and the plain JS `js`. */
const three = (name, call, js) => [
  { name: WASM, run: () => call(wasm) },
  { name: NATIVE, run: () => call(native) },
  { name, run: js },
]

const array10 = Array.from({ length: 10 }, (_, i) => ((i * 2654435761) % 2001) - 1000)
const typed1M = Int32Array.from({ length: 1_000_000 }, (_, i) => ((i * 2654435761) % 2001) - 1000)
const calculators = {
  [WASM]: new wasm.Calculator(0),
  [NATIVE]: new native.Calculator(0),
  js: new JsCalculator(0),
}

await compare({
  concept: 'greet',
  name: "greet('Ada')",
  reference: 'JS template literal',
  batch: 1000,
  contenders: three(
    'JS template literal',
    (m) => m.greet('Ada'),
    () => `Hello, ${'Ada'}!`,
  ),
})
await compare({
  concept: 'sum',
  name: 'a number[] of 10',
  reference: 'JS for loop',
  batch: 1000,
  contenders: three(
    'JS for loop',
    (m) => m.sum(array10),
    () => forLoop(array10),
  ),
})
await compare({
  concept: 'sum',
  name: 'an Int32Array of 1,000,000',
  reference: 'JS for loop',
  target: ratioTarget(WASM, 'mylib-wasm at least 2× faster than the JS for loop', (r) => r <= 0.5),
  contenders: three(
    'JS for loop',
    (m) => m.sum(typed1M),
    () => forLoop(typed1M),
  ),
})
await compare({
  concept: 'Calculator',
  name: 'add(1) then add(-1)',
  reference: 'JS class',
  batch: 1000,
  contenders: [
    { name: WASM, run: () => flip(calculators[WASM]) },
    { name: NATIVE, run: () => flip(calculators[NATIVE]) },
    { name: 'JS class', run: () => flip(calculators.js) },
  ],
})
await compare({
  concept: 'createUser',
  name: "createUser(42, 'Ada Lovelace', 'ada@example.com')",
  reference: 'JS function',
  batch: 500,
  contenders: three(
    'JS function',
    (m) => m.createUser(42, 'Ada Lovelace', 'ada@example.com'),
    () => jsCreateUser(42, 'Ada Lovelace', 'ada@example.com'),
  ),
})

const environment = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  wasm: wasmSize(),
}

/** The same sync cases timed in headless Chromium by the demo page (examples/browser/bench.mjs). */
async function inChromium() {
  try {
    const { version, report } = await runPage({
      benchMs: Number(process.env.BENCH_TIME_MS ?? 1000),
    })
    console.log(`\nIn ${version} (ratio: time ÷ plain JS)`)
    for (const row of report.bench) {
      const ratio = row.wasmNs / row.jsNs
      console.log(
        `  ${row.concept} — ${row.name}: mylib-wasm ${formatNs(row.wasmNs)}, JS ${formatNs(row.jsNs)}, ×${ratio.toFixed(2)}`,
      )
    }
    return { version, rows: report.bench }
  } catch (error) {
    if (!(error instanceof Missing)) throw error
    console.log(`wasm-bench: Chromium skipped (${error.message})`)
    return null
  }
}
const chromium = await inChromium()

/** The README table: per case, each contender's median time and its ratios. */
function render({ environment: env, results: cases, chromium: browser }) {
  const lines = [
    `Node ${env.node} on ${env.cpu} (${env.cores} cores), medians of one \`npm run bench:wasm\` run; the .wasm is ${env.wasm.raw} bytes, ${env.wasm.gzip} gzipped. Ratios are time ÷ the plain JS contender's (lower is faster).`,
    '',
    '| Case | mylib-wasm | mylib (native) | plain JS | wasm ÷ JS | wasm ÷ native | Target |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ]
  for (const entry of cases) {
    const row = (name) => entry.rows.find((r) => r.contender === name)
    const [w, n, js] = [row(WASM), row(NATIVE), row(entry.reference)]
    const verdict = entry.verdict
      ? `${entry.verdict.text}: ${entry.verdict.met ? 'met' : '**missed**'}`
      : ''
    lines.push(
      `| ${entry.concept}: \`${entry.name}\` | ${formatNs(w.medianNs)} | ${formatNs(n.medianNs)} | ${formatNs(js.medianNs)} (${entry.reference}) | ${w.ratio.toFixed(2)}× | ${(w.medianNs / n.medianNs).toFixed(2)}× | ${verdict} |`,
    )
  }
  if (browser) {
    lines.push(
      '',
      `In ${browser.version} (headless, on the same machine), the demo page times the same cases, mylib-wasm against plain JS (there is no native addon in a browser):`,
      '',
      '| Case | mylib-wasm | plain JS | wasm ÷ JS |',
      '| --- | --- | --- | --- |',
    )
    for (const row of browser.rows) {
      lines.push(
        `| ${row.concept}: \`${row.name}\` | ${formatNs(row.wasmNs)} | ${formatNs(row.jsNs)} | ${(row.wasmNs / row.jsNs).toFixed(2)}× |`,
      )
    }
  }
  return lines.join('\n')
}

const missed = results.filter((entry) => entry.verdict && !entry.verdict.met)
if (!SMOKE) {
  const run = { environment, results, chromium }
  writeFileSync(join(ROOT, 'bench', 'wasm-results.json'), `${JSON.stringify(run, null, 2)}\n`)
  await replaceSection('<!-- wasm-bench:begin', '<!-- wasm-bench:end -->', render(run))
  console.log('README.md: the mylib-wasm benchmark table is regenerated from this run')
}
console.log(`wasm-bench: ${results.length} passed, 0 failed`)
if (missed.length) console.log(`targets missed: ${missed.map((m) => m.verdict.text).join('; ')}`)
