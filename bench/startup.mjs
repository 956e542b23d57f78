// Start-up: cold `require` time in a fresh process (median of 15), mylib vs undici, and size.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'

import { environment, ROOT, record } from './harness.mjs'

const RUNS = 15

function requireMs(path) {
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, [
      '-e',
      `const t = process.hrtime.bigint(); require(${JSON.stringify(path)}); console.log(Number(process.hrtime.bigint() - t) / 1e6)`,
    ])
    times.push(Number(out))
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(RUNS / 2)]
}

export default async function startupBench() {
  const undici = createRequire(import.meta.url).resolve('undici')
  const rows = [
    { contender: "require('mylib')", ms: requireMs(join(ROOT, 'main.cjs')) },
    { contender: "require('undici')", ms: requireMs(undici) },
  ]
  for (const row of rows) {
    row.ratio = row.ms / rows[1].ms
    row.display = `${row.ms.toFixed(2)} ms`
  }
  record({
    concept: 'start-up',
    name: `cold require, median of ${RUNS}`,
    reference: "require('undici')",
    unit: 'ms',
    rows,
    target: {
      contender: "require('mylib')",
      text: 'require under 15 ms',
      met: (row) => row.ms < 15,
    },
  })
  const bytes = environment().nodeFileBytes
  record({
    concept: 'binary size',
    name: 'stripped mylib.linux-x64-gnu.node',
    reference: 'mylib',
    unit: 'bytes',
    rows: [
      {
        contender: 'mylib',
        ratio: 1,
        display: `${(bytes / 1024 / 1024).toFixed(2)} MiB (${bytes.toLocaleString('en')} bytes)`,
      },
    ],
    target: {
      contender: 'mylib',
      text: 'stripped .node under 3 MB (3,000,000 bytes)',
      met: () => bytes < 3_000_000,
    },
  })
}
