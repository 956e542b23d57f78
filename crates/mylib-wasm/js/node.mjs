// The entry for Node, Deno and Bun: the .wasm is read and instantiated synchronously, with no
// top-level await, so that `import` and `require` (require(esm)) both work, and every export
// works on the next line.
import events from 'node:events'
import { readFileSync } from 'node:fs'

import { initSync, raiseListenerLimitWith, sendUserAgent } from './mylib_wasm.js'

initSync({ module: readFileSync(new URL('./mylib_wasm_bg.wasm', import.meta.url)) })
// As the native addon: `User-Agent: mylib/<version>` unless the caller sets one.
sendUserAgent(true)
// As Node's `fetch` (and the native addon): a caller's signal at the default listener limit gets
// 1500, so many concurrent calls sharing it print no `MaxListenersExceededWarning`. A limit the
// caller set is left alone; where `node:events` lacks these functions, nothing changes.
raiseListenerLimitWith((signal) => {
  if (
    typeof events.getMaxListeners === 'function' &&
    events.getMaxListeners(signal) === events.defaultMaxListeners
  ) {
    events.setMaxListeners(1500, signal)
  }
})

export * from './api.mjs'
export { default } from './api.mjs'
