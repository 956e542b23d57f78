// `node scripts/inspect.mjs <platform> <file> [--minos <version>]`: checks a binary that cannot run
// on this machine as far as its headers tell, with LLVM's readers (`llvm-objdump`, `llvm-nm`,
// `llvm-readobj`, Debian's `llvm` package):
//
//   darwin-arm64, darwin-x64   Mach-O 64-bit dylib of the right CPU type; LC_BUILD_VERSION says
//                              macOS with `minos` equal to --minos (the deployment target it was
//                              built for); `napi_register_module_v1` exported; every LC_LOAD_DYLIB
//                              a system library (/usr/lib/*.dylib) or framework; every undefined
//                              symbol bound to one of those libraries, or a Node-API symbol left to
//                              the host (dynamic lookup)
//   win32-x64-gnu              PE32+ DLL for AMD64; `napi_register_module_v1` exported; every
//                              imported DLL a Windows system DLL (no MinGW runtime DLL, no
//                              libnode.dll: napi-rs finds Node-API in the host process at run time)
//
// Prints one `ok` / `not ok` line per property and exits 1 when any fails. `inspect()` returns the
// same results for other scripts.
import { execFileSync } from 'node:child_process'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const REGISTER = 'napi_register_module_v1'

/** Runs an LLVM tool and returns its stdout. */
function llvm(tool, args) {
  return execFileSync(`llvm-${tool}`, args, { encoding: 'utf8', maxBuffer: 64 << 20 })
}

/** Mach-O load commands, each as `{ cmd, fields }` (field name → the rest of its line). */
export function loadCommands(privateHeaders) {
  const commands = []
  for (const line of privateHeaders.split('\n')) {
    const match = /^\s*(\w+) (.*)$/.exec(line)
    if (!match) continue
    const [, key, value] = match
    if (key === 'cmd') commands.push({ cmd: value.trim(), fields: {} })
    else if (commands.length) commands.at(-1).fields[key] = value.trim()
  }
  return commands
}

/** A system library or framework: what every Mac has, outside the app. */
const SYSTEM_DYLIB =
  /^(\/usr\/lib\/[\w.+-]+\.dylib|\/System\/Library\/Frameworks\/\w+\.framework\/)/

/** The name `llvm-nm -m` gives a linked library: `libSystem` for /usr/lib/libSystem.B.dylib. */
const shortName = (path) => path.split('/').at(-1).split('.')[0]

function inspectMachO(file, { cpu, minos }) {
  const results = []
  const check = (name, ok, detail) => results.push({ name, ok, detail })
  const headers = llvm('objdump', ['--macho', '--private-headers', file])
  const header = /^(MH_MAGIC\S*)\s+(\S+)\s+\S+\s+\S+\s+(\S+)/m.exec(headers)
  check(
    `Mach-O 64-bit dylib for ${cpu}`,
    header?.[1] === 'MH_MAGIC_64' && header[2] === cpu && header[3] === 'DYLIB',
    header ? `${header[1]} ${header[2]} ${header[3]}` : 'no Mach-O header',
  )
  const commands = loadCommands(headers)
  const build = commands.find((c) => c.cmd === 'LC_BUILD_VERSION')
  check(
    `LC_BUILD_VERSION: macOS, minos ${minos}`,
    build?.fields.platform === 'macos' && build.fields.minos === minos,
    build
      ? `platform ${build.fields.platform}, minos ${build.fields.minos}, sdk ${build.fields.sdk}`
      : 'none',
  )
  const dylibs = commands
    .filter((c) => c.cmd === 'LC_LOAD_DYLIB' || c.cmd === 'LC_LOAD_WEAK_DYLIB')
    .map((c) => c.fields.name.replace(/ \(offset \d+\)$/, ''))
  const foreign = dylibs.filter((path) => !SYSTEM_DYLIB.test(path))
  check(
    'links only system libraries and frameworks',
    dylibs.length > 0 && foreign.length === 0,
    foreign.length ? `not system: ${foreign.join(', ')}` : dylibs.join(', '),
  )
  const symbols = llvm('nm', ['-m', file]).split('\n')
  check(
    `exports ${REGISTER}`,
    symbols.some((line) => line.endsWith(` (__TEXT,__text) external _${REGISTER}`)),
    'llvm-nm -m',
  )
  const linked = new Set(dylibs.map(shortName))
  const stray = []
  let undefinedCount = 0
  for (const line of symbols) {
    const match = /\(undefined\) (?:weak )?external (\S+) \((.*)\)$/.exec(line)
    if (!match) continue
    undefinedCount++
    const [, symbol, from] = match
    const fromLinked = from.startsWith('from ') && linked.has(from.slice(5))
    const nodeApi = from === 'dynamically looked up' && /^_(napi|node_api)_/.test(symbol)
    if (!fromLinked && !nodeApi) stray.push(`${symbol} (${from})`)
  }
  check(
    'every undefined symbol comes from a linked system library or is Node-API',
    stray.length === 0,
    stray.length ? stray.slice(0, 10).join(', ') : `${undefinedCount} undefined, all bound`,
  )
  return results
}

/** DLLs every Windows x64 has: the system's own, the API sets, and the C runtime it ships. */
const SYSTEM_DLL =
  /^(kernel32|kernelbase|ntdll|advapi32|bcrypt|bcryptprimitives|crypt32|ncrypt|secur32|userenv|ws2_32|ole32|oleaut32|shell32|user32|msvcrt|ucrtbase|api-ms-win-[\w-]+)\.dll$/i

function inspectPe(file) {
  const results = []
  const check = (name, ok, detail) => results.push({ name, ok, detail })
  const headers = llvm('readobj', ['--file-headers', file])
  const machine = /Machine: (\S+)/.exec(headers)?.[1]
  const format = /Format: (.*)/.exec(headers)?.[1]
  const dll = /IMAGE_FILE_DLL/.test(headers)
  check(
    'PE32+ DLL for AMD64',
    format === 'COFF-x86-64' && machine === 'IMAGE_FILE_MACHINE_AMD64' && dll,
    `${format}, ${machine}${dll ? ', DLL' : ', not a DLL'}`,
  )
  const exports = llvm('readobj', ['--coff-exports', file])
  check(`exports ${REGISTER}`, /Name: napi_register_module_v1$/m.test(exports), 'llvm-readobj')
  const imports = [
    ...llvm('readobj', ['--coff-imports', file]).matchAll(/^\s*Name: (\S+\.dll)$/gim),
  ].map((m) => m[1])
  const foreign = imports.filter((name) => !SYSTEM_DLL.test(name))
  check(
    'imports only Windows system DLLs',
    imports.length > 0 && foreign.length === 0,
    foreign.length ? `not system: ${foreign.join(', ')}` : imports.join(', '),
  )
  return results
}

/** Checks `file` as the binary of `platform`; returns `[{ name, ok, detail }]`. */
export function inspect(platform, file, { minos } = {}) {
  switch (platform) {
    case 'darwin-arm64':
      return inspectMachO(file, { cpu: 'ARM64', minos })
    case 'darwin-x64':
      return inspectMachO(file, { cpu: 'X86_64', minos })
    case 'win32-x64-gnu':
      return inspectPe(file)
    default:
      throw new Error(`inspect: no checks for ${platform}`)
  }
}

function main() {
  const [platform, file] = process.argv.slice(2)
  const at = process.argv.indexOf('--minos')
  const minos = at === -1 ? undefined : process.argv[at + 1]
  if (!platform || !file || (platform.startsWith('darwin-') && !minos)) {
    console.error('usage: node scripts/inspect.mjs <platform> <file> [--minos <version>]')
    process.exit(2)
  }
  let failed = 0
  for (const { name, ok, detail } of inspect(platform, file, { minos })) {
    if (!ok) failed++
    console.log(`${ok ? 'ok' : 'not ok'} - ${platform}: ${name} (${detail})`)
  }
  process.exitCode = failed ? 1 : 0
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main()
