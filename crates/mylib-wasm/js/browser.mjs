// The entry for browsers and bundlers (the `browser` export condition): the .wasm is fetched
// and instantiated with a top-level await, so a page's `import` is all it takes. Bundlers
// (Vite, webpack 5, esbuild with a file loader) see the `new URL(..., import.meta.url)` and
// emit the .wasm as an asset.
import init from './mylib_wasm.js'

await init({ module_or_path: new URL('./mylib_wasm_bg.wasm', import.meta.url) })

export * from './api.mjs'
export { default } from './api.mjs'
