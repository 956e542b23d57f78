// The entry for Node, Deno and Bun: the .wasm is read and instantiated synchronously, with no
// top-level await, so that `import` and `require` (require(esm)) both work, and every export
// works on the next line.
import { readFileSync } from 'node:fs'

import { initSync, sendUserAgent } from './mylib_wasm.js'

initSync({ module: readFileSync(new URL('./mylib_wasm_bg.wasm', import.meta.url)) })
// As the native addon: `User-Agent: mylib/<version>` unless the caller sets one.
sendUserAgent(true)

export * from './api.mjs'
export { default } from './api.mjs'
