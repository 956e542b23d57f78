// main.cjs, the package's entry point: the generated loader re-exported, and an error that says
// what to do when no binary loads. Each case runs in a child process, where loading can fail.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

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

/** This machine as main.cjs names it, and what it says about it besides the Node.js version. */
const HOST =
  process.platform === 'win32'
    ? { platform: `win32-${process.arch}-msvc`, detail: '' }
    : { platform: `${process.platform}-${process.arch}-gnu`, detail: String.raw`, glibc \d+\.\d+` }

/**
 * A copy of the package's JS files (main.cjs, the generated loader, package.json) in a temporary
 * folder, without any binary beside it or platform package to find: the package as installed
 * with its optional dependencies left out.
 */
function withoutBinaries(t: ExecutionContext): string {
  const folder = mkdtempSync(join(tmpdir(), 'mylib-no-binary-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  for (const file of ['main.cjs', 'sum.cjs', 'user.cjs', 'index.js', 'package.json']) {
    copyFileSync(fileURLToPath(new URL(`../${file}`, import.meta.url)), join(folder, file))
  }
  return join(folder, 'main.cjs')
}

/** Loads main.cjs in a child after `prelude`; returns its exports' names or the error's parts. */
async function load(
  prelude: string,
  env: Record<string, string> = {},
  entry = ENTRY,
): Promise<Seen> {
  const script = `
    import { createRequire } from 'node:module'
    ${prelude}
    const require = createRequire(import.meta.url)
    try {
      console.log(JSON.stringify({ loaded: Object.keys(require(${JSON.stringify(entry)})).sort() }))
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
  // Without the loader's override, which the Windows run under Wine (scripts/windows.mjs) sets.
  const seen = await load('', { NAPI_RS_NATIVE_LIBRARY_PATH: '' }, withoutBinaries(t))
  t.is(seen.code, 'ERR_MYLIB_NO_BINARY')
  const lines = seen.message!.split('\n')
  t.regex(
    lines[0]!,
    new RegExp(
      String.raw`^mylib@\d+\.\d+\.\d+ found no native binary for this machine: ${HOST.platform} \(Node\.js v[\d.]+${HOST.detail}\)\.$`,
    ),
  )
  t.true(lines[0]!.startsWith(`mylib@${PKG.version} `))
  t.is(
    lines[1],
    `It expected the package mylib-${HOST.platform}@${PKG.version}, which npm installs as an optional dependency of mylib.`,
  )
  t.true(lines[2]!.startsWith('To fix it: reinstall without omitting optional dependencies'))
  t.is(seen.cause, 'AggregateError')
  t.true(seen.errors!.some((message) => message.includes(`mylib-${HOST.platform}`)))
})

test('an unsupported platform: the platforms there are binaries for, and building from source', async (t) => {
  // Without the loader's override, which the Windows run under Wine (scripts/windows.mjs) sets.
  const seen = await load("Object.defineProperty(process, 'arch', { value: 'riscv64' })", {
    NAPI_RS_NATIVE_LIBRARY_PATH: '',
  })
  t.is(seen.code, 'ERR_MYLIB_NO_BINARY')
  const lines = seen.message!.split('\n')
  const riscv = HOST.platform.replace(process.arch, 'riscv64')
  t.true(lines[0]!.includes(`found no native binary for this machine: ${riscv} (`), lines[0])
  t.is(
    lines[1],
    'mylib ships binaries for linux-x64-gnu, linux-x64-musl, linux-arm64-gnu, linux-arm64-musl, ' +
      `darwin-x64, darwin-arm64, win32-x64-msvc, win32-arm64-msvc; there is no package mylib-${riscv}.`,
  )
  t.is(
    lines[2],
    `To fix it: install mylib-wasm@${PKG.version}, the same API compiled to WebAssembly, which runs on every platform (\`npm install mylib-wasm\`, then \`require('mylib-wasm')\` or \`import … from 'mylib-wasm'\`); or use one of those platforms, or build mylib from source (see its README).`,
  )
  // The generated loader's own error: on Linux it tried the package, on Windows no arch matched.
  const attempt =
    process.platform === 'win32' ? 'Unsupported architecture on Windows: riscv64' : `mylib-${riscv}`
  t.true(
    seen.errors!.some((message) => message.includes(attempt)),
    seen.errors!.join('\n'),
  )
})
