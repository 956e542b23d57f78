// `npm run bench`: every concept, one run, one process. `--json` also writes bench/results.json
// (what `npm run bench:render` turns into the README table and bench/ratios.svg);
// `--only=greet,sum` runs a subset. BENCH_TIME_MS and BENCH_REQUESTS shorten a run. `--smoke`
// (CI, with both shortened) ends with "bench: N passed, 0 failed", one per case whose contenders
// all gave the same answer: the timings of such a run mean nothing, so no verdict counts.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import calculator from './calculator.mjs'
import fetchData from './fetch.mjs'
import greet from './greet.mjs'
import { environment, loadBenchBuild, results, ROOT } from './harness.mjs'
import startup from './startup.mjs'
import sum from './sum.mjs'
import user from './user.mjs'

const concepts = { greet, sum, calculator, user, fetch: fetchData, startup }
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')

const addon = loadBenchBuild()
const env = environment()
console.log(
  `Node ${env.node} · ${env.cpu} · ${env.cores} cores · mylib.linux-x64-gnu.node ${(env.nodeFileBytes / 1024 / 1024).toFixed(2)} MiB`,
)
for (const [name, bench] of Object.entries(concepts)) {
  if (!only || only.includes(name)) await bench(addon)
}
if (process.argv.includes('--smoke')) {
  console.log(`\nbench: ${results.length} passed, 0 failed`)
}
if (process.argv.includes('--json')) {
  const file = join(ROOT, 'bench', 'results.json')
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), environment: env, results }, null, 2)}\n`,
  )
  console.log(`\nwrote ${file}`)
}
