// `npm run test:stress`: STRESS_CALLS (default 10,000) fetchData calls, STRESS_CONCURRENCY
// (default 256) at a time, from a child process, against a loopback server in this process that
// delays its answers at random, resets connections, cuts bodies short, answers with error
// statuses or too late. Each call's behaviour is drawn from a seeded generator (the seed is
// printed; STRESS_SEED replays it) and named in its URL, so every outcome is checked exactly:
// the body for the call, ERR_HTTP_STATUS with that status, ETIMEDOUT, or ECONNRESET/ERR_NETWORK
// for a reset. Every promise must settle, and every fd the child opened during the run must be
// closed again.
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import process from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'
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
} from './common.mjs'

const CALLS = Number(process.env.STRESS_CALLS || 10_000)
const CONCURRENCY = Number(process.env.STRESS_CONCURRENCY || 256)
const DEADLINE_MS = 180_000

/** mulberry32: a small seeded generator of floats in [0, 1). */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The behaviours, with their share of the calls. */
const KINDS = [
  ['ok', 0.6],
  ['status', 0.15],
  ['reset', 0.1],
  ['partial', 0.05],
  ['late', 0.1],
]
const STATUSES = [400, 404, 429, 500, 502, 503]
const RESET_CODES = new Set(['ECONNRESET', 'ERR_NETWORK'])

/** The server: `/<kind>/<delay ms>/<status>/<id>`. */
function startFaultyServer() {
  const seen = { requests: 0 }
  const server = createServer((req, res) => {
    seen.requests++
    const [, kind, delay, status, id] = req.url.split('/')
    const act = () => {
      if (kind === 'ok') res.end(`ok ${id}`)
      else if (kind === 'status') res.writeHead(Number(status)).end(`status ${status}`)
      else if (kind === 'reset') req.socket.resetAndDestroy()
      else if (kind === 'partial') {
        res.writeHead(200, { 'content-length': '1000' })
        res.write('only part of the body')
        setTimeout(() => req.socket.destroy(), 5)
      } else if (kind === 'late') setTimeout(() => res.end('too late'), 1000)
    }
    setTimeout(act, Number(delay))
  })
  // Idle keep-alive connections close soon, so the client's fds can come back down.
  server.keepAliveTimeout = 300
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, seen, url: `http://127.0.0.1:${server.address().port}` }),
    ),
  )
}

/** The calls: `{ id, kind, delay, status }` for each, from `seed`. */
function plan(seed) {
  const next = random(seed)
  return Array.from({ length: CALLS }, (_, id) => {
    let r = next()
    const [kind] = KINDS.find(([, share]) => (r -= share) < 0) ?? KINDS[0]
    const delay = Math.floor(next() * 50)
    const status = STATUSES[Math.floor(next() * STATUSES.length)]
    return { id, kind, delay, status }
  })
}

/** Whether one outcome is right for its call. */
function correct(call, outcome) {
  switch (call.kind) {
    case 'ok':
      return outcome.value === `ok ${call.id}`
    case 'status':
      return outcome.code === 'ERR_HTTP_STATUS' && outcome.status === call.status
    case 'reset':
    case 'partial':
      return RESET_CODES.has(outcome.code)
    default:
      return outcome.code === 'ETIMEDOUT'
  }
}

async function child(base, seed) {
  const m = createRequire(import.meta.url)(ADDON)
  const fetchOne = (call) =>
    m
      .fetchData(`${base}/${call.kind}/${call.delay}/${call.status}/${call.id}`, {
        timeoutMs: call.kind === 'late' ? 300 : 60_000,
      })
      .then(
        (value) => ({ value }),
        (err) => ({ code: err.code, status: err.status, documented: err instanceof Error }),
      )
  // Warm-up: the runtime and its fds exist. Its pooled connections may still be open, and may
  // close during the run: only fds opened during the run are checked.
  await Promise.all(
    plan(seed ^ 1)
      .slice(0, 50)
      .map(fetchOne),
  )
  const before = openFds()
  const beforeTargets = fdTargets()
  const calls = plan(seed)
  const outcomes = Array.from({ length: calls.length })
  let settled = 0
  let next = 0
  const started = performance.now()
  const lane = async () => {
    while (next < calls.length) {
      const call = calls[next++]
      outcomes[call.id] = await fetchOne(call)
      settled++
    }
  }
  const done = Promise.all(Array.from({ length: CONCURRENCY }, lane))
  await Promise.race([done, sleep(DEADLINE_MS)])
  const seconds = (performance.now() - started) / 1000
  const wrong = []
  const tally = {}
  calls.forEach((call, id) => {
    const outcome = outcomes[id]
    if (!outcome) return
    const key = outcome.code ?? 'body'
    tally[key] = (tally[key] ?? 0) + 1
    if (!correct(call, outcome)) wrong.push({ call, outcome })
  })
  const leftOpen = await fdsLeftOpen(beforeTargets, 30_000)
  const after = openFds()
  console.log(
    JSON.stringify({
      result: {
        settled,
        wrong: wrong.slice(0, 10),
        wrongCount: wrong.length,
        tally,
        before,
        after,
        leftOpen,
        seconds,
      },
    }),
  )
  process.exit(0)
}

async function parent() {
  const seed = Number(process.env.STRESS_SEED || Date.now() % 2 ** 31)
  console.log(`stress: ${CALLS} calls, ${CONCURRENCY} at a time, seed ${seed}`)
  const { server, seen, url } = await startFaultyServer()
  const run = await runChild(fileURLToPath(import.meta.url), {
    args: ['--child', url, String(seed)],
    killAfter: DEADLINE_MS + 60_000,
  })
  server.closeAllConnections()
  server.close()
  const result = lastResult(run.stdout)
  const counts = checks()
  const { check } = counts
  check(
    run.code === 0 && run.signal === null && result,
    `child exits 0 (code ${run.code}, signal ${run.signal})`,
  )
  check(result?.settled === CALLS, `${result?.settled} of ${CALLS} promises settled`)
  check(
    result?.wrongCount === 0,
    `every outcome is the right one for its call (${result?.wrongCount} wrong${result?.wrongCount ? `: ${JSON.stringify(result.wrong)}` : ''})`,
  )
  check(
    result?.leftOpen?.length === 0,
    `no fd opened during the run is still open (${result?.before} before, ${result?.after} after${result?.leftOpen?.length ? `; still open: ${result.leftOpen.join(', ')}` : ''})`,
  )
  const tally = Object.entries(result?.tally ?? {})
    .map(([key, n]) => `${n} ${key === 'body' ? 'bodies' : `\`${key}\``}`)
    .join(', ')
  await record('stress', {
    ok: counts.failed === 0,
    summary: `${result?.settled ?? 0} of ${CALLS} calls settled in ${result?.seconds?.toFixed(1)} s at concurrency ${CONCURRENCY} (seed ${seed}; the server saw ${seen.requests} requests), every one with the right outcome for its call: ${tally}; open fds ${result?.before} → ${result?.after}.`,
  })
  finish('stress', counts.passed, counts.failed)
}

if (process.argv[2] === '--child') await child(process.argv[3], Number(process.argv[4]))
else await parent()
