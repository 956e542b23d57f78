// `npm run test:leak`: mylib loses no memory and no file descriptors. In two child processes with
// --expose-gc, each after LEAK_WARMUP_ROUNDS (default 2) identical unmeasured rounds: one calls
// each sync export LEAK_CALLS times (default 1,000,000; every other call takes the error path,
// which allocates an error object), the other calls fetchData LEAK_FETCHES times (default 20,000:
// a quarter each of success, 404, timeout and abort) against a loopback server in the same
// process. After gc(), RSS and `external` must have grown by less than 10 MB from the baseline,
// and every file descriptor opened during the measured round (/proc/self/fd) must be closed again
// once the server has closed its side of the pooled connections.
import { createRequire } from 'node:module'
import process from 'node:process'
import { setImmediate, setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import {
  ADDON,
  checks,
  fdTargets,
  fdsLeftOpen,
  finish,
  lastResult,
  openFds,
  record,
  runChild,
  startServer,
} from './common.mjs'

const CALLS = Number(process.env.LEAK_CALLS || 1_000_000)
const FETCHES = Number(process.env.LEAK_FETCHES || 20_000)
const LIMIT_MB = 10
const WARMUP_ROUNDS = Number(process.env.LEAK_WARMUP_ROUNDS || 2)
const MB = 1024 * 1024

/**
 * Runs `count` sync calls of `call(i)`, which alternates between success and error itself, in
 * batches of 1,000 that yield to the event loop in between, as a program does between events:
 * Node runs the finalizers that free a wrapped object's native memory (a Calculator) only when
 * the loop turns, so a single synchronous loop would hold all of them until its end.
 */
async function repeat(count, call) {
  let errors = 0
  for (let i = 0; i < count; i++) {
    try {
      call(i)
    } catch {
      errors++
    }
    if (i % 1_000 === 999) await setImmediate()
  }
  return errors
}

/** The sync workloads: each call succeeds on even `i` and throws on odd `i`. */
function syncWorkloads(m) {
  return {
    greet: (i) => m.greet(i % 2 ? i : 'Ada'),
    sum: (i) => m.sum(i % 2 ? [1, 2.5] : [1, 2, 3, i]),
    Calculator: (i) => new m.Calculator(i).divide(i % 2 ? 0 : 2),
    createUser: (i) => m.createUser(i % 2 ? -1 : i, 'Ada', 'ada@example.com'),
  }
}

/** `count` fetches, `concurrency` at a time, cycling through success, 404, timeout and abort. */
async function fetches(m, base, count, concurrency = 64) {
  const kinds = [
    () => m.fetchData(`${base}/ok`),
    () => m.fetchData(`${base}/missing`),
    () => m.fetchData(`${base}/silent`, { timeoutMs: 20 }),
    () => {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 5)
      return m.fetchData(`${base}/silent`, { signal: controller.signal })
    },
  ]
  const outcomes = {}
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      const key = await kinds[i % kinds.length]().then(
        (body) => `ok:${body}`,
        (err) => err.code,
      )
      outcomes[key] = (outcomes[key] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return outcomes
}

async function settle() {
  for (let i = 0; i < 10; i++) {
    globalThis.gc()
    await sleep(20)
  }
}

/** A signed figure with two decimals. */
const sign = (n) => `${n >= 0 ? '+' : ''}${n.toFixed(2)}`
/** An object's entries in key order, as JSON. */
const sorted = (o) => JSON.stringify(Object.entries(o).toSorted())

const memory = () => {
  const { rss, external, heapTotal, heapUsed } = process.memoryUsage()
  return { rss, external, heapTotal, heapUsed, fds: openFds() }
}

/** Runs one round of `kind` (`sync` or `fetch`); returns what it saw. */
async function round(m, kind) {
  const workloads = syncWorkloads(m)
  if (kind === 'sync') {
    const errors = {}
    for (const [name, call] of Object.entries(workloads)) errors[name] = await repeat(CALLS, call)
    return { errors }
  }
  const server = await startServer({
    '/ok': (_req, res) => res.end('ok'),
    '/silent': () => {
      // Never answers: the client times out or aborts.
    },
  })
  const outcomes = await fetches(m, server.url, FETCHES)
  await server.close()
  return { outcomes }
}

async function child(kind) {
  const m = createRequire(import.meta.url)(ADDON)
  // Warm-up: the same round, unmeasured. Code gets compiled, the runtime and connection pool
  // created, and the allocator and the JS heap reach their high-water marks, which they keep
  // (freed memory is reused, not returned). Growth over the measured round is then what a leak
  // would add: 10 bytes lost per call would be 10 MB per million calls.
  for (let i = 0; i < WARMUP_ROUNDS; i++) await round(m, kind)
  await sleep(200)
  await settle()
  const before = memory()
  const beforeTargets = fdTargets()
  const started = performance.now()
  const seen = await round(m, kind)
  const leftOpen = await fdsLeftOpen(beforeTargets, 10_000)
  await settle()
  const after = memory()
  const seconds = (performance.now() - started) / 1000
  console.log(JSON.stringify({ result: { before, after, leftOpen, seconds, ...seen } }))
}

async function parent() {
  console.log(`leak test: ${CALLS} calls per sync export, ${FETCHES} fetches`)
  const counts = checks()
  const { check } = counts
  const figures = {}
  for (const kind of ['sync', 'fetch']) {
    const run = await runChild(fileURLToPath(import.meta.url), {
      args: ['--child', kind],
      nodeArgs: ['--expose-gc'],
    })
    const result = lastResult(run.stdout)
    check(
      run.code === 0 && run.signal === null && result,
      `${kind}: child exits 0 (code ${run.code}, signal ${run.signal})`,
    )
    if (!result) continue
    const { before, after, leftOpen } = result
    const rss = (after.rss - before.rss) / MB
    const external = (after.external - before.external) / MB
    check(rss < LIMIT_MB, `${kind}: RSS grew by ${rss.toFixed(2)} MB (limit ${LIMIT_MB})`)
    check(
      external < LIMIT_MB,
      `${kind}: external grew by ${external.toFixed(2)} MB (limit ${LIMIT_MB})`,
    )
    check(
      leftOpen.length === 0,
      `${kind}: no fd opened during the round is still open (${before.fds} before, ${after.fds} after${leftOpen.length ? `; still open: ${leftOpen.join(', ')}` : ''})`,
    )
    figures[kind] =
      `RSS ${sign(rss)} MB (${(before.rss / MB).toFixed(1)} → ${(after.rss / MB).toFixed(1)} MB), external ${sign(external)} MB, open fds ${before.fds} → ${after.fds}; ${result.seconds.toFixed(1)} s measured`
    for (const [name, count] of Object.entries(result.errors ?? {})) {
      check(count === CALLS / 2, `${name}: ${CALLS} calls, ${count} of them errors`)
    }
    if (result.outcomes) {
      const quarter = FETCHES / 4
      const expected = {
        'ok:ok': quarter,
        ERR_HTTP_STATUS: quarter,
        ETIMEDOUT: quarter,
        ABORT_ERR: quarter,
      }
      check(
        sorted(result.outcomes) === sorted(expected),
        `fetchData outcomes ${JSON.stringify(result.outcomes)}`,
      )
    }
  }
  await record('leak', {
    ok: counts.failed === 0,
    summary: `Each in its own child process, after ${WARMUP_ROUNDS} identical warm-up rounds; growth after \`gc()\` (limits: < ${LIMIT_MB} MB, every fd opened during the round closed again):`,
    lines: [
      `${CALLS.toLocaleString('en')} calls of each sync export (greet, sum, Calculator, createUser; half of them errors): ${figures.sync ?? 'no figures'}`,
      `${FETCHES.toLocaleString('en')} \`fetchData\` calls (${FETCHES / 4} each: success, 404, timeout, abort): ${figures.fetch ?? 'no figures'}`,
    ],
  })
  finish('leak', counts.passed, counts.failed)
}

if (process.argv[2] === '--child') await child(process.argv[3])
else await parent()
