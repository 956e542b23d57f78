// fetchData and the life of the process: it never keeps Node alive on its own, and it works
// when the addon is loaded in several worker threads, or only in workers.
import test from 'ava'

import { ADDON_URL, runNode } from './helpers/child.js'
import { startServer, type TestServer } from './helpers/server.js'

let server: TestServer

test.before(async () => {
  server = await startServer({
    '/ok': (_req, res) => res.end('ok'),
    '/silent': () => {
      // Never answers.
    },
  })
})

test.after.always(() => server?.close())

const load = `const { fetchData } = await import(${JSON.stringify(ADDON_URL)})`

test('a process whose fetches have settled exits at once', async (t) => {
  const result = await runNode(`${load}
    const bodies = await Promise.all([1, 2, 3].map(() => fetchData('${server.url}/ok')))
    await fetchData('${server.url}/missing').catch(() => {})
    console.log(bodies.join(','))`)
  t.is(result.code, 0, result.stderr)
  t.is(result.stdout.trim(), 'ok,ok,ok')
  t.true(
    result.afterFirstLine < 1000,
    `exited ${Math.round(result.afterFirstLine)} ms after settling`,
  )
})

test('proxy environment variables are ignored, as by Node', async (t) => {
  const proxy = 'http://127.0.0.1:9'
  const result = await runNode(
    `${load}
    console.log(await fetchData('${server.url}/ok'))`,
    {
      env: {
        HTTP_PROXY: proxy,
        http_proxy: proxy,
        HTTPS_PROXY: proxy,
        ALL_PROXY: proxy,
        all_proxy: proxy,
      },
    },
  )
  t.is(result.code, 0, result.stderr)
  t.is(result.stdout.trim(), 'ok')
})

test('an un-awaited request to a silent server holds the process only until its timeout', async (t) => {
  // The child times itself: when its output reaches this process can lag (Windows Node under
  // Wine delivers it late), so the time from its first line would be too short.
  const result = await runNode(`${load}
    const started = performance.now()
    process.on('exit', () => console.log(Math.round(performance.now() - started)))
    fetchData('${server.url}/silent', { timeoutMs: 500 }).catch((err) => console.error(err.code))`)
  t.is(result.code, 0, result.stderr)
  t.is(result.stderr.trim(), 'ETIMEDOUT')
  const held = Number(result.stdout.trim())
  t.true(held >= 450, `waits for the timeout: exited ${held} ms after the call`)
  t.true(held < 1500, `exited ${held} ms after the call`)
})

test('works in several worker threads at once, and when only workers load it', async (t) => {
  const result = await runNode(`
    import('node:worker_threads').then(async ({ Worker }) => {
      const work = (n) => new Promise((resolve, reject) => {
        const worker = new Worker(
          \`const { parentPort } = require('node:worker_threads')
           const { fetchData } = require(require('node:url').fileURLToPath(${JSON.stringify(ADDON_URL)}))
           Promise.all(Array.from({ length: ${'${n}'} }, () => fetchData('${server.url}/ok')))
             .then((bodies) => parentPort.postMessage(bodies.every((b) => b === 'ok') && bodies.length))\`,
          { eval: true, execArgv: [] },
        )
        worker.once('message', resolve)
        worker.once('error', reject)
      })
      // Four at once, then one after another (the runtime may restart in between).
      console.log((await Promise.all([25, 25, 25, 25].map(work))).join(','))
      console.log(await work(10))
      console.log(await work(10))
    })`)
  t.is(result.code, 0, result.stderr)
  t.deepEqual(result.stdout.trim().split('\n'), ['25,25,25,25', '10', '10'])
})
