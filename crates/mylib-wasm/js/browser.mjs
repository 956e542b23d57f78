// The entry for browsers and bundlers (the `browser` export condition): the .wasm is fetched
// and instantiated with a top-level await, so a page's `import` is all it takes. Vite sees the
// `new URL(..., import.meta.url)`, emits the .wasm as an asset and rewrites the URL; esbuild
// keeps the URL as it is, so the .wasm must be copied next to its bundle (README, Bundlers;
// both tested by scripts/wasm-bundler.mjs).
import init from './mylib_wasm.js'

await init({ module_or_path: new URL('./mylib_wasm_bg.wasm', import.meta.url) })

export * from './api.mjs'
export { default } from './api.mjs'
