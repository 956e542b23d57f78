'use strict'
// The package's entry point for `require` and `import` alike: every export of the loader that
// `napi build --platform` generates (index.js, never edited by hand), under the same names, so
// `index.d.ts` describes this module exactly and every CommonJS lexer sees each named export.
//
// What it adds: `sum` reads a JS array in JS before handing it to the native `sum` (see sum.cjs),
// and the error when no binary fits this machine. The generated loader's message
// blames an npm bug whatever happened; this one names the platform it detected, the package it
// expected, the version installed and what to do, and keeps every individual load error as
// `cause` (an AggregateError).
let native
try {
  native = require('./index.js')
} catch (error) {
  // Any other failure (an addon that loads but throws, say) is not ours to reword.
  if (!/^(Cannot find|Failed to load) native binding/.test(String(error && error.message))) {
    throw error
  }
  throw noBinaryError(error)
}
// Its own exports, so the generated loader's stay as it made them, each assigned by name: the
// form every CommonJS export lexer (Node's, Deno's, Bun's) reads. The loader-error spec checks
// that these are exactly the loader's names.
exports.Calculator = native.Calculator
exports.createUser = native.createUser
exports.fetchData = native.fetchData
exports.greet = native.greet
exports.sum = require('./sum.cjs').withArrayFastPath(native.sum)
// oxlint-disable-next-line no-underscore-dangle -- the generated loader's own name
exports.__napiBindingTarget = native.__napiBindingTarget

/** napi-rs's `<platform>-<arch>[-<abi>]` name for a Rust target triple (`.2.17` floor dropped). */
function platformArchAbi(triple) {
  const [cpu, , os, abi] = triple.split('.')[0].split('-')
  const arch = { x86_64: 'x64', aarch64: 'arm64' }[cpu] || cpu
  if (os === 'darwin') return `darwin-${arch}`
  if (os === 'windows') return `win32-${arch}-${abi}`
  return `${os}-${arch}-${abi}`
}

/** The C library of this Linux process, as `{ abi, name }`: glibc with its version, or musl. */
function linuxLibc() {
  let header = {}
  let sharedObjects = []
  try {
    // As the generated loader does: no network section, which can mean slow DNS lookups.
    process.report.excludeNetwork = true
    const report = process.report.getReport()
    header = report.header || {}
    sharedObjects = report.sharedObjects || []
  } catch {
    // No report: fall through to the shared-object test, which then says musl is unknown.
  }
  if (header.glibcVersionRuntime) {
    return { abi: 'gnu', name: `glibc ${header.glibcVersionRuntime}` }
  }
  if (sharedObjects.some((file) => file.includes('libc.musl-') || file.includes('ld-musl-'))) {
    return { abi: 'musl', name: 'musl' }
  }
  return { abi: 'gnu', name: 'libc unknown, assumed glibc' }
}

/** The error thrown when the generated loader found no binary that loads here. */
function noBinaryError(loaderError) {
  const { name, version, napi } = require('./package.json')
  const { platform, arch } = process
  let abi = ''
  let detail = `Node.js ${process.version}`
  if (platform === 'linux') {
    const libc = linuxLibc()
    abi = `-${libc.abi}`
    detail += `, ${libc.name}`
  } else if (platform === 'win32') {
    abi = '-msvc'
  }
  const detected = `${platform}-${arch}${abi}`
  const supported = napi.targets.map(platformArchAbi)
  const expected = `${name}-${detected}`
  const lines = [
    `${name}@${version} found no native binary for this machine: ${detected} (${detail}).`,
  ]
  if (supported.includes(detected)) {
    lines.push(
      `It expected the package ${expected}@${version}, which npm installs as an optional dependency of ${name}.`,
      `To fix it: reinstall without omitting optional dependencies (no --omit=optional, --no-optional or optional=false), e.g. \`npm install ${name}@${version}\`. If node_modules or the lock file came from another machine, delete both and run \`npm install\` again.`,
    )
  } else {
    lines.push(
      `${name} ships binaries for ${supported.join(', ')}; there is no package ${expected}.`,
      `To fix it: install ${name}-wasm@${version}, the same API compiled to WebAssembly, which runs on every platform (\`npm install ${name}-wasm\`, then \`require('${name}-wasm')\` or \`import … from '${name}-wasm'\`); or use one of those platforms, or build ${name} from source (see its README).`,
    )
  }
  const errors = []
  for (let cause = loaderError.cause; cause; cause = cause.cause) errors.unshift(cause)
  if (errors.length === 0) errors.push(loaderError)
  const error = new Error(lines.join('\n'))
  error.code = 'ERR_MYLIB_NO_BINARY'
  error.cause = new AggregateError(errors, `${errors.length} load attempts failed`)
  return error
}
