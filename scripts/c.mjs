// libmylib, the C library (crates/mylib-c):
//
//   node scripts/c.mjs build            `npm run build:c`: target/release/libmylib.{so,a} and the
//                                       header crates/mylib-c/include/mylib.h (cbindgen)
//   node scripts/c.mjs build --check    the same, failing if the committed header differs
//   node scripts/c.mjs install <prefix> lays out <prefix>/lib, include and lib/pkgconfig/mylib.pc
//   node scripts/c.mjs bench [--smoke]  `npm run bench:c`: crates/mylib-c/bench/bench.c (-O2):
//                                       mylib_sum against a C loop, and sequential keep-alive
//                                       GETs against libcurl's easy API on a loopback server; the
//                                       results go into crates/mylib-c/README.md (--smoke: a short
//                                       run that only checks the answers, for CI)
//   node scripts/c.mjs test [--check]   `npm run test:c`: builds, checks the header compiles as
//                                       C99 and C++17 (-Wall -Wextra -Werror -pedantic), then runs
//                                       crates/mylib-c/tests/test_mylib.c against the shared and
//                                       the static library, under ASan and UBSan, and under
//                                       valgrind, with the loopback servers it starts (one
//                                       plain; one, HTTP and HTTPS, whose keep-alive connections
//                                       end badly); builds examples/main.c with pkg-config and
//                                       runs it
//
// cbindgen is installed once (cargo install) into the tools folder, MYLIB_TOOLS_DIR (default
// `.tools/`). The test ends with "c: N passed, N failed"; it exits 2 with "c: skipped (<reason>)"
// when a tool it needs cannot be had (0 with --allow-skip, as `npm test` runs it).
import { execFileSync, fork, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { replaceSection } from '../runtimes/readme.mjs'
import { Missing, freePort, must, run } from './common.mjs'
import { testPki } from './pki.mjs'

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const CRATE = join(ROOT, 'crates', 'mylib-c')
const HEADER = join(CRATE, 'include', 'mylib.h')
const RELEASE = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release')
const OUT = join(ROOT, 'target', 'c')
const TOOLS = process.env.MYLIB_TOOLS_DIR ?? join(ROOT, '.tools')
const CBINDGEN_VERSION = '0.29.4'
const CBINDGEN = join(TOOLS, 'cargo', 'bin', 'cbindgen')

function has(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0
}

function ensureCbindgen() {
  const version = spawnSync(CBINDGEN, ['--version'], { encoding: 'utf8' }).stdout?.trim()
  if (version === `cbindgen ${CBINDGEN_VERSION}`) return
  const install = run('cargo', [
    'install',
    '--locked',
    '--quiet',
    '--root',
    join(TOOLS, 'cargo'),
    'cbindgen',
    '--version',
    CBINDGEN_VERSION,
  ])
  if (install !== 0) throw new Missing(`cargo install cbindgen ${CBINDGEN_VERSION} failed`)
}

/** Builds both libraries and the header; with `check`, the committed header must not change. */
function build({ check }) {
  ensureCbindgen()
  must('cargo', ['build', '--release', '--locked', '-p', 'mylib-c'], { cwd: ROOT })
  const generated = join(tmpdir(), `mylib-${process.pid}.h`)
  must(CBINDGEN, ['--quiet', '--config', 'cbindgen.toml', '--output', generated], { cwd: CRATE })
  const header = readFileSync(generated, 'utf8')
  rmSync(generated)
  const committed = existsSync(HEADER) ? readFileSync(HEADER, 'utf8') : ''
  if (header !== committed) {
    if (check) {
      throw new Error(
        'crates/mylib-c/include/mylib.h is not what cbindgen generates: run `npm run build:c` and commit it',
      )
    }
    writeFileSync(HEADER, header)
    console.log('wrote crates/mylib-c/include/mylib.h')
  }
}

/** The pkg-config file for an install at `prefix`. */
function pkgConfig(prefix) {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  return `prefix=${prefix}
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: mylib
Description: mylib's C library: greet, sum, a calculator, user records and a blocking HTTP GET
Version: ${version}
Libs: -L\${libdir} -lmylib
Libs.private: -lpthread -ldl -lm
Cflags: -I\${includedir}
`
}

/** Lays out `prefix`/lib (libmylib.so, libmylib.a), include (mylib.h), lib/pkgconfig. */
function installTo(prefix) {
  for (const dir of ['lib', 'include', join('lib', 'pkgconfig')]) {
    mkdirSync(join(prefix, dir), { recursive: true })
  }
  copyFileSync(join(RELEASE, 'libmylib.so'), join(prefix, 'lib', 'libmylib.so'))
  copyFileSync(join(RELEASE, 'libmylib.a'), join(prefix, 'lib', 'libmylib.a'))
  copyFileSync(HEADER, join(prefix, 'include', 'mylib.h'))
  writeFileSync(join(prefix, 'lib', 'pkgconfig', 'mylib.pc'), pkgConfig(prefix))
}

/** The loopback server the C tests fetch from. */
async function startServer() {
  const server = createServer((req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers }).end(body)
    }
    switch (req.url) {
      case '/ok':
        return send(200, 'hello from loopback')
      case '/latin1':
        return send(200, Buffer.from([0x63, 0x61, 0x66, 0xe9]), {
          'content-type': 'text/plain; charset=iso-8859-1',
        })
      case '/echo-header':
        return send(200, `x-mylib-test: ${req.headers['x-mylib-test']}`)
      case '/big':
        return send(200, 'x'.repeat(1_000_000))
      case '/nul':
        return send(200, 'a\0b')
      case '/slow': {
        const timer = setTimeout(() => send(200, 'late'), 5000)
        req.socket.on('close', () => clearTimeout(timer))
        return undefined
      }
      default:
        return send(404, 'not found')
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const edges = await startEdgeServer()
  const refusedPort = await freePort()
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    edges: [edges.base, edges.tls, edges.caPath],
    refused: `http://127.0.0.1:${refusedPort}/`,
    close: () => {
      server.close()
      edges.close()
    },
  }
}

/**
 * A second loopback server, for keep-alive connections that end badly; its own origin, so the
 * pool holds at most the one connection the sequential test left there. It answers
 * `keep-alive` and then:
 * - /close-after, /reset-after: closes the connection (FIN; RST) 20 ms after the response, while
 *   the client is between calls;
 * - /fresh-only: answers a connection's first request only, and drops the connection unanswered
 *   on a later one (a server whose keep-alive timer fires as the request arrives); /slow-ok:
 *   answers after 300 ms, so that calls made at once leave several connections in the pool;
 * - /reset-always: resets the connection on every request, unanswered; /reset-late: the same,
 *   300 ms after the request; /resets: how many /reset-always and /reset-late requests arrived
 *   since the last /resets.
 * The same routes are served over HTTPS too (`tls`, with a certificate from a throwaway CA at
 * `caPath`), but for the resets, which Node cannot do on a TLS socket.
 */
async function startEdgeServer() {
  let resets = 0
  const edge = (req, res) => {
    const { socket } = req
    socket.served = (socket.served ?? 0) + 1
    const send = (body) => res.writeHead(200, { 'content-length': body.length }).end(body)
    const later = (ms, action) => {
      const timer = setTimeout(action, ms)
      socket.on('close', () => clearTimeout(timer))
    }
    switch (req.url) {
      case '/close-after':
        res.on('finish', () => later(20, () => socket.destroy()))
        return send('closed after')
      case '/reset-after':
        res.on('finish', () => later(20, () => socket.resetAndDestroy()))
        return send('reset after')
      case '/fresh-only':
        return socket.served === 1 ? send('fresh') : socket.destroy()
      case '/slow-ok':
        return later(300, () => send('slow ok'))
      case '/reset-always':
        resets += 1
        return socket.resetAndDestroy()
      case '/reset-late':
        resets += 1
        return later(300, () => socket.resetAndDestroy())
      case '/resets': {
        const body = String(resets)
        resets = 0
        return send(body)
      }
      default:
        return res.writeHead(404, { 'content-length': 0 }).end()
    }
  }
  const pki = testPki('IP:127.0.0.1')
  const servers = [createServer(edge), createTlsServer({ key: pki.key, cert: pki.cert }, edge)]
  for (const server of servers) {
    server.keepAliveTimeout = 60_000
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
  }
  const [plain, tls] = servers.map((server) => server.address().port)
  return {
    base: `http://127.0.0.1:${plain}`,
    tls: `https://127.0.0.1:${tls}`,
    caPath: pki.caPath,
    close: () => servers.forEach((server) => server.close()),
  }
}

const counts = { passed: 0, failed: 0 }

/** Runs a test binary (its server runs in this process, so the run is asynchronous). */
async function runTests(label, command, args, env = {}) {
  console.log(`--- ${label}`)
  const { spawn } = await import('node:child_process')
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
    process.stdout.write(chunk)
  })
  const [code] = await once(child, 'close')
  const ok = [...output.matchAll(/^ok - /gm)].length
  const bad = [...output.matchAll(/^not ok - /gm)].length
  const summary = /^test_mylib: (\d+) passed, (\d+) failed$/m.exec(output)
  const whole = summary && Number(summary[1]) === ok && code === 0 && bad === 0
  // Every check counts; a run that failed without a failed check (a crash, a sanitizer or
  // valgrind report, a missing summary) counts once more.
  counts.passed += ok
  counts.failed += bad + (whole || bad > 0 ? 0 : 1)
  console.log(
    `${whole ? 'ok' : 'not ok'} - ${label}: ${ok} checks passed, ${bad} failed, exit ${code}`,
  )
}

function compileCheck(label, compiler, args) {
  const status = run(compiler, args)
  counts.passed += status === 0 ? 1 : 0
  counts.failed += status === 0 ? 0 : 1
  console.log(`${status === 0 ? 'ok' : 'not ok'} - ${label}`)
  return status === 0
}

async function test({ check }) {
  for (const tool of ['gcc', 'g++', 'pkg-config', 'valgrind']) {
    if (!has(tool)) throw new Missing(`${tool} is not installed`)
  }
  // The edge server's HTTPS certificate is made with the openssl CLI (scripts/pki.mjs).
  if (spawnSync('openssl', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new Missing('openssl is not installed')
  }
  build({ check })
  mkdirSync(OUT, { recursive: true })
  const include = ['-I', join(CRATE, 'include')]
  const strict = ['-Wall', '-Wextra', '-Werror', '-pedantic', '-fsyntax-only']
  const probe = join(OUT, 'header.c')
  writeFileSync(probe, '#include "mylib.h"\nint main(void) { return MYLIB_OK; }\n')
  compileCheck('mylib.h compiles as C99', 'gcc', ['-std=c99', ...strict, ...include, probe])
  compileCheck('mylib.h compiles as C++17', 'g++', [
    '-std=c++17',
    '-x',
    'c++',
    ...strict,
    ...include,
    probe,
  ])

  const source = join(CRATE, 'tests', 'test_mylib.c')
  const common = ['-std=c11', '-g', '-O1', '-Wall', '-Wextra', '-Werror', ...include, source]
  const binaries = {
    shared: join(OUT, 'test_shared'),
    static: join(OUT, 'test_static'),
    sanitized: join(OUT, 'test_sanitized'),
  }
  const shared = ['-L', RELEASE, '-lmylib', `-Wl,-rpath,${RELEASE}`, '-lpthread', '-lm']
  const built = {
    shared: compileCheck('test_mylib.c links against libmylib.so', 'gcc', [
      ...common,
      ...shared,
      '-o',
      binaries.shared,
    ]),
    static: compileCheck('test_mylib.c links against libmylib.a', 'gcc', [
      ...common,
      join(RELEASE, 'libmylib.a'),
      '-lpthread',
      '-ldl',
      '-lm',
      '-o',
      binaries.static,
    ]),
    sanitized: compileCheck('test_mylib.c builds with -fsanitize=address,undefined', 'gcc', [
      '-fsanitize=address,undefined',
      '-fno-sanitize-recover=all',
      '-fno-omit-frame-pointer',
      ...common,
      ...shared,
      '-o',
      binaries.sanitized,
    ]),
  }

  const server = await startServer()
  try {
    const args = [server.base, server.refused, ...server.edges]
    if (built.shared) await runTests('shared library', binaries.shared, args)
    if (built.static) await runTests('static library', binaries.static, args)
    if (built.sanitized) {
      await runTests('ASan + UBSan', binaries.sanitized, args, {
        ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:halt_on_error=1',
        UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
      })
    }
    if (built.shared) {
      // Without the TLS checks: valgrind takes the plaintext that ring's AES-GCM assembly writes
      // for uninitialised memory (the other three runs make them).
      await runTests(
        'valgrind --leak-check=full',
        'valgrind',
        [
          '--quiet',
          '--leak-check=full',
          '--errors-for-leak-kinds=definite,indirect',
          '--show-leak-kinds=definite,indirect',
          '--error-exitcode=1',
          binaries.shared,
          ...args,
        ],
        { MYLIB_TEST_SKIP_TLS: '1' },
      )
    }
    // The example, as a C programmer builds it: from an install, with pkg-config.
    const prefix = join(OUT, 'install')
    rmSync(prefix, { recursive: true, force: true })
    installTo(prefix)
    const pkgEnv = { ...process.env, PKG_CONFIG_PATH: join(prefix, 'lib', 'pkgconfig') }
    const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'mylib'], {
      env: pkgEnv,
      encoding: 'utf8',
    })
      .trim()
      .split(/\s+/)
    const example = join(OUT, 'example')
    if (
      compileCheck('examples/main.c builds with pkg-config --cflags --libs mylib', 'gcc', [
        '-std=c99',
        '-Wall',
        '-Wextra',
        '-Werror',
        join(CRATE, 'examples', 'main.c'),
        ...flags,
        '-o',
        example,
      ])
    ) {
      const result = spawnSync(example, ['Ada'], {
        encoding: 'utf8',
        env: { ...process.env, LD_LIBRARY_PATH: join(prefix, 'lib') },
      })
      const ok = result.status === 0 && result.stdout.includes('Hello, Ada!')
      counts.passed += ok ? 1 : 0
      counts.failed += ok ? 0 : 1
      process.stdout.write(result.stdout)
      console.log(`${ok ? 'ok' : 'not ok'} - the example runs`)
    }
  } finally {
    server.close()
  }
  console.log(`c: ${counts.passed} passed, ${counts.failed} failed`)
  return counts.failed === 0
}

const verdict = (met) => (met ? 'met' : '**MISSED**')

async function bench({ smoke }) {
  if (!has('gcc') || !existsSync('/usr/include/x86_64-linux-gnu/curl/curl.h')) {
    if (!existsSync('/usr/include/curl/curl.h')) {
      throw new Missing(
        'libcurl4-openssl-dev is not installed (apt-get install libcurl4-openssl-dev)',
      )
    }
  }
  build({ check: false })
  mkdirSync(OUT, { recursive: true })
  const binary = join(OUT, 'bench')
  must('gcc', [
    '-std=c11',
    '-O2',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-I',
    join(CRATE, 'include'),
    join(CRATE, 'bench', 'bench.c'),
    '-L',
    RELEASE,
    '-lmylib',
    `-Wl,-rpath,${RELEASE}`,
    '-lcurl',
    '-lpthread',
    '-lm',
    '-o',
    binary,
  ])
  const { BODY } = await import('../bench/fetch-bodies.mjs')
  const server = fork(join(ROOT, 'bench', 'fetch-server.mjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const [port] = await once(server, 'message')
  const requests = smoke ? 50 : 5000
  let output
  try {
    output = execFileSync(binary, [`http://127.0.0.1:${port}/`, BODY, String(requests)], {
      encoding: 'utf8',
    })
  } finally {
    server.kill()
  }
  process.stdout.write(output)
  const result = Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => {
        const space = line.indexOf(' ')
        return [line.slice(0, space), line.slice(space + 1)]
      }),
  )
  if (smoke) {
    console.log('c-bench: 1 passed, 0 failed')
    return
  }
  const sumRatio = Number(result.sum_mylib_us) / Number(result.sum_loop_us)
  const fetchRatio = Number(result.fetch_mylib_rps) / Number(result.fetch_curl_rps)
  const gcc = execFileSync('gcc', ['-dumpfullversion'], { encoding: 'utf8' }).trim()
  const readme = join(CRATE, 'README.md')
  await replaceSection(
    '<!-- c-bench:start',
    '<!-- c-bench:end -->',
    [
      `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:c\`: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, gcc ${gcc} (\`-O2\`), ${result.curl_version.split(' ')[0]}; the median of ${result.rounds} rounds taken in turn, in alternating order. The server is bench/fetch-server.mjs (node:http in its own process, a 1 KiB body).`,
      '',
      '| Case | mylib | Reference | Ratio | Target |',
      '| --- | --- | --- | --- | --- |',
      `| \`mylib_sum\` of 1,000,000 \`int32_t\` | ${result.sum_mylib_us} µs | plain C loop: ${result.sum_loop_us} µs | time ×${sumRatio.toFixed(2)} | not slower: ${verdict(sumRatio <= 1)} |`,
      `| ${requests.toLocaleString('en')} sequential keep-alive GETs | ${Number(result.fetch_mylib_rps).toLocaleString('en')} req/s | libcurl easy API: ${Number(result.fetch_curl_rps).toLocaleString('en')} req/s | req/s ×${fetchRatio.toFixed(2)} | at least libcurl's rate: ${verdict(fetchRatio >= 1)} |`,
    ].join('\n'),
    readme,
  )
  console.log('wrote the benchmark section of crates/mylib-c/README.md')
}

const [command, ...rest] = process.argv.slice(2)
const check = rest.includes('--check')
// `npm test` passes --allow-skip: a missing tool is then reported, and the run goes on.
const allowSkip = rest.includes('--allow-skip')
try {
  if (command === 'build') build({ check })
  else if (command === 'install') {
    if (!rest[0]) throw new Error('usage: node scripts/c.mjs install <prefix>')
    installTo(rest[0])
  } else if (command === 'test') process.exitCode = (await test({ check })) ? 0 : 1
  else if (command === 'bench') await bench({ smoke: rest.includes('--smoke') })
  else {
    throw new Error(
      'usage: node scripts/c.mjs build [--check] | install <prefix> | test [--check] | bench [--smoke]',
    )
  }
} catch (error) {
  if (error instanceof Missing) {
    console.log(`c: skipped (${error.message})`)
    process.exitCode = allowSkip ? 0 : 2
  } else {
    console.error(error.message)
    console.log(`c: ${counts.passed} passed, ${counts.failed + 1} failed`)
    process.exitCode = 1
  }
}
