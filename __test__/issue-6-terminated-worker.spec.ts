// Regression from the reliability work (issue 6): a worker terminated with requests in flight
// left them running on the shared tokio runtime until their own timeout while another thread
// kept mylib loaded, holding their sockets and the origin's 64 in-flight slots, so the other
// thread's requests to that origin stalled. Now a thread's requests end with its environment.
import test from 'ava'

import { ADDON, ADDON_URL, runNode } from './helpers/child.js'

test("a terminated worker's requests end with it, and free their origin for other threads", async (t) => {
  const result = await runNode(`
    const { Worker } = await import('node:worker_threads')
    const { createServer } = await import('node:http')
    const { fetchData } = await import(${JSON.stringify(ADDON_URL)})
    let silent = 0
    const server = createServer((req, res) => {
      if (req.url === '/ok') return res.end('ok')
      silent++
      res.on('close', () => silent--)
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = 'http://127.0.0.1:' + server.address().port
    const worker = new Worker(
      "const { fetchData } = require(" + JSON.stringify(${JSON.stringify(ADDON)}) + ");" +
      "for (let i = 0; i < 64; i++) fetchData('" + base + "/silent', { timeoutMs: 60000 }).catch(() => {})",
      { eval: true, execArgv: [] },
    )
    while (silent < 64) await new Promise((resolve) => setTimeout(resolve, 10))
    console.log('in flight', silent)
    await worker.terminate()
    console.log(await fetchData(base + '/ok', { timeoutMs: 5000 }).catch((err) => err.code))
    const started = performance.now()
    while (silent > 0 && performance.now() - started < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    console.log('in flight after', silent)
    server.close()
  `)
  t.is(result.code, 0, result.stderr)
  t.deepEqual(result.stdout.trim().split('\n'), ['in flight 64', 'ok', 'in flight after 0'])
})
