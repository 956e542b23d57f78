'use strict'
// The package's entry point for `require` and `import` alike: every export of the loader that
// `napi build --platform` generates (index.js, never edited by hand), under the same names, so
// `index.d.ts` describes this module exactly and every CommonJS lexer sees each named export.
//
// What it adds: `sum` reads a JS array in JS before handing it to the native `sum` (see sum.cjs),
// `createUser` builds its record as a JS object literal after the native checks (see user.cjs),
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
exports.createUser = require('./user.cjs').withRecordLiteral(native.createUser)
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

/**
 * The `<platform>-<arch>[-<abi>]` the generated loader looked for here, read off its load
 * errors (each names the file or package it tried): the loader's own choice, musl or glibc
 * included, rather than a second detection. `undefined` when it tried none (no branch for this
 * platform and architecture, or NAPI_RS_NATIVE_LIBRARY_PATH in its place).
 */
function attemptedPlatform(name, errors) {
  // Platform and architecture names are [a-z0-9]; the package name may hold regex characters.
  const prefix = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const pattern = new RegExp(`${prefix}[.-](${process.platform}-${process.arch}(?:-[a-z]+)?)\\b`)
  for (const error of errors) {
    const match = pattern.exec(String(error && error.message))
    if (match) return match[1]
  }
  return undefined
}

/** This process's glibc version, as Node's diagnostic report gives it, if it has one. */
function glibcVersion() {
  try {
    // As the generated loader does: no network section, which can mean slow DNS lookups.
    process.report.excludeNetwork = true
    return process.report.getReport().header.glibcVersionRuntime
  } catch {
    return undefined
  }
}

/** The error thrown when the generated loader found no binary that loads here. */
function noBinaryError(loaderError) {
  const { name, version, napi } = require('./package.json')
  const errors = []
  for (let cause = loaderError.cause; cause; cause = cause.cause) errors.unshift(cause)
  if (errors.length === 0) errors.push(loaderError)
  const { platform, arch } = process
  const detected =
    attemptedPlatform(name, errors) ?? `${platform}-${arch}${platform === 'win32' ? '-msvc' : ''}`
  let detail = `Node.js ${process.version}`
  if (detected.endsWith('-musl')) detail += ', musl'
  else if (platform === 'linux') detail += `, glibc ${glibcVersion() ?? 'version unknown'}`
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
  const error = new Error(lines.join('\n'))
  error.code = 'ERR_MYLIB_NO_BINARY'
  error.cause = new AggregateError(errors, `${errors.length} load attempts failed`)
  return error
}
