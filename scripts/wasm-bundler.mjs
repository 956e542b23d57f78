// The bundler test of mylib-wasm, part of `npm run test:wasm` (scripts/wasm.mjs): the app of
// examples/bundler (index.html and main.js, which imports mylib-wasm by its package name and
// calls every export as its README shows) in a project of its own, where npm installs mylib-wasm
// from its packed tarball, is built by Vite and by esbuild (mylib's devDependencies, at the
// versions its package.json pins). Each build's output is served from 127.0.0.1 and opened in
// headless Chromium (scripts/wasm-browser.mjs), whose page posts the outcome of every call back;
// the server's log shows which files the page fetched.
//
// Vite emits the .wasm that the package's browser entry names with
// `new URL('./mylib_wasm_bg.wasm', import.meta.url)` as an asset of its own and rewrites the URL;
// esbuild leaves the expression as it is and emits no .wasm, so its app works once the .wasm is
// copied next to the bundle (what the README tells esbuild's users to do). Both are checked.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

import { Missing } from './common.mjs'
import { runPage } from './wasm-browser.mjs'

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const APP = join(ROOT, 'examples', 'bundler')
const README = join(ROOT, 'crates', 'mylib-wasm', 'README.md')
const WASM_FILE = 'mylib_wasm_bg.wasm'

/** A project whose node_modules/mylib-wasm is `tarball` installed by npm, with the app's files;
 * returns its folder. */
function layOutProject(folder, tarball) {
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  const manifest = { name: 'mylib-wasm-bundled', private: true, type: 'module' }
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const file of readdirSync(APP)) copyFileSync(join(APP, file), join(folder, file))
  // Offline: the tarball has no dependencies, so npm needs no registry.
  const args = ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball]
  const installed = spawnSync('npm', args, { cwd: folder, encoding: 'utf8' })
  if (installed.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${installed.stderr}`)
  return folder
}

/** Every file under `folder`, as paths relative to it. */
function filesIn(folder) {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
}

/** Builds the app with Vite's API, as `vite build` would with no config file. */
async function viteBuild(project) {
  const vite = await import('vite')
  const out = join(project, 'dist-vite')
  await vite.build({
    root: project,
    configFile: false,
    logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true },
  })
  return { name: `Vite ${vite.version}`, out }
}

/** Bundles main.js with esbuild for browsers, as ES modules (the entry's top-level await needs
 * them), next to a copy of index.html. */
async function esbuildBuild(project) {
  const esbuild = await import('esbuild')
  const out = join(project, 'dist-esbuild')
  rmSync(out, { recursive: true, force: true })
  await esbuild.build({
    absWorkingDir: project,
    entryPoints: ['main.js'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outdir: out,
    logLevel: 'warning',
  })
  copyFileSync(join(project, 'index.html'), join(out, 'index.html'))
  return { name: `esbuild ${esbuild.version}`, out }
}

/** Runs `check` and adds { name, error } to `results`. */
function record(results, name, check) {
  try {
    check()
    results.push({ name })
  } catch (error) {
    results.push({ name, error: String(error?.message ?? error) })
  }
}

/** What a build put out: the .wasm files and the JavaScript, read once. */
function output(out) {
  const files = filesIn(out)
  const script = files
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(join(out, file), 'utf8'))
    .join('\n')
  return { wasm: files.filter((file) => file.endsWith('.wasm')), script }
}

/** Checks a build's output; returns the path of the .wasm the page should fetch. */
function checkOutput(results, build, project) {
  const packaged = readFileSync(join(project, 'node_modules', 'mylib-wasm', WASM_FILE))
  const { wasm, script } = output(build.out)
  let asset
  if (build.name.startsWith('Vite ')) {
    record(results, `${build.name}: emits ${WASM_FILE} as an asset, byte for byte`, () => {
      if (wasm.length !== 1) throw new Error(`expected one .wasm, got [${wasm.join(', ')}]`)
      ;[asset] = wasm
      if (!readFileSync(join(build.out, asset)).equals(packaged)) {
        throw new Error(`${asset} is not the package's ${WASM_FILE}`)
      }
      if (!script.includes(basename(asset))) throw new Error(`no script names ${asset}`)
    })
  } else {
    record(results, `${build.name}: emits no .wasm, keeps new URL('./${WASM_FILE}', …)`, () => {
      if (wasm.length !== 0) throw new Error(`expected no .wasm, got [${wasm.join(', ')}]`)
      if (!script.includes(`new URL("./${WASM_FILE}", import.meta.url)`)) {
        throw new Error(`the bundle has no new URL("./${WASM_FILE}", import.meta.url)`)
      }
    })
    // What esbuild's users must do: put the .wasm next to the bundle.
    copyFileSync(join(project, 'node_modules', 'mylib-wasm', WASM_FILE), join(build.out, WASM_FILE))
    asset = WASM_FILE
  }
  record(results, `${build.name}: bundles the browser entry, not the Node one`, () => {
    if (script.includes('node:fs') || script.includes('readFileSync')) {
      throw new Error("the bundle holds node.mjs's readFileSync")
    }
  })
  record(results, `crates/mylib-wasm/README.md names ${build.name}`, () => {
    if (!readFileSync(README, 'utf8').includes(build.name)) {
      throw new Error(`its Bundlers note does not name ${build.name}, the version tested`)
    }
  })
  return asset
}

/** Opens a build in Chromium: the page's results, and what it fetched. */
async function checkPage(results, build, asset) {
  const requests = []
  const onRequest = (request) => requests.push(request)
  const { version, report, png } = await runPage({
    height: 700,
    site: { folder: build.out, onRequest },
  })
  writeFileSync(join(dirname(build.out), `${basename(build.out)}.png`), png)
  for (const { name, error } of report.results) {
    results.push({ name: `${build.name}, ${version}: ${name}`, error })
  }
  record(
    results,
    `${build.name}, ${version}: the page fetched ${asset} as application/wasm`,
    () => {
      const fetched = requests.filter((request) => request.path === `/${asset}`)
      if (fetched.length === 0) throw new Error(`never asked for /${asset}`)
      for (const { status, type } of fetched) {
        if (status !== 200 || type !== 'application/wasm') {
          throw new Error(`/${asset}: ${status} ${type}`)
        }
      }
    },
  )
  record(results, `${build.name}, ${version}: every file the page asked for was there`, () => {
    const missing = requests.filter((request) => request.status !== 200)
    if (missing.length > 0) {
      throw new Error(missing.map(({ path, status }) => `${path}: ${status}`).join(', '))
    }
  })
}

/** Builds the app with each bundler from a project where npm installed `tarball`; resolves to
 * { results: [{ name, error }], skipped } (skipped: the reason the pages did not run, when no
 * Chromium is installed). `folder` is laid anew. */
export async function testBundlers(folder, tarball) {
  const project = layOutProject(join(folder, 'app'), tarball)
  const results = []
  const pages = []
  for (const [bundler, bundle] of [
    ['Vite', viteBuild],
    ['esbuild', esbuildBuild],
  ]) {
    let build
    try {
      build = await bundle(project)
    } catch (error) {
      results.push({ name: `${bundler}: builds the app`, error: String(error?.message ?? error) })
      continue
    }
    results.push({ name: `${build.name}: builds the app` })
    pages.push([build, checkOutput(results, build, project)])
  }
  let skipped
  for (const [build, asset] of pages) {
    try {
      await checkPage(results, build, asset)
    } catch (error) {
      if (error instanceof Missing) skipped = error.message
      // A page that never reports (its import failed, say) is one failure; the next still runs.
      else results.push({ name: `${build.name}: the page reports`, error: String(error) })
    }
  }
  return { results, skipped }
}
