// The README's reliability section, generated from the figures each check recorded on its last
// real run (`.reliability/<part>.json`, written by reliability/common.mjs `record`). Every check
// calls it after recording; `node reliability/readme.mjs` regenerates the section alone.
import process from 'node:process'
import { fileURLToPath } from 'node:url'

import { replaceSection } from '../runtimes/readme.mjs'
import { recorded } from './common.mjs'

const BEGIN = '<!-- reliability:begin'
const END = '<!-- reliability:end -->'

/** The checks, in the README's order: part name, npm script, what it does. */
const PARTS = [
  ['panic', 'test:panic', 'a panic in each kind of entry point, on a test-only build'],
  ['fuzz', 'test:fuzz', 'property-based fuzzing of every export and option with hostile JS values'],
  ['leak', 'test:leak', 'memory and file descriptors after millions of calls'],
  ['workers', 'test:workers', 'the addon in worker threads, some terminated mid-fetch'],
  ['stress', 'test:stress', '`fetchData` at high concurrency against a faulty server'],
  ['sanitizers', 'test:sanitizers', 'AddressSanitizer and Miri'],
]

/** The generated section, without its markers. */
export function renderSection() {
  const lines = []
  for (const [part, script, what] of PARTS) {
    const last = recorded(part)
    lines.push(`- **\`npm run ${script}\`** (${what}): `)
    if (!last) {
      lines[lines.length - 1] += 'no recorded run.'
      continue
    }
    const day = last.date.slice(0, 10)
    // A sentence: capitalised, and ended unless a list follows.
    const summary = last.summary.charAt(0).toUpperCase() + last.summary.slice(1)
    const end = /[.:]$/.test(summary) ? '' : '.'
    lines[lines.length - 1] +=
      `${last.ok ? 'passed' : '**FAILED**'} on ${day}, Node ${last.node}. ${summary}${end}`
    for (const line of last.lines ?? []) lines.push(`  - ${line}`)
  }
  return lines.join('\n')
}

/** Replaces the README's generated section; returns whether the README changed. */
export function updateReadme() {
  return replaceSection(BEGIN, END, renderSection())
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log((await updateReadme()) ? 'README.md updated' : 'README.md already up to date')
}
