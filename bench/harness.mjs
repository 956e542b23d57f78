// The shared harness of `npm run bench`: load the bench build, check answers, time, report.
import { deepStrictEqual } from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { Bench } from 'tinybench'

import { withArrayFastPath } from '../sum.cjs'
import { withRecordLiteral } from '../user.cjs'

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
/** The published binary (what users get) and the bench build (same code + the raw floor). */
export const PUBLISHED = join(ROOT, 'mylib.linux-x64-gnu.node')
const BENCH_BUILD = join(ROOT, 'target', 'bench', 'release', 'libmylib_node.so')

/** Builds the bench-only binary (cargo feature `bench-floor`) once and loads it. */
export function loadBenchBuild() {
  execFileSync(
    'cargo',
    [
      'build',
      '--release',
      '--quiet',
      '--features',
      'bench-floor',
      '--target-dir',
      join(ROOT, 'target', 'bench'),
    ],
    { cwd: ROOT, stdio: 'inherit' },
  )
  const module = { exports: {} }
  process.dlopen(module, BENCH_BUILD)
  // As the package's entry point (main.cjs) does: arrays reach the native `sum` as Int32Arrays,
  // and `createUser` builds its record as a JS object literal.
  module.exports.sum = withArrayFastPath(module.exports.sum)
  module.exports.nativeCreateUser = module.exports.createUser
  module.exports.createUser = withRecordLiteral(module.exports.createUser)
  return module.exports
}

/** Facts a reader needs to judge the numbers. */
export function environment() {
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    nodeFileBytes: statSync(PUBLISHED).size,
  }
}

/** Every result of this run, in order. */
export const results = []

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1000)

/**
 * Times contenders that compute the same thing. Before timing, every contender's answer is
 * checked against the first one's: a mismatch aborts the run. Each timed iteration makes
 * `batch` calls, so per-call figures are not swamped by the timer's own cost.
 */
export async function compare({ concept, name, reference, batch = 1, contenders, target }) {
  const expected = contenders[0].run()
  for (const contender of contenders.slice(1)) {
    try {
      deepStrictEqual(contender.run(), expected)
    } catch (err) {
      throw new Error(
        `${concept} / ${name}: ${contender.name} disagrees with ${contenders[0].name}`,
        {
          cause: err,
        },
      )
    }
  }
  const bench = new Bench({ time: TIME_MS, warmupTime: Math.min(250, TIME_MS / 4) })
  for (const { name: label, run } of contenders) {
    bench.add(label, () => {
      for (let i = 0; i < batch; i++) run()
    })
  }
  await bench.run()
  const rows = bench.tasks.map((task) => {
    const latency = task.result.latency
    return {
      contender: task.name,
      medianNs: (latency.p50 * 1e6) / batch,
      spreadPct: (100 * latency.mad) / latency.p50,
      samples: latency.samplesCount,
    }
  })
  const base = rows.find((row) => row.contender === reference)
  for (const row of rows) row.ratio = row.medianNs / base.medianNs
  record({ concept, name, reference, unit: 'ns/call', rows, target })
}

/**
 * Adds a finished case to the results and prints it. A `target` is
 * `{ contender, text, met(row, rows) }`: the verdict is printed plainly and kept in the results.
 */
export function record(entry) {
  if (entry.target) {
    const row = entry.rows.find((candidate) => candidate.contender === entry.target.contender)
    entry.verdict = { text: entry.target.text, met: entry.target.met(row, entry.rows) }
    delete entry.target
  }
  results.push(entry)
  const ratio = entry.unit === 'req/s' ? 'req/s ÷' : 'time ÷'
  console.log(`\n${entry.concept} — ${entry.name} (ratio: ${ratio} ${entry.reference})`)
  for (const row of entry.rows) {
    const value =
      entry.unit === 'ns/call'
        ? `${formatNs(row.medianNs)}/call ±${row.spreadPct.toFixed(1)}%`
        : row.display
    console.log(`  ${row.contender.padEnd(34)} ${value.padEnd(34)} ×${row.ratio.toFixed(2)}`)
  }
  if (entry.verdict) {
    console.log(`  target: ${entry.verdict.text} — ${entry.verdict.met ? 'met' : 'MISSED'}`)
  }
}

/** A target on a contender's ratio to the case's reference. */
export const ratioTarget = (contender, text, met) => ({
  contender,
  text,
  met: (row) => met(row.ratio),
})

export function formatNs(ns) {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`
  return `${ns.toFixed(1)} ns`
}
