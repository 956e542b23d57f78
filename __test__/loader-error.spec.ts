// main.cjs, the package's entry point: the generated loader re-exported, and an error that says
// what to do when no binary loads. Each case runs in a child process, where loading can fail.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import test from 'ava'

import { runNode } from './helpers/child.js'

const ENTRY = fileURLToPath(new URL('../main.cjs', import.meta.url))
const PKG = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

interface Seen {
  loaded?: string[]
  message?: string
  code?: string
  cause?: string
  errors?: string[]
}

/** Loads main.cjs in a child after `prelude`; returns its exports' names or the error's parts. */
async function load(prelude: string, env: Record<string, string> = {}): Promise<Seen> {
  const script = `
    import { createRequire } from 'node:module'
    ${prelude}
    const require = createRequire(import.meta.url)
    try {
      console.log(JSON.stringify({ loaded: Object.keys(require(${JSON.stringify(ENTRY)})).sort() }))
    } catch (error) {
      console.log(JSON.stringify({ message: error.message, code: error.code,
        cause: error.cause && error.cause.name,
        errors: error.cause && error.cause.errors.map((e) => e.message) }))
    }`
  const { stdout, stderr, code, signal } = await runNode(script, { env, killAfter: 60_000 })
  if (!stdout) throw new Error(`child exited ${code ?? signal} with no output; stderr: ${stderr}`)
  return JSON.parse(stdout) as Seen
}

test('main.cjs exports exactly what the generated loader exports', async (t) => {
  const seen = await load('')
  const generated = await import('../index.js')
  t.deepEqual(
    seen.loaded,
    Object.keys(generated)
      // Node 24+ adds `default` and `module.exports` to a CommonJS module's namespace.
      .filter((name) => name !== 'default' && name !== 'module.exports')
      .toSorted(),
  )
  t.true(seen.loaded!.includes('greet'))
})

test('a supported platform whose binary does not load: the package to install and how', async (t) => {
  const seen = await load('', { NAPI_RS_NATIVE_LIBRARY_PATH: '/nonexistent/mylib.node' })
  t.is(seen.code, 'ERR_MYLIB_NO_BINARY')
  const lines = seen.message!.split('\n')
  t.regex(
    lines[0]!,
    /^mylib@\d+\.\d+\.\d+ found no native binary for this machine: linux-x64-gnu \(Node\.js v[\d.]+, glibc \d+\.\d+\)\.$/,
  )
  t.true(lines[0]!.startsWith(`mylib@${PKG.version} `))
  t.is(
    lines[1],
    `It expected the package mylib-linux-x64-gnu@${PKG.version}, which npm installs as an optional dependency of mylib.`,
  )
  t.true(lines[2]!.startsWith('To fix it: reinstall without omitting optional dependencies'))
  t.is(seen.cause, 'AggregateError')
  t.true(seen.errors!.some((message) => message.includes('/nonexistent/mylib.node')))
})

test('an unsupported platform: the platforms there are binaries for, and building from source', async (t) => {
  const seen = await load("Object.defineProperty(process, 'arch', { value: 'riscv64' })")
  t.is(seen.code, 'ERR_MYLIB_NO_BINARY')
  const lines = seen.message!.split('\n')
  t.regex(lines[0]!, /found no native binary for this machine: linux-riscv64-gnu \(/)
  t.is(
    lines[1],
    'mylib ships binaries for linux-x64-gnu, linux-x64-musl, linux-arm64-gnu, linux-arm64-musl, ' +
      'darwin-x64, darwin-arm64, win32-x64-msvc, win32-arm64-msvc; there is no package mylib-linux-riscv64-gnu.',
  )
  t.is(
    lines[2],
    `To fix it: install mylib-wasm@${PKG.version}, the same API compiled to WebAssembly, which runs on every platform (\`npm install mylib-wasm\`, then \`require('mylib-wasm')\` or \`import … from 'mylib-wasm'\`); or use one of those platforms, or build mylib from source (see its README).`,
  )
  t.true(seen.errors!.some((message) => message.includes('mylib-linux-riscv64-gnu')))
})
