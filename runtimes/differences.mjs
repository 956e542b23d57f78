// The behaviours of mylib that are not the same on every runtime, each with the exact behaviour
// expected on each runtime. `conformance.mjs` asserts these expectations (so a change on any
// runtime fails the run) and `readme.mjs` prints them into the README.

/** The V8 limit that `greet` enforces on every runtime (`String::kMaxLength` on 64-bit). */
export const V8_MAX_STRING_LENGTH = 2 ** 29 - 24

export const DIFFERENCES = [
  {
    id: 'greet-max-length',
    call: '`greet(name)` when the greeting would be longer than 536870888 UTF-16 code units',
    expected: {
      node: { engineMaxStringLength: V8_MAX_STRING_LENGTH },
      bun: { engineMaxStringLength: 2 ** 31 - 1 },
      deno: { engineMaxStringLength: V8_MAX_STRING_LENGTH },
    },
    why: "`greet` refuses with `ERR_STRING_TOO_LONG` at V8's limit (`buffer.constants.MAX_STRING_LENGTH` on Node and Deno) on every runtime. Bun's JavaScriptCore allows strings up to 2147483647 code units, so on Bun `greet` refuses names Bun itself could hold: the limit is a fixed constant in the addon, because Node-API offers no way to ask the engine for its own.",
  },
]

/** The documented expectation of difference `id` on runtime `name` (`node`, `bun`, `deno`). */
export function expectedOn(id, name) {
  const difference = DIFFERENCES.find((d) => d.id === id)
  if (!difference) throw new Error(`no documented difference ${id}`)
  return difference.expected[name]
}
