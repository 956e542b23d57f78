// The Python package (crates/mylib-python):
//
//   node scripts/python.mjs build   `npm run build:python`: the abi3 wheel for CPython 3.9+,
//                                   manylinux2014 (built by maturin with zig), and the sdist,
//                                   in target/wheels/
//   node scripts/python.mjs test    `npm run test:python`: builds the wheel, installs it into a
//                                   fresh venv (target/python/venv) with pytest, hypothesis and
//                                   pytest-asyncio, runs crates/mylib-python/tests, and checks
//                                   the types with mypy --strict (crates/mylib-python/typecheck)
//   node scripts/python.mjs reliability
//                                   `npm run test:python-reliability`: in the venv `test` made,
//                                   crates/mylib-python/checks/reliability.py (RSS growth after
//                                   1,000,000 calls of each export and 10,000 fetches; 8 threads)
//   node scripts/python.mjs bench [--smoke]
//                                   `npm run bench:python`: crates/mylib-python/bench/bench.py
//                                   (sum, greet, Calculator.add, create_user against plain Python;
//                                   fetch_data against aiohttp and httpx on loopback servers:
//                                   nginx when installed, and node:http);
//                                   writes its table into crates/mylib-python/README.md (--smoke:
//                                   a short run that only checks the answers, for CI)
//   node scripts/python.mjs install `npm run test:python-install`: publishes the wheel and sdist
//                                   with twine to a pypiserver on 127.0.0.1, installs `mylib`
//                                   from it alone into fresh venvs of Python 3.9 and 3.13 (pyenv's;
//                                   a missing one is reported as skipped) and uses every export
//
// maturin and the test tools are installed once into a venv in the tools folder,
// MYLIB_TOOLS_DIR (default `.tools/`). The test ends with "python: N passed, N failed"; it exits
// 2 with "python: skipped (<reason>)" when a tool cannot be had (0 with --allow-skip, as
// `npm test` runs it).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { findNginx, nginxServer, nodeServer } from '../bench/fetch-servers.mjs'
import { replaceSection } from '../runtimes/readme.mjs'
import { Missing, freePort, must, run } from './common.mjs'

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const CRATE = join(ROOT, 'crates', 'mylib-python')
const WHEELS = join(ROOT, 'target', 'wheels')
const TOOLS = process.env.MYLIB_TOOLS_DIR ?? join(ROOT, '.tools')
const TOOLS_VENV = join(TOOLS, 'python-tools')
// ziglang as scripts/toolchain.sh pins it; pypiserver and twine for the install test.
const TOOL_PINS = ['maturin==1.16.0', 'ziglang==0.15.2', 'pypiserver==2.4.2', 'twine==6.2.0']
const TEST_PINS = ['pytest==9.2.0', 'hypothesis==6.170.17', 'pytest-asyncio==1.5.0', 'mypy==2.4.1']

// Every pip this script starts: never the machine's extra wheel folder (PIP_FIND_LINKS).
process.env.PIP_FIND_LINKS = ''
process.env.PIP_DISABLE_PIP_VERSION_CHECK = '1'

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

/** Builds the manylinux2014 wheel (maturin with zig) and the sdist; returns their paths. */
function build() {
  const python = venv(TOOLS_VENV, TOOL_PINS, { fresh: false })
  rmSync(WHEELS, { recursive: true, force: true })
  // maturin finds zig as `python -m ziglang`, with the first python on PATH: the tools venv's.
  const env = { ...process.env, PATH: `${join(TOOLS_VENV, 'bin')}:${process.env.PATH}` }
  must(
    python,
    [
      '-m',
      'maturin',
      'build',
      '--release',
      '--quiet',
      '--zig',
      '--compatibility',
      'manylinux2014',
      '--out',
      WHEELS,
    ],
    { cwd: CRATE, env },
  )
  must(python, ['-m', 'maturin', 'sdist', '--out', WHEELS], { cwd: CRATE, env })
  const file = (suffix) => {
    const name = readdirSync(WHEELS).find((entry) => entry.endsWith(suffix))
    if (!name) throw new Error(`maturin wrote no ${suffix} into ${WHEELS}`)
    return join(WHEELS, name)
  }
  return { wheel: file('.whl'), sdist: file('.tar.gz') }
}

function test() {
  const { wheel } = build()
  const python = venv(join(ROOT, 'target', 'python', 'venv'), [...TEST_PINS, wheel], {
    fresh: true,
  })
  const result = spawnSync(python, ['-m', 'pytest', '-p', 'no:cacheprovider', '-q'], {
    cwd: CRATE,
    encoding: 'utf8',
  })
  process.stdout.write(result.stdout)
  process.stderr.write(result.stderr)
  const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(result.stdout)?.[1] ?? 0)
  let passed = count('passed')
  // A run that failed without a failed test (a collection error, a crash) counts once.
  let failed =
    count('failed') + count('error') + (result.status !== 0 && count('failed') === 0 ? 1 : 0)
  for (const ok of typecheck(python)) {
    if (ok) passed++
    else failed++
  }
  console.log(`python: ${passed} passed, ${failed} failed`)
  return failed === 0
}

/**
 * `mypy --strict` on the installed package, on a consumer of every export (must pass) and on a
 * file of misuses (errors exactly on the lines marked `# error`). Returns one verdict per check.
 */
function typecheck(python) {
  const mypy = (...args) =>
    spawnSync(python, ['-m', 'mypy', '--strict', '--no-incremental', ...args], {
      cwd: CRATE,
      encoding: 'utf8',
    })
  const verdicts = []
  const check = (ok, what, output) => {
    verdicts.push(ok)
    console.log(`${ok ? 'ok' : 'not ok'} - ${what}`)
    if (!ok) process.stdout.write(output)
  }
  const own = mypy('-p', 'mylib')
  check(own.status === 0, 'mypy --strict accepts the mylib package', own.stdout)
  const consumer = mypy(join('typecheck', 'consumer.py'))
  check(consumer.status === 0, 'mypy --strict accepts a consumer of every export', consumer.stdout)
  const misuse = mypy(join('typecheck', 'misuse.py'))
  const source = readFileSync(join(CRATE, 'typecheck', 'misuse.py'), 'utf8').split('\n')
  const marked = source.flatMap((line, i) => (line.endsWith('# error') ? [i + 1] : []))
  const reported = [
    ...new Set([...misuse.stdout.matchAll(/misuse\.py:(\d+): error:/g)].map((m) => Number(m[1]))),
  ]
  check(
    marked.length > 0 && JSON.stringify(reported) === JSON.stringify(marked),
    `mypy --strict refuses each of the ${marked.length} marked misuses, and nothing else`,
    misuse.stdout,
  )
  return verdicts
}

const BENCH_PINS = ['aiohttp==3.14.5', 'httpx==0.29.0']

/** Seconds per call, for the table. */
const us = (seconds) => `${(seconds * 1e6).toFixed(3)} µs`

/**
 * Runs bench.py against the loopback fetch servers (bench/fetch-servers.mjs); without `smoke`,
 * writes the README table.
 */
async function bench({ smoke }) {
  const { wheel } = build()
  const python = venv(join(ROOT, 'target', 'python', 'bench-venv'), [...BENCH_PINS, wheel], {
    fresh: true,
  })
  // nginx, when installed, serves with the least CPU, so it shows the most of the clients on this
  // small machine; node:http is measured as well, as the server that is always there.
  const servers = []
  let result
  try {
    const nginx = findNginx()
    if (nginx) servers.push(await nginxServer(nginx))
    const node = await nodeServer()
    servers.push({
      name: 'node:http (bench/fetch-server.mjs)',
      url: `http://127.0.0.1:${node.port}/`,
      stop: node.stop,
    })
    const args = [
      join(CRATE, 'bench', 'bench.py'),
      JSON.stringify(servers.map(({ name, url }) => ({ name, url }))),
    ]
    result = spawnSync(python, smoke ? [...args, 'smoke'] : args, { encoding: 'utf8' })
  } finally {
    for (const server of servers) server.stop()
  }
  process.stdout.write(result.stdout)
  process.stderr.write(result.stderr)
  if (result.status !== 0) throw new Error(`bench.py exited with ${result.status}`)
  const { environment, results } = JSON.parse(result.stdout.trim().split('\n').at(-1))
  if (smoke) {
    console.log(`python-bench: ${results.length} passed, 0 failed`)
    return
  }
  const { cpus } = await import('node:os')
  const rows = results.map((entry) => {
    const mylib = entry.seconds
      ? us(entry.seconds.mylib)
      : `${Math.round(entry.rates.mylib).toLocaleString('en')} req/s`
    const others = Object.entries(entry.seconds ?? entry.rates)
      .filter(([label]) => label !== 'mylib')
      .map(([label, value]) =>
        entry.seconds
          ? `${label}: ${us(value)}`
          : `${label}: ${Math.round(value).toLocaleString('en')} req/s`,
      )
      .join('; ')
    const ratio = entry.seconds
      ? `time ×${entry.ratio.toFixed(2)}`
      : `req/s ×${entry.ratio.toFixed(2)}`
    const verdict = entry.target ? `${entry.target}: ${entry.met ? 'met' : '**MISSED**'}` : '—'
    return `| ${entry.case} | ${mylib} | ${others} | ${ratio} | ${verdict} |`
  })
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:python\`: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, CPython ${environment.python}, aiohttp ${environment.aiohttp}, httpx ${environment.httpx}; medians of 7 rounds (the fetch contenders' rounds taken in turn). Each fetch server runs in its own process on 127.0.0.1 and sends a 1 KiB body over kept-alive connections: ${servers.map(({ name }) => name).join('; ')}.`,
    '',
    '| Case | mylib | Reference | Ratio | Target |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ]
  await replaceSection(
    '<!-- python-bench:start',
    '<!-- python-bench:end -->',
    lines.join('\n'),
    join(CRATE, 'README.md'),
  )
  console.log('wrote the benchmark section of crates/mylib-python/README.md')
}

/** The leak and thread checks, in the venv `test` made (made now if it is missing). */
function reliability() {
  const python = join(ROOT, 'target', 'python', 'venv', 'bin', 'python')
  if (!existsSync(python)) test()
  const status = run(python, [join(CRATE, 'checks', 'reliability.py')])
  if (status !== 0) console.log(`python-reliability: exited ${status}`)
  return status === 0
}

/** What a user does after `pip install mylib`: every export, and a fetch from loopback. */
const SMOKE = `
import array, asyncio, pickle, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import mylib

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        body = b"from loopback" if self.path == "/ok" else b"missing"
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}"
assert mylib.greet("Ada") == "Hello, Ada!"
assert mylib.sum([2147483647, 1]) == 2147483648
assert mylib.sum(array.array("i", [1, 2, 3])) == 6
calc = mylib.Calculator(10)
assert calc.add(5) == 15.0
try:
    calc.divide(0)
    raise AssertionError("no ZeroDivisionError")
except ZeroDivisionError:
    assert calc.value == 15.0
user = mylib.create_user(1, "Ada", "ada@example.com")
assert pickle.loads(pickle.dumps(user)) == user
assert mylib.fetch_data_sync(url + "/ok") == "from loopback"
async def main():
    assert await mylib.fetch_data(url + "/ok") == "from loopback"
    try:
        await mylib.fetch_data(url + "/missing")
        raise AssertionError("no HTTPStatusError")
    except mylib.HTTPStatusError as err:
        assert err.status == 404 and err.code == "ERR_HTTP_STATUS"
asyncio.run(main())
print("mylib", mylib.__file__, "works on Python", sys.version.split()[0])
`

async function installTest() {
  const { wheel, sdist } = build()
  const tools = join(TOOLS_VENV, 'bin')
  const packages = join(ROOT, 'target', 'python', 'index')
  rmSync(packages, { recursive: true, force: true })
  mkdirSync(packages, { recursive: true })
  const port = await freePort()
  const index = `http://127.0.0.1:${port}`
  // Uploads without authentication, and no fallback to any public index.
  const server = spawn(
    join(tools, 'pypi-server'),
    [
      'run',
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-a',
      '.',
      '-P',
      '.',
      '--disable-fallback',
      packages,
    ],
    { stdio: 'inherit' },
  )
  let passed = 0
  let failed = 0
  const report = (ok, what) => {
    if (ok) passed++
    else failed++
    console.log(`${ok ? 'ok' : 'not ok'} - ${what}`)
  }
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      const up = await fetch(`${index}/simple/`).then(
        (r) => r.ok,
        () => false,
      )
      if (up) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const upload = run(join(tools, 'twine'), [
      'upload',
      '--non-interactive',
      '--repository-url',
      `${index}/`,
      '-u',
      'mylib',
      '-p',
      'unused',
      wheel,
      sdist,
    ])
    report(upload === 0, 'twine uploads the wheel and the sdist to the local index')
    for (const version of ['3.9', '3.13']) {
      const interpreter = pyenvPython(version)
      if (!interpreter) {
        console.log(`python-install: skipped Python ${version} (not installed under pyenv)`)
        continue
      }
      const dir = join(ROOT, 'target', 'python', `venv-${version}`)
      rmSync(dir, { recursive: true, force: true })
      must(interpreter, ['-m', 'venv', dir])
      const python = join(dir, 'bin', 'python')
      // Only the local index: PIP_FIND_LINKS and PIP_EXTRA_INDEX_URL cleared, so the public
      // project called mylib can never be what gets installed.
      const env = {
        ...process.env,
        PIP_EXTRA_INDEX_URL: '',
        PIP_INDEX_URL: `${index}/simple/`,
      }
      const installed = run(
        python,
        ['-m', 'pip', 'install', '--no-cache-dir', '--only-binary', 'mylib', 'mylib==0.1.0'],
        { env },
      )
      report(installed === 0, `pip installs mylib from the local index into Python ${version}`)
      if (installed === 0) {
        report(run(python, ['-c', SMOKE]) === 0, `every export works on Python ${version}`)
      }
    }
  } finally {
    server.kill()
  }
  console.log(`python-install: ${passed} passed, ${failed} failed`)
  return failed === 0
}

/** The newest pyenv CPython of `version` (3.9, 3.13), or undefined. */
function pyenvPython(version) {
  const root = join(process.env.PYENV_ROOT ?? join(process.env.HOME ?? '', '.pyenv'), 'versions')
  if (!existsSync(root)) return undefined
  const found = readdirSync(root)
    .filter((name) => name.startsWith(`${version}.`) && /^\d+\.\d+\.\d+$/.test(name))
    .toSorted((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
    .at(-1)
  return found && join(root, found, 'bin', 'python')
}

const [command, ...rest] = process.argv.slice(2)
const allowSkip = rest.includes('--allow-skip')
try {
  if (command === 'build') console.log(`built ${Object.values(build()).join(', ')}`)
  else if (command === 'test') process.exitCode = test() ? 0 : 1
  else if (command === 'install') process.exitCode = (await installTest()) ? 0 : 1
  else if (command === 'reliability') process.exitCode = reliability() ? 0 : 1
  else if (command === 'bench') await bench({ smoke: rest.includes('--smoke') })
  else throw new Error('usage: node scripts/python.mjs build|test|install|reliability|bench')
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
