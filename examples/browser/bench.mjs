// The sync cases of bench/wasm.mjs, timed in the page (mylib-wasm against plain JS; there is no
// native addon in a browser), for `npm run bench:wasm`. Every contender's answer is checked
// against the others' first. Each case runs batches of calls for `timeMs` and reports the median
// batch time per call.
import { Calculator, createUser, greet, sum } from 'mylib-wasm'

// The plain JS contenders of bench/*.mjs (served by server.mjs).
import { JsCalculator, flip, forLoop, jsCreateUser } from '/bench/reference.mjs'

const array10 = Array.from({ length: 10 }, (_, i) => ((i * 2654435761) % 2001) - 1000)
const typed1M = Int32Array.from({ length: 1_000_000 }, (_, i) => ((i * 2654435761) % 2001) - 1000)

function cases() {
  const wasmCalc = new Calculator(0)
  const jsCalc = new JsCalculator()
  return [
    ['greet', "greet('Ada')", 1000, () => greet('Ada'), () => `Hello, ${'Ada'}!`],
    ['sum', 'a number[] of 10', 1000, () => sum(array10), () => forLoop(array10)],
    ['sum', 'an Int32Array of 1,000,000', 1, () => sum(typed1M), () => forLoop(typed1M)],
    ['Calculator', 'add(1) then add(-1)', 1000, () => flip(wasmCalc), () => flip(jsCalc)],
    [
      'createUser',
      "createUser(42, 'Ada Lovelace', 'ada@example.com')",
      500,
      () => createUser(42, 'Ada Lovelace', 'ada@example.com'),
      () => jsCreateUser(42, 'Ada Lovelace', 'ada@example.com'),
    ],
  ]
}

/** Where results go, so that the engine cannot drop a call whose result is unused (an exported
 * binding is observable from outside). */
export let sink

/** A batch size from `batch` up whose run takes at least 2 ms: the page's clock is coarse
 * (Chromium rounds `performance.now()` to 100 µs for pages that are not cross-origin isolated). */
function calibrate(run, batch) {
  for (;;) {
    const start = performance.now()
    for (let i = 0; i < batch; i++) sink = run()
    if (performance.now() - start >= 2) return batch
    batch *= 2
  }
}

/** The median time per call of `run`, in nanoseconds, over batches of calls. */
function median(run, batch, timeMs) {
  batch = calibrate(run, batch)
  const samples = []
  const end = performance.now() + timeMs
  while (performance.now() < end || samples.length < 5) {
    const start = performance.now()
    for (let i = 0; i < batch; i++) sink = run()
    samples.push((performance.now() - start) / batch)
  }
  samples.sort((a, b) => a - b)
  return samples[samples.length >> 1] * 1e6
}

/** Times every case; resolves to [{ concept, name, wasmNs, jsNs }]. */
export async function runBench(timeMs = 500) {
  const results = []
  for (const [concept, name, batch, wasm, js] of cases()) {
    if (JSON.stringify(wasm()) !== JSON.stringify(js())) {
      throw new Error(`${concept} / ${name}: mylib-wasm and plain JS disagree`)
    }
    median(wasm, batch, timeMs / 4)
    median(js, batch, timeMs / 4)
    results.push({
      concept,
      name,
      wasmNs: median(wasm, batch, timeMs),
      jsNs: median(js, batch, timeMs),
    })
    // Let the page breathe between cases.
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  return results
}
