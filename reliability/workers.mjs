// `npm run test:workers`: mylib in worker threads. Two child processes, against a loopback
// server in this process:
// 1. The main thread loads mylib, then WORKER_ROUNDS rounds (default 20) of 8 workers that load
//    it at the same time and run every export; in each round 3 of the 8 are terminated while
//    their fetches are still in flight (to a server that never answers). After the rounds the
//    main thread runs every export again and must exit 0.
// 2. mylib is loaded only inside workers, never in the main thread: 8 at once, then the process
//    must exit 0 on its own.
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

import { ADDON, checks, finish, lastResult, record, runChild, startServer } from './common.mjs'

const ROUNDS = Number(process.env.WORKER_ROUNDS || 20)
const WORKERS = 8
const TERMINATED = [1, 4, 6]

/** The code a worker runs: every export, then a report; `hang` adds fetches that never settle. */
const workerCode = (base) => `
  const { parentPort, workerData } = require('node:worker_threads')
  const m = require(${JSON.stringify(ADDON)})
  const errorCode = (call) => { try { call(); return 'no error' } catch (err) { return err.code } }
  const calc = new m.Calculator(1)
  const sync = [
    m.greet('worker'),
    m.sum([1, 2, 3]),
    calc.add(2),
    calc.divide(4),
    m.createUser(1, 'Ada', 'ada@example.com').email,
    errorCode(() => m.greet(1)),
    errorCode(() => calc.divide(0)),
  ]
  if (workerData.hang) {
    for (let i = 0; i < 20; i++) m.fetchData('${base}/silent').catch(() => {})
    parentPort.postMessage({ inflight: true })
  } else {
    Promise.all([
      m.fetchData('${base}/ok'),
      m.fetchData('${base}/missing').catch((err) => err.code),
    ]).then((fetched) => parentPort.postMessage({ results: [...sync, ...fetched] }))
  }
`

const EXPECTED = JSON.stringify([
  'Hello, worker!',
  6,
  3,
  0.75,
  'ada@example.com',
  'ERR_INVALID_ARG_TYPE',
  'ERR_OUT_OF_RANGE',
  'ok',
  'ERR_HTTP_STATUS',
])

/** Runs one worker; resolves with what it reported, terminating it first if it hangs. */
function runWorker(base, hang) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerCode(base), { eval: true, workerData: { hang } })
    worker.once('error', reject)
    worker.once('message', async (message) => {
      if (message.inflight) {
        const code = await worker.terminate()
        resolve({ terminated: code })
      } else {
        worker.once('exit', (code) => resolve({ ...message, exit: code }))
      }
    })
  })
}

async function mainAndWorkers(base) {
  const { createRequire } = await import('node:module')
  const m = createRequire(import.meta.url)(ADDON)
  const counts = { rounds: 0, workers: 0, terminated: 0, wrong: [] }
  for (let round = 0; round < ROUNDS; round++) {
    const outcomes = await Promise.all(
      Array.from({ length: WORKERS }, (_, i) => runWorker(base, TERMINATED.includes(i))),
    )
    for (const outcome of outcomes) {
      counts.workers++
      if ('terminated' in outcome) counts.terminated++
      else if (JSON.stringify(outcome.results) !== EXPECTED || outcome.exit !== 0) {
        counts.wrong.push(outcome)
      }
    }
    counts.rounds++
  }
  // The main thread is healthy: every export still works here.
  counts.main = [
    m.greet('main'),
    m.sum([1, 2]),
    new m.Calculator(2).multiply(3),
    m.createUser(2, 'B', 'b@c').id,
    await m.fetchData(`${base}/ok`),
  ]
  console.log(JSON.stringify({ result: counts }))
}

async function onlyInWorkers(base) {
  const outcomes = await Promise.all(Array.from({ length: WORKERS }, () => runWorker(base, false)))
  const good = outcomes.filter((o) => JSON.stringify(o.results) === EXPECTED && o.exit === 0)
  console.log(JSON.stringify({ result: { workers: outcomes.length, good: good.length } }))
}

async function parent() {
  const server = await startServer({
    '/ok': (_req, res) => res.end('ok'),
    '/silent': () => {
      // Never answers.
    },
  })
  const self = fileURLToPath(import.meta.url)
  const counts = checks()
  const { check } = counts
  const started = performance.now()
  const first = await runChild(self, { args: ['--main', server.url], killAfter: 300_000 })
  const a = lastResult(first.stdout)
  check(
    first.code === 0 && first.signal === null,
    `main + workers: exit ${first.code}, signal ${first.signal}`,
  )
  check(a?.rounds === ROUNDS, `${a?.rounds} of ${ROUNDS} rounds of ${WORKERS} workers`)
  check(
    a?.terminated === ROUNDS * TERMINATED.length,
    `${a?.terminated} workers terminated with fetches in flight`,
  )
  check(
    a?.wrong.length === 0,
    `every other worker got every result right ${JSON.stringify(a?.wrong)}`,
  )
  check(
    JSON.stringify(a?.main) === JSON.stringify(['Hello, main!', 3, 6, 2, 'ok']),
    `the main thread still works: ${JSON.stringify(a?.main)}`,
  )
  const second = await runChild(self, { args: ['--only-workers', server.url], killAfter: 60_000 })
  const b = lastResult(second.stdout)
  check(
    second.code === 0 && second.signal === null,
    `only in workers: exit ${second.code}, signal ${second.signal}`,
  )
  check(
    b?.good === WORKERS,
    `${b?.good} of ${WORKERS} workers right, main thread never loaded mylib`,
  )
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  await server.close()
  await record('workers', {
    ok: counts.failed === 0,
    summary: `${a?.rounds ?? 0} rounds of ${WORKERS} workers loading mylib at once and running every export (${a?.workers ?? 0} workers, ${a?.terminated ?? 0} of them terminated with 20 fetches in flight each); the main thread then ran every export and exited ${first.code}. With mylib only in workers: ${b?.good ?? 0}/${WORKERS} right, exit ${second.code}. ${seconds} s.`,
  })
  finish('workers', counts.passed, counts.failed)
}

if (process.argv[2] === '--main') await mainAndWorkers(process.argv[3])
else if (process.argv[2] === '--only-workers') await onlyInWorkers(process.argv[3])
else await parent()
