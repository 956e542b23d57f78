// The browser test of mylib-wasm: headless Chromium (Debian's `chromium`) opens the demo page
// (examples/browser/) served from 127.0.0.1, which imports mylib-wasm by its `browser` entry,
// runs examples/browser/checks.mjs (fetchData against a loopback server of another origin, with
// CORS) and posts its results back. The page is driven over the DevTools protocol, not
// --virtual-time-budget, which stalls while a fetch is pending; the test takes a screenshot of
// the finished page (`--screenshot <file>`: also to that file, as the README's).
//
//   node scripts/wasm-browser.mjs [--screenshot examples/browser/screenshot.png]
//
// Prints one `ok` / `not ok` line per check and "wasm-browser: N passed, N failed"; throws
// Missing when no Chromium is installed. Needs crates/mylib-wasm/pkg (npm run build:wasm).
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { WebSocket } from 'undici'

import { startServers } from '../examples/browser/server.mjs'
import { Missing, freePort } from './common.mjs'

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome']
const TIMEOUT_MS = 120_000

/** The Chromium binary, or Missing. */
export function findChromium() {
  for (const name of [process.env.CHROMIUM, ...CANDIDATES].filter(Boolean)) {
    const found = spawnSync(name, ['--version'], { encoding: 'utf8' })
    if (found.status === 0) return { binary: name, version: found.stdout.trim() }
  }
  throw new Missing('no Chromium installed (apt-get install chromium)')
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A minimal DevTools protocol client over one WebSocket. */
async function devtools(port) {
  let targets
  for (let attempt = 0; attempt < 100 && !targets; attempt++) {
    try {
      targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()
    } catch {
      await sleep(100)
    }
  }
  const target = targets?.find((t) => t.type === 'page')
  if (!target) throw new Error('Chromium exposed no page over the DevTools protocol')
  const socket = new WebSocket(target.webSocketDebuggerUrl)
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true })
    socket.addEventListener('error', reject, { once: true })
  })
  let id = 0
  const waiting = new Map()
  socket.addEventListener('message', ({ data }) => {
    const message = JSON.parse(data)
    const pending = waiting.get(message.id)
    if (!pending) return
    waiting.delete(message.id)
    if (message.error) pending.reject(new Error(message.error.message))
    else pending.resolve(message.result)
  })
  return {
    send(method, params = {}) {
      id += 1
      socket.send(JSON.stringify({ id, method, params }))
      return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }))
    },
    close: () => socket.close(),
  }
}

/** Runs the page in Chromium (with its benchmark when `benchMs` is given); resolves to
 * { version, report, png }. `site` ({ folder, onRequest }) serves another page instead of the
 * demo (see startServers). */
export async function runPage({ width = 1000, height = 1500, benchMs = 0, site = {} } = {}) {
  const { binary, version } = findChromium()
  let deliver
  const reported = new Promise((resolve) => (deliver = resolve))
  const servers = await startServers({ ...site, onReport: deliver, benchMs })
  const port = await freePort()
  const profile = mkdtempSync(join(tmpdir(), 'mylib-chromium-'))
  const chromium = spawn(
    binary,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      `--remote-debugging-port=${port}`,
      `--window-size=${width},${height}`,
      '--remote-allow-origins=*',
      'about:blank',
    ],
    // Its own process group, so its renderer and utility processes are killed with it.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  )
  let stderr = ''
  chromium.stderr.on('data', (chunk) => (stderr += chunk))
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the page did not report within ${TIMEOUT_MS / 1000} s\n${stderr}`)),
      TIMEOUT_MS,
    )
  })
  /** Every step is bounded by the one deadline. */
  const bounded = (promise) => Promise.race([promise, timeout])
  try {
    const client = await bounded(devtools(port))
    await bounded(client.send('Page.enable'))
    await bounded(client.send('Page.navigate', { url: servers.url }))
    const report = await bounded(reported)
    // The page has rendered its results before posting them.
    const { data } = await bounded(client.send('Page.captureScreenshot', { format: 'png' }))
    client.close()
    return { version, report, png: Buffer.from(data, 'base64') }
  } finally {
    clearTimeout(timer)
    if (chromium.exitCode === null && chromium.signalCode === null) {
      const exited = once(chromium, 'exit')
      try {
        process.kill(-chromium.pid, 'SIGKILL')
      } catch {
        chromium.kill('SIGKILL')
      }
      await exited
    }
    servers.close()
    await removeProfile(profile)
  }
}

/** Removes Chromium's profile folder, which a child that outlived the group kill may still be
 * writing for a moment. */
async function removeProfile(profile) {
  for (let attempt = 0; ; attempt++) {
    try {
      rmSync(profile, { recursive: true, force: true })
      return
    } catch (error) {
      if (attempt === 20) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const screenshot = args.includes('--screenshot') ? args[args.indexOf('--screenshot') + 1] : null
  try {
    const { version, report, png } = await runPage()
    mkdirSync(join('target', 'wasm-browser'), { recursive: true })
    writeFileSync(join('target', 'wasm-browser', 'screenshot.png'), png)
    if (screenshot) writeFileSync(screenshot, png)
    let passed = 0
    let failed = 0
    report.results.forEach(({ name, error }, index) => {
      if (error) failed++
      else passed++
      console.log(`${error ? 'not ok' : 'ok'} ${index + 1} - ${version}: ${name}`)
      if (error) console.log(`  # ${error}`)
    })
    console.log(`wasm-browser: ${passed} passed, ${failed} failed`)
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1
  } catch (error) {
    if (error instanceof Missing) {
      console.log(`wasm-browser: skipped (${error.message})`)
      process.exitCode = 2
    } else {
      console.error(error)
      console.log('wasm-browser: 0 passed, 1 failed')
      process.exitCode = 1
    }
  }
}
