// Preloaded into each ava worker by scripts/windows.mjs, after @oxc-node/core/register: from here
// on the generated loader of mylib loads MYLIB_WINDOWS_ADDON (the MinGW build, which it never
// picks by itself on the official Windows Node) through NAPI_RS_NATIVE_LIBRARY_PATH, its own
// override. Set here rather than for the whole process because @oxc-node/core's loader reads the
// same variable, and it has loaded its own Windows binding by now. Child processes inherit it.
import process from 'node:process'

if (process.env.MYLIB_WINDOWS_ADDON) {
  process.env.NAPI_RS_NATIVE_LIBRARY_PATH = process.env.MYLIB_WINDOWS_ADDON
}
