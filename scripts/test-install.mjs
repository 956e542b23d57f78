// `npm run test:install`: mylib installed the way a user gets it, from a real registry.
//
// 1. Installs verdaccio 6.8.0 into a tools folder of its own (MYLIB_TOOLS_DIR, default `.tools/`,
//    git-ignored), not as a dependency of mylib, and starts it by its own binary on 127.0.0.1 with
//    `uplinks: {}` (it knows only what is published to it) and anonymous publish.
// 2. Stages the package as a release would and publishes it there: every platform package whose
//    binary was built (`mylib.<platform>.node` in the repo; linux-x64-gnu is required) through
//    `napi pre-publish -t npm --no-gh-release`, then the main package with `npm publish`; `npm
//    pack` and publint check what the tarballs hold.
// 3. In fresh temporary projects, `npm install mylib` from that registry: exactly the matching
//    platform package is installed; `require`, named `import` and default `import` run every
//    export; a TypeScript consumer compiles with `tsc --strict` under nodenext and bundler, and a
//    file of misuses fails with exactly the expected errors; with `--omit=optional`, loading
//    mylib fails with the error that says what to do.
// 4. The same for mylib-wasm (crates/mylib-wasm/pkg, built by `npm run build:wasm` if missing):
//    published with `npm publish`, installed into a fresh project, used by `require`, named and
//    default `import`, and by TypeScript consumers under `tsc --strict`.
//
// Every npm command after the tools install runs with a temporary userconfig and cache and the
// local registry (~/.npmrc is never read or written). Verdaccio is stopped by its PID on every exit
// path. Ends with "install: N passed, N failed" (exit 1 on any failure).
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

import { parseTriple } from '@napi-rs/cli'

import { freePort } from './common.mjs'
import { PKG as WASM_PKG, build as buildWasm, built as wasmBuilt } from './wasm.mjs'

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const TOOLS = process.env.MYLIB_TOOLS_DIR || join(ROOT, '.tools')
const VERDACCIO = join(TOOLS, 'verdaccio')
const BIN = join(ROOT, 'node_modules', '.bin')
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const HOST = 'linux-x64-gnu'
const KEEP = process.argv.includes('--keep')

let passed = 0
let failed = 0

/** Runs one named check; a throw is a failure, reported with its message. */
async function check(name, fn) {
  try {
    const note = await fn()
    passed += 1
    console.log(`ok - ${name}${note ? ` (${note})` : ''}`)
  } catch (error) {
    failed += 1
    console.log(`not ok - ${name}\n  ${String(error && error.stack).replaceAll('\n', '\n  ')}`)
  }
}

/** Runs a command to completion and returns its stdout; throws with its output on failure. */
function run(command, args, options = {}) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: 'pipe', ...options })
  } catch (error) {
    error.message += `\n${error.stdout || ''}${error.stderr || ''}`
    throw error
  }
}

/** napi-rs's platform name of a Rust target triple, e.g. `linux-x64-gnu`. */
const platformOf = (triple) => parseTriple(triple).platformArchABI

/** Installs verdaccio 6.8.0 into its tools folder unless it is there already. */
function installVerdaccio() {
  const bin = join(VERDACCIO, 'node_modules', '.bin', 'verdaccio')
  if (existsSync(bin)) return bin
  mkdirSync(VERDACCIO, { recursive: true })
  const manifest = {
    private: true,
    description: "verdaccio for mylib's install test; not a dependency of mylib",
    dependencies: { verdaccio: '6.8.0' },
    // The registry here serves only `latest` dist-tags; verdaccio-audit's node-fetch ^2 range
    // would otherwise resolve to a version it cannot serve.
    overrides: { 'verdaccio-audit': { 'node-fetch': '2.7.0' } },
  }
  writeFileSync(join(VERDACCIO, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: VERDACCIO })
  return bin
}

/** Starts verdaccio; resolves with `{ child, registry }` once it answers `/-/ping`. */
async function startVerdaccio(bin, work) {
  const port = await freePort()
  const config = join(work, 'verdaccio.yaml')
  writeFileSync(
    config,
    [
      `storage: ${join(work, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(work, 'htpasswd')}`,
      '    max_users: -1',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $anonymous',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  )
  const log = join(work, 'verdaccio.log')
  const child = spawn(bin, ['--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const chunks = []
  child.stdout.on('data', (chunk) => chunks.push(chunk))
  child.stderr.on('data', (chunk) => chunks.push(chunk))
  child.on('exit', () => writeFileSync(log, Buffer.concat(chunks)))
  const registry = `http://127.0.0.1:${port}/`
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    try {
      if ((await fetch(`${registry}-/ping`)).ok) return { child, registry }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  child.kill()
  throw new Error(`verdaccio did not answer on ${registry}:\n${Buffer.concat(chunks)}`)
}

function killQuietly(pid) {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/** Stops verdaccio by its PID and waits for it to exit. */
async function stopVerdaccio(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  process.kill(child.pid, 'SIGTERM')
  const timer = setTimeout(() => process.kill(child.pid, 'SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

/**
 * The environment for every npm command against the local registry: no npm_config_* inherited
 * from `npm run` (which passes the user's ~/.npmrc on), a temporary userconfig holding only the
 * anonymous token verdaccio accepts, and an empty cache.
 */
function npmEnv(work, registry) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_config_')) env[key] = value
  }
  const userconfig = join(work, 'npmrc')
  const host = registry.replace(/^http:/, '')
  writeFileSync(userconfig, `registry=${registry}\n${host}:_authToken=anonymous\n`)
  return {
    ...env,
    npm_config_userconfig: userconfig,
    npm_config_globalconfig: join(work, 'npmrc-global'),
    npm_config_registry: registry,
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  }
}

/** Lays out the release as CI would before publishing; returns the staged root and platforms. */
function stage(work) {
  const built = PKG.napi.targets.filter((triple) =>
    existsSync(join(ROOT, `${PKG.napi.binaryName}.${platformOf(triple)}.node`)),
  )
  const platforms = built.map(platformOf)
  if (!platforms.includes(HOST)) {
    throw new Error(`${PKG.napi.binaryName}.${HOST}.node is not built: run \`npm run build\``)
  }
  const dir = join(work, 'stage')
  mkdirSync(dir)
  for (const file of [...PKG.files, 'README.md', 'LICENSE']) {
    cpSync(join(ROOT, file), join(dir, file))
  }
  // Only the targets built here are released, so pre-publish finds each one's binary.
  const manifest = { ...PKG, napi: { ...PKG.napi, targets: built } }
  delete manifest.devDependencies
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const platform of platforms) {
    const file = `${PKG.napi.binaryName}.${platform}.node`
    cpSync(join(ROOT, 'npm', platform), join(dir, 'npm', platform), { recursive: true })
    cpSync(join(ROOT, file), join(dir, 'npm', platform, file))
  }
  return { dir, platforms }
}

/** A fresh consumer project with `pkg` (mylib unless said) installed from the registry by
 * `npm install` + `args`. */
function consumer(work, name, env, args = [], pkg = 'mylib') {
  const dir = join(work, name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, private: true, type: 'module' }, null, 2)}\n`,
  )
  run('npm', ['install', pkg, '--registry', env.npm_config_registry, ...args], {
    cwd: dir,
    env,
  })
  return dir
}

/** The mylib-* packages npm put in `dir`'s node_modules. */
function platformPackages(dir) {
  const modules = join(dir, 'node_modules')
  return readdir(modules).filter((name) => name.startsWith(`${PKG.name}-`))
}

/** The files `npm pack` would put in the tarball of the package in `cwd`, sorted. */
function packed(cwd, env) {
  const [report] = JSON.parse(run('npm', ['pack', '--dry-run', '--json'], { cwd, env }))
  return report.files.map((file) => file.path).toSorted()
}

function readdir(dir) {
  return existsSync(dir) ? run('ls', ['-1', dir]).split('\n').filter(Boolean) : []
}

const CJS = `const exercise = require('./exercise.cjs')
exercise(require('mylib')).then((results) => console.log(JSON.stringify(results)))
`

const ESM = `import exercise from './exercise.cjs'
import mylib, { Calculator, createUser, fetchData, greet, sum, __napiBindingTarget } from 'mylib'
const named = { Calculator, createUser, fetchData, greet, sum, __napiBindingTarget }
const fromDefault = await exercise(mylib)
const fromNamed = await exercise(named)
if (JSON.stringify(fromDefault) !== JSON.stringify(fromNamed)) throw new Error('default and named differ')
console.log(JSON.stringify(fromNamed))
`

/** A TypeScript consumer that uses every export with its exact types. */
const USE_TS = `import mylib, { Calculator, createUser, fetchData, greet, sum } from 'mylib'
import type { FetchOptions, User } from 'mylib'

const hello: string = greet('Ada')
const total: number = sum([1, 2, 3]) + sum(new Int32Array([4]))
const calculator = new Calculator()
const value: number = calculator.add(1) + calculator.subtract(1) + calculator.multiply(2)
const divided: number = calculator.divide(2) + calculator.reset(3) + calculator.value
const user: User = createUser(1, 'Ada', 'ada@example.com')
const options: FetchOptions = {
  timeoutMs: 1000,
  signal: new AbortController().signal,
  headers: { accept: 'text/plain' },
  maxBytes: 1024,
  ca: ['-----BEGIN CERTIFICATE-----'],
}
const body: Promise<string> = fetchData('http://127.0.0.1/', options)
const viaDefault: string = mylib.greet(user.name)
export { body, divided, hello, total, value, viaDefault }
`

/** Misuses, each marked with the one error tsc must report on its line. */
const MISUSE_TS = `import { Calculator, createUser, fetchData, greet, sum } from 'mylib'

greet(42) // TS2345
sum(['1']) // TS2322
Calculator(1) // TS2348
createUser('1', 'Ada', 'ada@example.com') // TS2345
fetchData('http://127.0.0.1/', { timeout: 1000 }) // TS2561
fetchData('http://127.0.0.1/', { headers: { accept: 1 } }) // TS2322
new Calculator().value = 1 // TS2540
const user: { id: string } = createUser(1, 'Ada', 'ada@example.com') // TS2322
export { user }
`

/** Compiles `files` in `dir` with tsc under a module/moduleResolution pair; returns tsc's output. */
function tsc(dir, resolution, files) {
  const module = resolution === 'bundler' ? 'preserve' : 'nodenext'
  const config = join(dir, `tsconfig.${resolution}.json`)
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        module,
        moduleResolution: resolution,
        target: 'es2022',
        lib: ['es2023'],
        strict: true,
        noEmit: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files,
    }),
  )
  return run(join(BIN, 'tsc'), ['-p', config, '--pretty', 'false'], { cwd: dir })
}

/** `{ line: [codes] }` for tsc's errors in `file`, and for the markers in `source`. */
function errorsByLine(output, file) {
  const found = {}
  for (const match of output.matchAll(
    new RegExp(`${file}\\((\\d+),\\d+\\): error (TS\\d+)`, 'g'),
  )) {
    ;(found[match[1]] ||= []).push(match[2])
  }
  return found
}

function expectedByLine(source) {
  const expected = {}
  source.split('\n').forEach((line, index) => {
    const marker = line.match(/\/\/ (TS\d+)$/)
    if (marker) expected[index + 1] = [marker[1]]
  })
  return expected
}

/** A consumer source of mylib, made to use mylib-wasm (which has no `__napiBindingTarget`). */
function forWasm(source) {
  return source
    .replaceAll("from 'mylib'", "from 'mylib-wasm'")
    .replaceAll("require('mylib')", "require('mylib-wasm')")
    .replaceAll('exercise(mylib)', 'exercise(mylib, { wasm: true })')
    .replaceAll('exercise(named)', 'exercise(named, { wasm: true })')
    .replaceAll(')).then(', '), { wasm: true }).then(')
    .replaceAll(', __napiBindingTarget', '')
}

/** `tsc --strict` on `dir`'s use.ts (must compile) and misuse.ts (exactly the marked errors),
 * under nodenext and bundler resolution. */
async function typeChecks(dir, pkg) {
  for (const resolution of ['nodenext', 'bundler']) {
    await check(
      `tsc --strict compiles a consumer of every export of ${pkg} (${resolution})`,
      () => {
        tsc(dir, resolution, ['use.ts'])
      },
    )
    await check(
      `tsc --strict rejects each misuse of ${pkg} with the expected error (${resolution})`,
      () => {
        let output = ''
        try {
          tsc(dir, resolution, ['misuse.ts'])
        } catch (error) {
          output = `${error.stdout}${error.stderr}`
        }
        assertEqual(errorsByLine(output, 'misuse.ts'), expectedByLine(MISUSE_TS), output)
        return `${Object.keys(expectedByLine(MISUSE_TS)).length} errors`
      },
    )
  }
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'mylib-install-'))
  let verdaccio = null
  try {
    const bin = installVerdaccio()
    verdaccio = await startVerdaccio(bin, work)
    // Should this script die before `finally` (an uncaught error, Ctrl-C), verdaccio dies too.
    const { pid } = verdaccio.child
    process.once('exit', () => killQuietly(pid))
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.once(signal, () => {
        killQuietly(pid)
        if (!KEEP) rmSync(work, { recursive: true, force: true })
        process.exit(1)
      })
    }
    const { registry } = verdaccio
    const env = npmEnv(work, registry)
    console.log(`# verdaccio ${registry} (pid ${verdaccio.child.pid}), work dir ${work}`)

    let platforms = []
    await check('napi pre-publish publishes the built platform packages', () => {
      const staged = stage(work)
      platforms = staged.platforms
      run(join(BIN, 'napi'), ['pre-publish', '-t', 'npm', '--no-gh-release'], {
        cwd: staged.dir,
        env,
      })
      const manifest = JSON.parse(readFileSync(join(staged.dir, 'package.json'), 'utf8'))
      const expected = Object.fromEntries(platforms.map((p) => [`${PKG.name}-${p}`, PKG.version]))
      assertEqual(manifest.optionalDependencies, expected, 'optionalDependencies')
      run('npm', ['publish'], { cwd: staged.dir, env })
      return platforms.join(', ')
    })

    await check('mylib-wasm is published with npm publish', () => {
      if (!wasmBuilt()) buildWasm()
      run('npm', ['publish'], { cwd: WASM_PKG, env })
      const files = packed(WASM_PKG, env)
      const expected = [
        'README.md',
        'api.mjs',
        'browser.mjs',
        'index.d.ts',
        'mylib_wasm.js',
        'mylib_wasm_bg.wasm',
        'node.mjs',
        'package.json',
      ]
      assertEqual(
        files.filter((file) => !file.startsWith('snippets/')),
        expected,
        'mylib-wasm files',
      )
      if (!files.some((file) => file.startsWith('snippets/'))) throw new Error('no snippets/')
      return `${files.length} files`
    })

    await check('npm pack lists only the intended files', () => {
      const entry = [
        'LICENSE',
        'README.md',
        'index.d.ts',
        'index.js',
        'main.cjs',
        'package.json',
        'sum.cjs',
        'user.cjs',
      ]
      assertEqual(packed(ROOT, env), entry, PKG.name)
      for (const platform of platforms) {
        const binary = `${PKG.napi.binaryName}.${platform}.node`
        const files = packed(join(work, 'stage', 'npm', platform), env)
        assertEqual(files, ['README.md', binary, 'package.json'], platform)
      }
      return `${entry.length} files in ${PKG.name}, 3 in each platform package`
    })

    await check('publint --strict finds nothing to fix in the package', () => {
      const report = run(join(BIN, 'publint'), ['--strict'], { cwd: ROOT, env })
      if (!report.includes('All good!')) throw new Error(report)
    })

    await check('the registry serves mylib and each platform package, nothing else', async () => {
      const listing = await (await fetch(`${registry}-/verdaccio/data/packages`)).json()
      const names = listing.map((entry) => entry.name).toSorted()
      assertEqual(
        names,
        [PKG.name, 'mylib-wasm', ...platforms.map((p) => `${PKG.name}-${p}`)].toSorted(),
        'names',
      )
      const view = JSON.parse(run('npm', ['view', `${PKG.name}@${PKG.version}`, '--json'], { env }))
      assertEqual(view.version, PKG.version, 'version')
      return names.join(', ')
    })

    const dir = consumer(work, 'consumer', env)
    cpSync(join(ROOT, 'scripts', 'exercise.cjs'), join(dir, 'exercise.cjs'))
    writeFileSync(join(dir, 'use.cjs'), CJS)
    writeFileSync(join(dir, 'use.mjs'), ESM)

    await check(`npm install mylib installs exactly ${PKG.name}-${HOST}`, () => {
      assertEqual(platformPackages(dir), [`${PKG.name}-${HOST}`], 'platform packages')
      const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'))
      const resolved = lock.packages['node_modules/mylib'].resolved
      if (!resolved.startsWith(registry)) throw new Error(`mylib resolved from ${resolved}`)
      return resolved
    })
    await check("require('mylib') runs every export", () =>
      run('node', ['use.cjs'], { cwd: dir }).trim(),
    )
    await check("import { … } from 'mylib' and its default import run every export", () =>
      run('node', ['use.mjs'], { cwd: dir }).trim(),
    )

    writeFileSync(join(dir, 'use.ts'), USE_TS)
    writeFileSync(join(dir, 'misuse.ts'), MISUSE_TS)
    await typeChecks(dir, 'mylib')

    const wasmDir = consumer(work, 'consumer-wasm', env, [], 'mylib-wasm')
    cpSync(join(ROOT, 'scripts', 'exercise.cjs'), join(wasmDir, 'exercise.cjs'))
    writeFileSync(join(wasmDir, 'use.cjs'), forWasm(CJS))
    writeFileSync(join(wasmDir, 'use.mjs'), forWasm(ESM))
    writeFileSync(join(wasmDir, 'use.ts'), forWasm(USE_TS))
    writeFileSync(join(wasmDir, 'misuse.ts'), forWasm(MISUSE_TS))
    await check('npm install mylib-wasm installs it alone, from the local registry', () => {
      assertEqual(readdir(join(wasmDir, 'node_modules')), ['mylib-wasm'], 'node_modules')
      const lock = JSON.parse(readFileSync(join(wasmDir, 'package-lock.json'), 'utf8'))
      const resolved = lock.packages['node_modules/mylib-wasm'].resolved
      if (!resolved.startsWith(registry)) throw new Error(`mylib-wasm resolved from ${resolved}`)
      return resolved
    })
    await check("require('mylib-wasm') runs every export", () =>
      run('node', ['use.cjs'], { cwd: wasmDir }).trim(),
    )
    await check("import { … } from 'mylib-wasm' and its default import run every export", () =>
      run('node', ['use.mjs'], { cwd: wasmDir }).trim(),
    )
    await typeChecks(wasmDir, 'mylib-wasm')

    const bare = consumer(work, 'consumer-omit-optional', env, ['--omit=optional'])
    await check('with --omit=optional, loading mylib says what is missing and what to do', () => {
      assertEqual(platformPackages(bare), [], 'platform packages')
      const probe = `try { require('mylib'); process.exit(1) } catch (error) {
        console.log(JSON.stringify({ message: error.message, code: error.code,
          cause: error.cause.name, errors: error.cause.errors.map((e) => e.message) })) }`
      const seen = JSON.parse(run('node', ['-e', probe], { cwd: bare }))
      assertEqual(seen.code, 'ERR_MYLIB_NO_BINARY', 'code')
      assertEqual(seen.cause, 'AggregateError', 'cause')
      for (const fragment of [
        `${PKG.name}@${PKG.version}`,
        `${HOST} (Node.js ${process.version}, glibc `,
        `${PKG.name}-${HOST}@${PKG.version}`,
        '--omit=optional',
        `npm install ${PKG.name}@${PKG.version}`,
      ]) {
        if (!seen.message.includes(fragment)) throw new Error(`no "${fragment}" in ${seen.message}`)
      }
      if (!seen.errors.some((m) => m.includes(`Cannot find module '${PKG.name}-${HOST}'`))) {
        throw new Error(`no load error for ${PKG.name}-${HOST}: ${seen.errors.join('; ')}`)
      }
      return seen.message.split('\n')[0]
    })
    await check('with --omit=optional, import gives the same error', () => {
      const probe = `import('mylib').then(() => process.exit(1), (error) => console.log(error.code))`
      assertEqual(run('node', ['-e', probe], { cwd: bare }).trim(), 'ERR_MYLIB_NO_BINARY', 'code')
    })
  } catch (error) {
    failed += 1
    console.log(`not ok - install test setup\n  ${String(error && error.stack)}`)
  } finally {
    if (verdaccio) await stopVerdaccio(verdaccio.child)
    if (KEEP) console.log(`# kept ${work}`)
    else rmSync(work, { recursive: true, force: true })
  }
  console.log(`install: ${passed} passed, ${failed} failed`)
  process.exitCode = failed === 0 ? 0 : 1
}

function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`)
}

await main()
