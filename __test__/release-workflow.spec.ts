// The release workflow cannot run here, so its shape is checked against package.json instead:
// every target in `napi.targets` has a build job and an `npm/` package, and nothing else does.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseTriple } from '@napi-rs/cli'
import test from 'ava'
import { parse } from 'yaml'

const ROOT = join(import.meta.dirname, '..')

interface BuildEntry {
  target: string
  host: string
  build: string
  zig?: boolean
}

interface Step {
  run?: string
  uses?: string
  with?: Record<string, unknown>
}

interface Job {
  needs?: string | string[]
  if?: string
  permissions?: Record<string, string>
  strategy?: { matrix: { include?: Record<string, unknown>[]; node?: number[] } }
  steps: Step[]
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const targets: string[] = pkg.napi.targets
const workflow = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8'))
const jobs: Record<string, Job> = workflow.jobs
const builds = jobs.build.strategy!.matrix.include as unknown as BuildEntry[]

test('napi.targets is the eight supported targets', (t) => {
  t.deepEqual(targets.toSorted(), [
    'aarch64-apple-darwin',
    'aarch64-pc-windows-msvc',
    'aarch64-unknown-linux-gnu',
    'aarch64-unknown-linux-musl',
    'x86_64-apple-darwin',
    'x86_64-pc-windows-msvc',
    'x86_64-unknown-linux-gnu',
    'x86_64-unknown-linux-musl',
  ])
})

test('every napi target has exactly one build job, and no job builds anything else', (t) => {
  t.deepEqual(builds.map((entry) => entry.target).toSorted(), targets.toSorted())
})

test('each build job builds its own target: zig with the 2.17 floor on Linux, natively elsewhere', (t) => {
  for (const { target, host, build, zig } of builds) {
    const { platform, abi } = parseTriple(target)
    if (platform === 'linux') {
      const triple = abi === 'gnu' ? `${target}.2.17` : target
      t.is(build, `npx napi build --platform --release -x --target ${triple}`, target)
      t.true(zig, target)
      t.regex(host, /^ubuntu-/, target)
    } else {
      t.is(build, `npx napi build --platform --release --target ${target}`, target)
      t.falsy(zig, target)
      t.regex(host, platform === 'darwin' ? /^macos-/ : /^windows-/, target)
    }
  }
})

test('every napi target has an npm/ package for its platform, and npm/ holds nothing else', (t) => {
  const platforms = targets.map((target) => parseTriple(target).platformArchABI)
  t.deepEqual(readdirSync(join(ROOT, 'npm')).toSorted(), platforms.toSorted())
  for (const platform of platforms) {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'npm', platform, 'package.json'), 'utf8'))
    t.is(manifest.name, `${pkg.name}-${platform}`)
    t.is(manifest.version, pkg.version)
    t.is(manifest.main, `${pkg.napi.binaryName}.${platform}.node`)
    t.deepEqual(manifest.files, [manifest.main])
    t.deepEqual(manifest.engines, pkg.engines)
    t.is(manifest.license, pkg.license)
    t.deepEqual(manifest.repository, pkg.repository)
    t.true(existsSync(join(ROOT, 'npm', platform, 'README.md')), platform)
  }
})

test('the binaries are tested on every Node mylib supports, on every target', (t) => {
  const tested = [
    ...jobs.test.strategy!.matrix.include!,
    ...jobs['test-musl'].strategy!.matrix.include!,
  ].map((entry) => entry.target)
  t.deepEqual(tested.toSorted(), targets.toSorted())
  t.deepEqual(jobs.test.strategy!.matrix.node, [20, 22, 24])
  t.deepEqual(jobs['test-musl'].strategy!.matrix.node, [20, 22, 24])
})

test('a version tag publishes the collected artifacts with provenance', (t) => {
  const publish = jobs.publish
  t.is(publish.if, "startsWith(github.ref, 'refs/tags/v')")
  t.deepEqual(publish.needs, ['build', 'test', 'test-musl'])
  t.is(publish.permissions!['id-token'], 'write')
  const runs = publish.steps.flatMap((step) => (step.run ? [step.run] : []))
  t.deepEqual(runs, [
    'npm ci --no-audit --no-fund',
    'npx napi artifacts',
    'npx napi pre-publish -t npm --no-gh-release',
    'npm publish --provenance --access public',
  ])
})

test("the README's platforms table is the one generated from napi.targets", (t) => {
  t.notThrows(() =>
    execFileSync(process.execPath, ['scripts/readme-platforms.mjs', '--check'], { cwd: ROOT }),
  )
})
