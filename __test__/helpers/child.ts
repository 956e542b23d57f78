import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The absolute path of the package's entry point, for `require` in child processes. */
export const ADDON = fileURLToPath(new URL('../../index.js', import.meta.url))
/** Its file URL, for `import()` in child processes: on Windows an absolute path is no URL. */
export const ADDON_URL = new URL('../../index.js', import.meta.url).href

export interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Milliseconds from the child's first stdout line to its exit. */
  afterFirstLine: number
  elapsed: number
}

/** Runs a node script (ESM) in a child process, killing it after `killAfter` ms. */
export function runNode(
  script: string,
  { env = {}, killAfter = 20_000 }: { env?: Record<string, string>; killAfter?: number } = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let firstLine = 0
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      if (!firstLine) firstLine = performance.now()
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfter)
    child.on('error', reject)
    // 'exit' can come before the child's last output has been read: the result waits for 'close'
    // (every stdio stream drained), and the times are taken at 'exit'.
    let exited = 0
    child.on('exit', () => {
      exited = performance.now()
    })
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      const now = exited || performance.now()
      resolve({
        code,
        signal,
        stdout,
        stderr,
        afterFirstLine: firstLine ? now - firstLine : NaN,
        elapsed: now - started,
      })
    })
  })
}
