// `npm run test:panic`: a Rust panic in any kind of entry point is a catchable JS error, not an
// abort. Builds the addon with the test-only cargo feature `test-panic` (a debug build in
// target/debug, apart from the release build `npm run build` makes and publishes), loads that
// .node by path in a child process, makes every panicking entry point panic, and checks that the
// child catches each one as an Error, goes on to use the real exports, and exits 0. With the
// bench floor built in, it also checks that Calculator's receiver check refuses an object that
// other native code wrapped (the floor's RawCalculator).
// `cargo test` (tests/catch_unwind.rs) checks that every real entry point uses the same
// `#[napi(catch_unwind)]` these do.
import { execFileSync } from 'node:child_process'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'

import { checks, finish, lastResult, record, ROOT, runChild } from './common.mjs'

/** What a call threw, as `Class: message`. */
function caught(what, call) {
  try {
    call()
    return { what, outcome: 'no exception' }
  } catch (err) {
    return { what, outcome: `${err?.constructor?.name}: ${err?.message}` }
  }
}

if (process.argv[2] === '--child') {
  const { createRequire } = await import('node:module')
  const m = createRequire(import.meta.url)(process.argv[3])
  const results = [
    caught('function', () => m.testPanic('boom')),
    caught('raw callback', () => m.testPanicRaw(1)),
    caught('constructor', () => new m.TestPanicker(true)),
    caught('method', () => new m.TestPanicker(false).method()),
    caught('getter', () => new m.TestPanicker(false).value),
    await m.testPanicAsync(true).then(
      () => ({ what: 'future', outcome: 'resolved' }),
      (err) => ({ what: 'future', outcome: `${err?.constructor?.name}: ${err?.message}` }),
    ),
  ]
  // An object that another addon's code wrapped (the bench floor's RawCalculator, built in) is
  // not a Calculator, also after the real one's address has been verified and remembered.
  const real = new m.Calculator(1)
  real.add(1)
  const foreign = new m.RawCalculator(5)
  for (const [what, call] of [
    ['foreign method', () => m.Calculator.prototype.add.call(foreign, 1)],
    [
      'foreign getter',
      () => Object.getOwnPropertyDescriptor(m.Calculator.prototype, 'value').get.call(foreign),
    ],
  ]) {
    try {
      call()
      results.push({ what, outcome: 'no exception' })
    } catch (err) {
      results.push({ what, outcome: `${err?.constructor?.name} ${err?.code}` })
    }
  }
  // The same build keeps working after the panics.
  const after = [
    m.greet('after'),
    m.sum([1, 2]),
    new m.Calculator(1).add(2),
    m.createUser(1, 'a', 'a@b').email,
    await m.testPanicAsync(false),
  ]
  console.log(JSON.stringify({ result: { results, after } }))
} else {
  console.log('building the addon with --features test-panic,bench-floor (debug, target/debug)')
  execFileSync('cargo', ['build', '--quiet', '--lib', '--features', 'test-panic,bench-floor'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  const node = join(ROOT, 'target', 'debug', 'mylib_test_panic.node')
  copyFileSync(join(ROOT, 'target', 'debug', 'libmylib_node.so'), node)
  const child = await runChild(new URL(import.meta.url).pathname, {
    args: ['--child', node],
    env: { RUST_BACKTRACE: '0' },
  })
  const result = lastResult(child.stdout)
  const expected = [
    ['function', 'Error: boom'],
    ['raw callback', 'Error: panic in a raw callback (Ok(Number))'],
    ['constructor', 'Error: panic in a constructor'],
    ['method', 'Error: panic in a method'],
    ['getter', 'Error: panic in a getter'],
    ['future', 'Error: panic in a future'],
    ['foreign method', 'TypeError ERR_INVALID_THIS'],
    ['foreign getter', 'TypeError ERR_INVALID_THIS'],
  ]
  const counts = checks()
  const { check } = counts
  check(
    child.signal === null && child.code === 0,
    `child exits 0 (code ${child.code}, signal ${child.signal})`,
  )
  for (const [what, outcome] of expected) {
    const got = result?.results.find((r) => r.what === what)?.outcome
    check(
      got?.startsWith(outcome),
      what.startsWith('foreign')
        ? `a Calculator ${what.slice(8)} refuses an object another addon wrapped: ${got}`
        : `a panic in a ${what} is a JS error: ${got}`,
    )
  }
  check(
    JSON.stringify(result?.after) === JSON.stringify(['Hello, after!', 3, 3, 'a@b', 'ok']),
    `the addon works after the panics: ${JSON.stringify(result?.after)}`,
  )
  await record('panic', {
    ok: counts.failed === 0,
    summary: `${expected.length} kinds of entry point panicked (function, constructor, method, getter, future on the tokio runtime); each became a catchable \`Error\` and the process went on and exited 0`,
  })
  finish('panic', counts.passed, counts.failed)
}
