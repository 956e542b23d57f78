// `npm run test:sanitizers`: mylib under AddressSanitizer and Miri. Needs the nightly toolchain
// with the `miri` and `rust-src` components (this script adds them with rustup) and gcc's libasan.
// When the nightly toolchain or its components cannot be had, it prints
// "sanitizers: skipped (<reason>)" and exits 2, which `.ci/run` reports as a skip.
//
// 1. AddressSanitizer: builds the addon on nightly with `-Zsanitizer=address` (a debug build in
//    target/asan, std not instrumented), then runs the whole ava suite and SANITIZER_FUZZ_RUNS
//    (default 1000) fuzz cases per property on a copy of the package holding that build
//    (target/asan/suite), with the ASan runtime preloaded (LD_PRELOAD). Leak detection is
//    off: Node itself does not free everything at exit (test:leak covers leaks). Any ASan report
//    fails the run.
// 2. Miri: `cargo +nightly miri test --lib` on the Node binding and on mylib-core without its
//    `fetch` feature: the plain-Rust unit tests (none of them calls into Node-API, which Miri
//    cannot run; those marked `cfg_attr(miri, ignore)`, with no unsafe code, are skipped there).
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'

import { checks, finish, record, ROOT } from './common.mjs'

const TARGET = 'x86_64-unknown-linux-gnu'
const FUZZ_RUNS = process.env.SANITIZER_FUZZ_RUNS || '1000'

/** Runs a command, echoing and collecting its output; resolves with `{ code, output, seconds }`. */
function run(command, args, env = {}, cwd = ROOT) {
  console.log(`$ ${command} ${args.join(' ')}`)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const take = (stream) => (chunk) => {
      output += chunk
      stream.write(chunk)
    }
    child.stdout.on('data', take(process.stdout))
    child.stderr.on('data', take(process.stderr))
    child.on('error', reject)
    child.on('exit', (code, signal) =>
      resolve({ code: code ?? signal, output, seconds: (performance.now() - started) / 1000 }),
    )
  })
}

// --- Toolchain --------------------------------------------------------------------------------
const toolchain = await run('rustup', ['+nightly', 'component', 'add', 'miri', 'rust-src'])
if (toolchain.code !== 0) {
  const reason = toolchain.output.trim().split('\n').at(-1) || `rustup exit ${toolchain.code}`
  console.log(`sanitizers: skipped (nightly Rust with miri and rust-src unavailable: ${reason})`)
  process.exit(2)
}

const counts = checks()
const { check } = counts
const figures = []

// --- AddressSanitizer -------------------------------------------------------------------------
const build = await run(
  'cargo',
  ['+nightly', 'build', '--lib', '--target', TARGET, '--target-dir', 'target/asan'],
  { RUSTFLAGS: '-Zsanitizer=address' },
)
check(build.code === 0, `ASan build (nightly, -Zsanitizer=address): exit ${build.code}`)
if (build.code === 0) {
  // A copy of the package whose loader finds the ASan build where it looks first. (The loader's
  // NAPI_RS_NATIVE_LIBRARY_PATH override will not do: other napi-rs addons in the process, the
  // test runner's TypeScript loader among them, obey it too.)
  const suite = join(ROOT, 'target', 'asan', 'suite')
  rmSync(suite, { recursive: true, force: true })
  mkdirSync(suite, { recursive: true })
  // Every tracked file (the specs read the workflow, README, npm/ and main.cjs too).
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
  for (const path of tracked.split('\0').filter(Boolean)) {
    cpSync(join(ROOT, path), join(suite, path), { recursive: true })
  }
  symlinkSync(join(ROOT, 'node_modules'), join(suite, 'node_modules'))
  copyFileSync(
    join(ROOT, 'target', 'asan', TARGET, 'debug', 'libmylib_node.so'),
    join(suite, 'mylib.linux-x64-gnu.node'),
  )
  const asan = {
    LD_PRELOAD: execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim(),
    ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1',
    // The nested checks must not overwrite the recorded figures of the normal build.
    MYLIB_RELIABILITY_DIR: mkdtempSync(join(tmpdir(), 'mylib-asan-')),
  }
  const ava = await run('npx', ['ava', '--tap'], asan, suite)
  const tests = (ava.output.match(/^ok \d+ /gm) ?? []).length
  const failures = (ava.output.match(/^not ok \d+ /gm) ?? []).length
  const reports = (ava.output.match(/ERROR: AddressSanitizer/g) ?? []).length
  check(ava.code === 0 && failures === 0, `ava under ASan: ${tests} passed, ${failures} failed`)
  check(reports === 0, `ava under ASan: ${reports} AddressSanitizer reports`)
  const fuzz = await run('node', ['reliability/fuzz.mjs'], { ...asan, FUZZ_RUNS }, suite)
  const fuzzReports = (fuzz.output.match(/ERROR: AddressSanitizer/g) ?? []).length
  check(
    fuzz.code === 0 && fuzzReports === 0,
    `fuzz under ASan: exit ${fuzz.code}, ${fuzzReports} reports`,
  )
  figures.push(
    `AddressSanitizer (nightly \`-Zsanitizer=address\`, debug build, Node with gcc's libasan preloaded, leak detection off): the ava suite, ${tests} tests passed, ${failures} failed, in ${ava.seconds.toFixed(0)} s; the fuzzer, ${FUZZ_RUNS} cases per property, exit ${fuzz.code}; ${reports + fuzzReports} AddressSanitizer reports.`,
  )
}

// --- Miri -------------------------------------------------------------------------------------
// The Node binding's unit tests, then the core's without its `fetch` feature (the HTTP client runs
// ring's assembly and real sockets, which Miri cannot; the rest of the core is plain Rust).
const MIRI_RUNS = [
  ['+nightly', 'miri', 'test', '--lib', '-p', 'mylib'],
  ['+nightly', 'miri', 'test', '--lib', '-p', 'mylib-core', '--no-default-features'],
]
let [ok, bad, ignored, miriSeconds, miriFailed] = [0, 0, 0, 0, false]
for (const args of MIRI_RUNS) {
  const miri = await run('cargo', args, { MIRIFLAGS: '-Zmiri-disable-isolation' })
  const results = [
    ...miri.output.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g),
  ]
  const [, passed = '0', failed = '0', skipped = '0'] = results.at(-1) ?? []
  ok += Number(passed)
  bad += Number(failed)
  ignored += Number(skipped)
  miriSeconds += miri.seconds
  miriFailed ||= miri.code !== 0
}
check(!miriFailed && bad === 0, `Miri: ${ok} passed, ${bad} failed, ${ignored} ignored`)
figures.push(
  `Miri (\`cargo +nightly miri test --lib\` on the Node binding and on the core without \`fetch\`, the unit tests: none calls into Node-API, and the ignored ones have no unsafe code): ${ok} passed, ${bad} failed, ${ignored} ignored, in ${miriSeconds.toFixed(0)} s.`,
)

await record('sanitizers', {
  ok: counts.failed === 0,
  summary: 'in CI, on nightly Rust with the miri and rust-src components:',
  lines: figures,
})
finish('sanitizers', counts.passed, counts.failed)
