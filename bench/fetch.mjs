// fetchData vs Node's global fetch + .text() vs undici.request + body.text(), against the same
// loopback server in a separate process, at concurrency 1 and 64; then the same three over HTTPS
// (keep-alive, a 16 KiB body sent gzip-encoded; undici.request's body gunzipped by node:zlib, as
// it does not decode) against a node:https server with a throwaway CA that every client trusts. The server is nginx (one worker
// process serving a static file) when it is installed (`apt-get install nginx-light`): it needs
// the least CPU, which leaves the most to the clients being measured. Without nginx, a node:http
// server in a child process stands in. Reports requests/s and CPU time per request (whole
// process, and the main JS thread alone, read from /proc).
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'

import { Agent, request } from 'undici'

import { testPki } from '../scripts/pki.mjs'
import { BODY, GZIP_TEXT } from './fetch-bodies.mjs'
import { nodeServer, serverProcess } from './fetch-servers.mjs'
import { record } from './harness.mjs'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000)
/** Timed passes per contender and concurrency; the median one is reported. */
const ROUNDS = 5
const CLOCK_TICK_MS = 10 // USER_HZ = 100 on Linux

/** CPU milliseconds of the main thread (task id = pid), from /proc. */
function mainThreadCpuMs() {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS
}

async function measure(run, concurrency, expected = BODY) {
  let next = 0
  const cpu = process.cpuUsage()
  const mainCpu = mainThreadCpuMs()
  const started = performance.now()
  const worker = async () => {
    while (next < REQUESTS) {
      next++
      if ((await run()) !== expected) throw new Error('wrong body')
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return {
    reqPerSec: REQUESTS / seconds,
    cpuUsPerReq: (used.user + used.system) / REQUESTS,
    mainCpuUsPerReq: ((mainThreadCpuMs() - mainCpu) * 1000) / REQUESTS,
  }
}

/**
 * Times `contenders` against one server at concurrency 1 and 64 and records each pass, after
 * checking that every contender returns `expected`. `target` (optional) judges concurrency 64.
 */
async function compareFetches({ server, label, contenders, expected, target }) {
  for (const { name, run } of contenders) {
    if ((await run()) !== expected) throw new Error(`fetch: ${name} returned a different body`)
  }
  for (const concurrency of [1, 64]) {
    // A warm-up pass each (connections, JIT), then ROUNDS passes taken in turn, so that a
    // passing disturbance on this shared machine hits every contender alike; each contender's
    // median pass is what is reported.
    for (const { run } of contenders) await measure(run, concurrency, expected)
    const passes = contenders.map(() => [])
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, { run }] of contenders.entries())
        passes[i].push(await measure(run, concurrency, expected))
    }
    const rows = contenders.map(({ name }, i) => {
      const sorted = passes[i].toSorted((a, b) => a.reqPerSec - b.reqPerSec)
      const m = sorted[Math.floor(ROUNDS / 2)]
      const low = Math.round(sorted[0].reqPerSec).toLocaleString('en')
      const high = Math.round(sorted.at(-1).reqPerSec).toLocaleString('en')
      return {
        contender: name,
        reqPerSec: m.reqPerSec,
        cpuUsPerReq: m.cpuUsPerReq,
        mainCpuUsPerReq: m.mainCpuUsPerReq,
        display: `${Math.round(m.reqPerSec).toLocaleString('en')} req/s (${low}–${high}), CPU ${m.cpuUsPerReq.toFixed(0)} µs/req (main ${m.mainCpuUsPerReq.toFixed(0)})`,
      }
    })
    const base = rows.find((row) => row.contender === 'Node fetch + text()')
    // Higher is better for req/s: the ratio is req/s over the reference's req/s.
    for (const row of rows) row.ratio = row.reqPerSec / base.reqPerSec
    record({
      concept: 'fetchData',
      target: concurrency === 64 ? target : undefined,
      name: `${label}${REQUESTS.toLocaleString('en')} requests, concurrency ${concurrency}`,
      server: server.name,
      reference: 'Node fetch + text()',
      unit: 'req/s',
      rows,
    })
  }
}

export default async function fetchBench(addon) {
  const server = await serverProcess()
  console.log(`\nfetchData server: ${server.name}`)
  try {
    await compareFetches({
      server,
      label: '',
      expected: BODY,
      contenders: [
        { name: 'mylib fetchData', run: () => addon.fetchData(server.url) },
        { name: 'Node fetch + text()', run: () => fetch(server.url).then((r) => r.text()) },
        {
          name: 'undici.request + text()',
          run: () => request(server.url).then((r) => r.body.text()),
        },
      ],
      target: {
        contender: 'mylib fetchData',
        text: '≥ 2× Node fetch req/s at concurrency 64, and at least undici.request',
        met: (row, all) =>
          row.ratio >= 2 &&
          row.reqPerSec >= all.find((r) => r.contender === 'undici.request + text()').reqPerSec,
      },
    })
  } finally {
    server.stop()
  }
  await httpsBench(addon)
}

/** The HTTPS case: rustls, webpki and the gzip decoder on the request path. */
async function httpsBench(addon) {
  const pki = testPki('IP:127.0.0.1')
  const { port, stop } = await nodeServer({
    MYLIB_BENCH_TLS_KEY: pki.key,
    MYLIB_BENCH_TLS_CERT: pki.cert,
  })
  const url = `https://127.0.0.1:${port}/`
  const server = { name: 'node:https in a child process, a 16 KiB body sent gzip-encoded' }
  console.log(`\nfetchData server: ${server.name}`)
  // Node's fetch and undici.request each trust the test CA through their own dispatcher.
  const fetchAgent = new Agent({ connect: { ca: pki.ca } })
  const requestAgent = new Agent({ connect: { ca: pki.ca } })
  const gunzipped = promisify(gunzip)
  try {
    await compareFetches({
      server,
      label: 'HTTPS, gzip body: ',
      expected: GZIP_TEXT,
      contenders: [
        { name: 'mylib fetchData', run: () => addon.fetchData(url, { ca: pki.ca }) },
        {
          name: 'Node fetch + text()',
          run: () => fetch(url, { dispatcher: fetchAgent }).then((r) => r.text()),
        },
        {
          name: 'undici.request + text()',
          run: async () => {
            const { body } = await request(url, { dispatcher: requestAgent })
            return (await gunzipped(await body.arrayBuffer())).toString('utf8')
          },
        },
      ],
    })
  } finally {
    await Promise.all([fetchAgent.close(), requestAgent.close()])
    stop()
  }
}
