// Shared by the reliability checks (reliability/*.mjs): paths, a loopback server, a child-process
// runner, the open-fd count, and the record of each check's figures that the README's
// reliability section is generated from.
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
/** The package's entry point, as users load it. */
export const ADDON = join(ROOT, 'main.cjs')
/** Where each check records its last figures (git-ignored). */
const DEFAULT_RESULTS = join(ROOT, '.reliability')
/** MYLIB_RELIABILITY_DIR sets another place, for runs that must not touch the README. */
export const RESULTS = process.env.MYLIB_RELIABILITY_DIR || DEFAULT_RESULTS

/** The error classes and codes mylib documents (README "Errors"), by code. */
export const DOCUMENTED = {
  ERR_INVALID_ARG_TYPE: TypeError,
  ERR_INVALID_ARG_VALUE: TypeError,
  ERR_OUT_OF_RANGE: RangeError,
  ERR_CONSTRUCT_CALL_REQUIRED: TypeError,
  ERR_INVALID_THIS: TypeError,
  ERR_STRING_TOO_LONG: RangeError,
  ERR_INVALID_URL: TypeError,
  ERR_INVALID_URL_SCHEME: TypeError,
  ERR_HTTP_STATUS: Error,
  ERR_BODY_TOO_LARGE: Error,
  ERR_TOO_MANY_REDIRECTS: Error,
  ETIMEDOUT: Error,
  ABORT_ERR: Error,
  ERR_TLS_CERT: Error,
  ECONNREFUSED: Error,
  ENOTFOUND: Error,
  ECONNRESET: Error,
  ERR_NETWORK: Error,
}

/** Whether `err` is a documented mylib error: exactly the documented class for its code. */
export function isDocumented(err) {
  if (err === null || typeof err !== 'object') return false
  const code = Object.getOwnPropertyDescriptor(err, 'code')?.value
  const Class = Object.hasOwn(DOCUMENTED, code) ? DOCUMENTED[code] : undefined
  return Class !== undefined && Object.getPrototypeOf(err) === Class.prototype
}

/** The number of open file descriptors of this process. */
export const openFds = () => readdirSync('/proc/self/fd').length

/** What each open file descriptor of this process refers to, by number. */
export function fdTargets() {
  const targets = {}
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      targets[fd] = readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      // Closed between the listing and the read: the listing's own directory fd.
    }
  }
  return targets
}

/**
 * The fds open now that were not open in `before` (a `fdTargets()` map), as `fd → target`
 * lines: what a run opened and left open. Sockets and pipes are named by inode, so a new one that
 * took the number of a closed one counts too. Fds that were open before and closed since are not
 * leaks and are not counted: an idle pooled connection may close at any time.
 */
export function fdsOpenedSince(before) {
  const tcp = tcpSockets()
  return Object.entries(fdTargets())
    .filter(([fd, target]) => before[fd] !== target)
    .map(([fd, target]) => {
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
      const about = inode === undefined ? undefined : tcp.get(inode)
      return `${fd} → ${target}${about === undefined ? '' : ` (${about})`}`
    })
}

/** The kernel's names for TCP states, by the hex number /proc/net/tcp gives. */
const TCP_STATES = [
  '',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
]

/** `ip:port` from /proc/net/tcp's hex form (IPv4 only; IPv6 stays hex). */
function tcpAddress(hex) {
  const [ip, port] = hex.split(':')
  const address =
    ip.length === 8
      ? ip
          .match(/../g)
          .toReversed()
          .map((byte) => parseInt(byte, 16))
          .join('.')
      : ip
  return `${address}:${parseInt(port, 16)}`
}

/**
 * This process's TCP sockets by inode, each as "state local → remote (unread/unsent bytes)", so
 * a socket left open can be told apart: an idle pooled connection, one the peer closed, ...
 */
export function tcpSockets() {
  const sockets = new Map()
  for (const file of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let lines
    try {
      lines = readFileSync(file, 'utf8').trim().split('\n').slice(1)
    } catch {
      continue
    }
    for (const line of lines) {
      const [, local, remote, state, queues, , , , , inode] = line.trim().split(/\s+/)
      const [sendQueue, receiveQueue] = queues.split(':').map((hex) => parseInt(hex, 16))
      sockets.set(
        inode,
        `${TCP_STATES[parseInt(state, 16)] ?? state} ${tcpAddress(local)} → ${tcpAddress(remote)}, ${receiveQueue} unread, ${sendQueue} unsent`,
      )
    }
  }
  return sockets
}

/** Waits up to `ms` for the fds opened since `before` to close; returns those still open. */
export async function fdsLeftOpen(before, ms) {
  const until = performance.now() + ms
  let open = fdsOpenedSince(before)
  while (open.length > 0 && performance.now() < until) {
    await sleep(50)
    open = fdsOpenedSince(before)
  }
  return open
}

/**
 * A `node:http` server on 127.0.0.1 (ephemeral port) routing by path; unknown paths get a 404.
 * Returns its base URL and `close()`, which also destroys open sockets.
 */
export async function startServer(routes) {
  const sockets = new Set()
  const server = createServer((req, res) => {
    const handler = routes[new URL(req.url ?? '/', 'http://x').pathname]
    if (handler) handler(req, res)
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/**
 * Runs `node [nodeArgs] file [args]`, passing stdout/stderr through and collecting them; kills it
 * after `killAfter` ms. Resolves with `{ code, signal, stdout, stderr }`.
 */
export function runChild(file, { args = [], nodeArgs = [], env = {}, killAfter = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, file, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      process.stderr.write(chunk)
    })
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfter)
    child.on('error', reject)
    // 'close', not 'exit': 'exit' can come before the child's last output has been read.
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** The last line of `stdout` that parses as JSON with a `result` key, or undefined. */
export function lastResult(stdout) {
  for (const line of stdout.trim().split('\n').toReversed()) {
    try {
      const parsed = JSON.parse(line)
      if (parsed && typeof parsed === 'object' && 'result' in parsed) return parsed.result
    } catch {
      // Not a result line.
    }
  }
  return undefined
}

/**
 * Records a check's figures (`{ ok, summary, lines }`) in RESULTS/<part>.json, with the time and
 * the Node version, then regenerates the README's reliability section from every recorded part
 * (unless the figures go elsewhere than the default place).
 */
export async function record(part, figures) {
  mkdirSync(RESULTS, { recursive: true })
  const entry = { part, date: new Date().toISOString(), node: process.version, ...figures }
  writeFileSync(join(RESULTS, `${part}.json`), `${JSON.stringify(entry, null, 2)}\n`)
  if (RESULTS !== DEFAULT_RESULTS) return
  const { updateReadme } = await import('./readme.mjs')
  await updateReadme()
}

/** The recorded figures of `part`, or undefined. */
export function recorded(part) {
  try {
    return JSON.parse(readFileSync(join(RESULTS, `${part}.json`), 'utf8'))
  } catch {
    return undefined
  }
}

/** Counts checks: `check(ok, what)` prints `ok - what` or `not ok - what` and counts it. */
export function checks() {
  const counts = { passed: 0, failed: 0 }
  counts.check = (ok, what) => {
    console.log(`${ok ? 'ok' : 'not ok'} - ${what}`)
    if (ok) counts.passed++
    else counts.failed++
  }
  return counts
}

/** Prints `<name>: N passed, N failed` (the line .ci/run counts) and sets the exit code. */
export function finish(name, passed, failed) {
  console.log(`${name}: ${passed} passed, ${failed} failed`)
  process.exitCode = failed === 0 ? 0 : 1
}
