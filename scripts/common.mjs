// What the build-and-test scripts share: running a command, a tool that cannot be had, and a
// free loopback port.
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'

/** A tool that cannot be had: the caller reports a skip. */
export class Missing extends Error {}

/** Runs a command with this process's stdio and environment (unless `options` says otherwise). */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options })
  if (result.error) throw result.error
  return result.status
}

/** {@link run}, failing unless the command exits 0. */
export function must(command, args, options) {
  const status = run(command, args, options)
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${status}`)
}

/** A loopback port that was free a moment ago (and that nothing listens on yet). */
export async function freePort() {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address()
  probe.close()
  await once(probe, 'close')
  return port
}
