// The Python package (crates/mylib-python):
//
//   node scripts/python.mjs build   `npm run build:python`: the abi3 wheel, built by maturin, in
//                                   target/wheels/
//   node scripts/python.mjs test    `npm run test:python`: builds the wheel, installs it into a
//                                   fresh venv (target/python/venv) with pytest, hypothesis and
//                                   pytest-asyncio, and runs crates/mylib-python/tests
//
// maturin and the test tools are installed once into a venv in the tools folder,
// MYLIB_TOOLS_DIR (default `.tools/`). The test ends with "python: N passed, N failed"; it exits
// 2 with "python: skipped (<reason>)" when a tool cannot be had (0 with --allow-skip, as
// `npm test` runs it).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const CRATE = join(ROOT, 'crates', 'mylib-python')
const WHEELS = join(ROOT, 'target', 'wheels')
const TOOLS = process.env.MYLIB_TOOLS_DIR ?? join(ROOT, '.tools')
const TOOLS_VENV = join(TOOLS, 'python-tools')
const TOOL_PINS = ['maturin==1.16.0']
const TEST_PINS = ['pytest==9.2.0', 'hypothesis==6.170.17', 'pytest-asyncio==1.5.0']

/** A tool that cannot be had: the caller reports a skip. */
class Missing extends Error {}

/** The environment for pip: never the machine's extra wheel folder, never a cache of ours. */
const pipEnv = { ...process.env, PIP_FIND_LINKS: '', PIP_DISABLE_PIP_VERSION_CHECK: '1' }

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: pipEnv, ...options })
  if (result.error) throw result.error
  return result.status
}

function must(command, args, options) {
  const status = run(command, args, options)
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${status}`)
}

/** A venv at `dir` with `packages` installed; a failed install is a Missing tool. */
function venv(dir, packages, { fresh }) {
  const python = join(dir, 'bin', 'python')
  if (fresh) rmSync(dir, { recursive: true, force: true })
  if (!existsSync(python) && run('python3', ['-m', 'venv', dir]) !== 0) {
    throw new Missing(`python3 -m venv ${dir} failed`)
  }
  const installed = run(python, ['-m', 'pip', 'install', '--quiet', ...packages])
  if (installed !== 0) throw new Missing(`pip install ${packages.join(' ')} failed`)
  return python
}

/** Builds the wheel; returns its path. */
function build() {
  const python = venv(TOOLS_VENV, TOOL_PINS, { fresh: false })
  rmSync(WHEELS, { recursive: true, force: true })
  must(python, ['-m', 'maturin', 'build', '--release', '--quiet', '--out', WHEELS], {
    cwd: CRATE,
  })
  const wheel = readdirSync(WHEELS).find((name) => name.endsWith('.whl'))
  if (!wheel) throw new Error(`maturin wrote no wheel into ${WHEELS}`)
  return join(WHEELS, wheel)
}

function test() {
  const wheel = build()
  const python = venv(join(ROOT, 'target', 'python', 'venv'), [...TEST_PINS, wheel], {
    fresh: true,
  })
  const result = spawnSync(python, ['-m', 'pytest', '-p', 'no:cacheprovider', '-q'], {
    cwd: CRATE,
    env: pipEnv,
    encoding: 'utf8',
  })
  process.stdout.write(result.stdout)
  process.stderr.write(result.stderr)
  const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(result.stdout)?.[1] ?? 0)
  const passed = count('passed')
  // A run that failed without a failed test (a collection error, a crash) counts once.
  const failed =
    count('failed') + count('error') + (result.status !== 0 && count('failed') === 0 ? 1 : 0)
  console.log(`python: ${passed} passed, ${failed} failed`)
  return result.status === 0
}

const [command, ...rest] = process.argv.slice(2)
const allowSkip = rest.includes('--allow-skip')
try {
  if (command === 'build') console.log(`built ${build()}`)
  else if (command === 'test') process.exitCode = test() ? 0 : 1
  else throw new Error('usage: node scripts/python.mjs build|test')
} catch (error) {
  if (error instanceof Missing) {
    console.log(`python: skipped (${error.message})`)
    process.exitCode = allowSkip ? 0 : 2
  } else {
    console.error(error.message)
    console.log('python: 0 passed, 1 failed')
    process.exitCode = 1
  }
}
