// `npm run bench:render`: bench/results.json (written by `npm run bench -- --json`) → the README's
// benchmark section (between the bench markers) and bench/ratios.svg. Nothing is typed by hand.
// With `-- --check` it writes nothing and fails if either differs from what it would write.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { formatNs, ROOT } from './harness.mjs'

const {
  date,
  environment: env,
  results,
} = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8'))

const value = (entry, row) =>
  entry.unit === 'ns/call'
    ? `${formatNs(row.medianNs)}/call ±${row.spreadPct.toFixed(1)}%`
    : row.display
const ratioHeading = (entry) =>
  entry.unit === 'req/s' ? `req/s ÷ ${entry.reference}` : `time ÷ ${entry.reference}`

const lines = [
  `Measured ${date.slice(0, 10)} with \`npm run bench -- --json\`: Node ${env.node}, ${env.cpu}, ${env.cores} cores;`,
  `the published \`mylib.linux-x64-gnu.node\` is ${(env.nodeFileBytes / 1024 / 1024).toFixed(2)} MiB. The machine is shared and`,
  'noisy: quote the ratios (measured side by side in one run), not the absolute times.',
  '',
]
const targets = results.filter((entry) => entry.verdict)
if (targets.length > 0) {
  lines.push('| Target | Case | Verdict |', '| --- | --- | --- |')
  for (const entry of targets)
    lines.push(
      `| ${entry.verdict.text} | ${entry.concept} — ${entry.name} | ${entry.verdict.met ? 'met' : '**MISSED**'} |`,
    )
  lines.push('')
}
for (const entry of results) {
  const server = entry.server ? ` (server: ${entry.server})` : ''
  lines.push(`**${entry.concept} — ${entry.name}**${server}`, '')
  lines.push(`| Contender | Median | ${ratioHeading(entry)} |`, '| --- | --- | --- |')
  for (const row of entry.rows)
    lines.push(`| ${row.contender} | ${value(entry, row)} | ${row.ratio.toFixed(2)} |`)
  lines.push('')
}
lines.push('![Ratios to each case’s reference](bench/ratios.svg)')

const readmePath = join(ROOT, 'README.md')
const readme = readFileSync(readmePath, 'utf8')
const start = '<!-- bench:start -->'
const end = '<!-- bench:end -->'
if (!readme.includes(start) || !readme.includes(end))
  throw new Error(`README.md lacks the ${start} … ${end} markers`)
const rendered = execFileSync(
  join(ROOT, 'node_modules', '.bin', 'prettier'),
  ['--stdin-filepath', readmePath],
  {
    input: `${readme.slice(0, readme.indexOf(start) + start.length)}\n\n${lines.join('\n')}\n\n${readme.slice(readme.indexOf(end))}`,
    encoding: 'utf8',
  },
)

// A horizontal bar per contender: its ratio to the case's reference, on a log scale.
const bars = results.flatMap((entry) =>
  entry.rows.map((row) => ({
    label: `${entry.concept} · ${entry.name} · ${row.contender}`,
    ratio: row.ratio,
    unit: entry.unit,
  })),
)
/** Green where the contender beats the reference, red where it trails it, grey for the reference. */
const barColour = ({ ratio, unit }) => {
  if (ratio === 1) return '#999'
  return ratio < 1 === (unit !== 'req/s') ? '#2a7' : '#c54'
}
const width = 900
const rowHeight = 18
const labelWidth = 520
const scale = (ratio) => ((Math.log10(ratio) + 2) / 4) * (width - labelWidth - 60) // 0.01× … 100×
const zero = scale(1)
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${bars.length * rowHeight + 30}" font-family="sans-serif" font-size="11">`,
  `<text x="4" y="14">Ratio to each case's reference (log scale; left of the line = less time or fewer req/s)</text>`,
  ...bars.map((bar, i) => {
    const y = 24 + i * rowHeight
    const x = labelWidth + Math.min(zero, scale(bar.ratio))
    const w = Math.max(1, Math.abs(scale(bar.ratio) - zero))
    const label = bar.label.replaceAll('&', '&amp;').replaceAll('<', '&lt;')
    return `<text x="4" y="${y + 12}">${label}</text><rect x="${x}" y="${y + 3}" width="${w}" height="${rowHeight - 6}" fill="${barColour(bar)}"/><text x="${labelWidth + scale(Math.max(bar.ratio, 1)) + 4}" y="${y + 12}">×${bar.ratio.toFixed(2)}</text>`
  }),
  `<line x1="${labelWidth + zero}" y1="20" x2="${labelWidth + zero}" y2="${bars.length * rowHeight + 28}" stroke="#333"/>`,
  '</svg>',
].join('\n')
const svgPath = join(ROOT, 'bench', 'ratios.svg')
if (process.argv.includes('--check')) {
  // CI: the committed section and chart must be what the committed results render.
  const stale = [
    rendered !== readme && 'the README benchmark section',
    `${svg}\n` !== readFileSync(svgPath, 'utf8') && 'bench/ratios.svg',
  ].filter(Boolean)
  if (stale.length > 0) {
    console.error(
      `${stale.join(' and ')} differ from what bench/results.json renders: run npm run bench:render`,
    )
    process.exit(1)
  }
  console.log('README benchmark section and bench/ratios.svg match bench/results.json')
} else {
  writeFileSync(readmePath, rendered)
  writeFileSync(svgPath, `${svg}\n`)
  console.log('README.md benchmark section and bench/ratios.svg rendered from bench/results.json')
}
