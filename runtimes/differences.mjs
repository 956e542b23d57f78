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
    why: "`greet` refuses with `ERR_STRING_TOO_LONG` at V8's limit (`buffer.constants.MAX_STRING_LENGTH` on Node and Deno) on every runtime. Bun's JavaScriptCore allows strings up to 2147483647 code units, so on Bun `greet` refuses names Bun itself could hold: the limit is a fixed constant in the addon, because Node-API offers no way to ask the engine for its own. mylib-wasm enforces the same constant.",
  },
  {
    id: 'sum-array-proxy',
    call: '`sum(new Proxy([1, 2], {}))`',
    expected: {
      node: { accepted: false },
      bun: { accepted: false },
      deno: { accepted: false },
    },
    wasm: {
      node: { accepted: true },
      bun: { accepted: true },
      deno: { accepted: true },
      chromium: { accepted: true },
    },
    why: "The native addon asks the engine whether the value is an Array (Node-API's `napi_is_array`, which is false for a Proxy) and refuses a Proxy with `ERR_INVALID_ARG_TYPE`. JavaScript itself cannot tell a Proxy of an array from the array (`Array.isArray` is true for both), so mylib-wasm sums it, reading each element through the Proxy's traps with the same checks (result 3).",
  },
  {
    id: 'invalid-url-reason',
    call: "`fetchData('not a url')`",
    expected: {
      node: { reason: 'relative URL without a base' },
      bun: { reason: 'relative URL without a base' },
      deno: { reason: 'relative URL without a base' },
    },
    wasm: {
      node: { reason: "the host's URL parser refused it" },
      bun: { reason: "the host's URL parser refused it" },
      deno: { reason: "the host's URL parser refused it" },
      chromium: { reason: "the host's URL parser refused it" },
    },
    why: "Both reject with a `TypeError` `ERR_INVALID_URL` whose `input` is the URL and whose message starts `fetchData: Invalid URL 'not a url': `; the reason after it differs. The native addon parses with the Rust `url` crate, which says why; mylib-wasm uses the host's WHATWG parser (`URL`), which accepts and serialises the same URLs but gives no reason: the `url` crate's IDNA tables would more than double the .wasm (62 KB to 144 KB gzipped).",
  },
  {
    id: 'fetch-garbage-response',
    call: '`fetchData` of a server that answers with bytes that are not HTTP and closes',
    expected: {
      node: { code: 'ERR_NETWORK' },
      bun: { code: 'ERR_NETWORK' },
      deno: { code: 'ERR_NETWORK' },
    },
    wasm: {
      node: { code: 'ERR_NETWORK' },
      bun: { code: 'ECONNRESET' },
      deno: { code: 'ERR_NETWORK' },
    },
    why: "mylib-wasm's requests are the host's `fetch`, and its error is all mylib-wasm learns of a failure. Bun's `fetch` reports a response that is not HTTP, followed by the server closing the connection, as the connection closing (`ECONNRESET`); Node's and Deno's report the parse error (`ERR_NETWORK`), as the native addon does everywhere.",
  },
  {
    id: 'fetch-unresolvable-host',
    call: '`fetchData` of a host name that cannot resolve (`<64 × a>.invalid`), on Deno run with `--allow-net=127.0.0.1`',
    expected: {
      node: { code: 'ENOTFOUND', says: 'getaddrinfo' },
      bun: { code: 'ENOTFOUND', says: 'getaddrinfo' },
      deno: { code: 'ENOTFOUND', says: 'getaddrinfo' },
    },
    wasm: {
      node: { code: 'ENOTFOUND', says: 'getaddrinfo' },
      bun: { code: 'ENOTFOUND', says: 'getaddrinfo' },
      deno: { code: 'ERR_NETWORK', says: 'Requires net access' },
    },
    why: "The native addon is native code, outside Deno's permission checks: it resolves and connects wherever it is asked. mylib-wasm's requests are Deno's own `fetch`, which `--allow-net` governs: a host the flag does not allow is refused before any lookup, with `ERR_NETWORK` and Deno's message (\"Requires net access to …\").",
  },
  {
    id: 'fetch-ca',
    call: "`fetchData(url, { ca: 'no certificate here' })`",
    expected: {
      node: failure(
        'TypeError',
        'ERR_INVALID_ARG_VALUE',
        "^fetchData: The argument 'options\\.ca' must hold PEM certificates",
      ),
      bun: failure(
        'TypeError',
        'ERR_INVALID_ARG_VALUE',
        "^fetchData: The argument 'options\\.ca' must hold PEM certificates",
      ),
      deno: failure(
        'TypeError',
        'ERR_INVALID_ARG_VALUE',
        "^fetchData: The argument 'options\\.ca' must hold PEM certificates",
      ),
    },
    wasm: Object.fromEntries(
      ['node', 'bun', 'deno', 'chromium'].map((runtime) => [
        runtime,
        failure(
          'TypeError',
          'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM',
          '^fetchData: The "options\\.ca" option is unavailable on this platform: ',
        ),
      ]),
    ),
    why: "The native addon trusts the PEM certificates of `ca` for the call (and refuses a `ca` without any). A host's `fetch`, which mylib-wasm's requests are, takes no certificates: in a browser the platform's store decides, and Node's, Deno's and Bun's `fetch` have no per-request CA. So mylib-wasm checks the option's type as the addon does, then rejects any `ca` with a `TypeError` of its own code, never ignoring it.",
  },
  {
    id: 'fetch-connections',
    call: '5 sequential `fetchData` calls to one loopback server',
    expected: {
      node: { connections: 1 },
      bun: { connections: 1 },
      deno: { connections: 1 },
    },
    wasm: {
      node: { connections: 2 },
      bun: { connections: 1 },
      deno: { connections: 1 },
    },
    why: "mylib-wasm's requests are the host's `fetch`, with the host's connection pool. Node's (undici) opens a second connection for the second request of a run of sequential ones and reuses the two after that, as Node's own `fetch` does: the server sees 2 client ports where the addon's single pool shows 1.",
  },
  {
    id: 'fetch-content-codings',
    call: '`fetchData` of bodies sent with `Content-Encoding: X-GZIP, gzip`, `x-gzip` and a raw `deflate` stream',
    expected: {
      node: { list: true, xGzip: true, rawDeflate: true },
      bun: { list: true, xGzip: true, rawDeflate: true },
      deno: { list: true, xGzip: true, rawDeflate: true },
    },
    wasm: {
      node: { list: true, xGzip: true, rawDeflate: true },
      bun: { list: false, xGzip: true, rawDeflate: true },
      deno: { list: false, xGzip: false, rawDeflate: false },
    },
    why: "The addon undoes `Content-Encoding` itself, as Node's `fetch` does (`true`: the text comes back decoded). mylib-wasm gets the body from the host's `fetch`, which decodes what it knows and hands the rest over as it came (`false`: the bytes, still encoded): Bun's undoes one coding only, not a list; Deno's knows neither `x-gzip` nor raw deflate, nor a list. No page can tell a body its browser left encoded from one it decoded, so mylib-wasm does not try.",
  },
  {
    id: 'fetch-redirect-credentials',
    call: '`fetchData` of a URL that redirects to `http://user:pw@…`',
    expected: {
      node: { refused: true },
      bun: { refused: true },
      deno: { refused: true },
    },
    wasm: {
      node: { refused: true },
      bun: { refused: false },
      deno: { refused: false },
    },
    why: "The WHATWG Fetch standard makes a redirect to a URL with credentials a network error (`ERR_NETWORK`), and Node's `fetch` and the addon refuse it. mylib-wasm follows redirects through the host's `fetch`: Bun's and Deno's follow this one, still without the caller's `Authorization`, `Cookie` and `Proxy-Authorization` (every runtime drops them on a change of origin); Deno's sends the new URL's user name and password as `Authorization: Basic`, as its `fetch` does for any URL with credentials.",
  },
]

/** An expected error: its class, `code` and a pattern of its message. */
function failure(type, code, message) {
  return { type, code, message }
}

/** The documented expectation of difference `id` on runtime `name` (`node`, `bun`, `deno`,
 * `chromium`) for package `pkg` (`mylib`, or `mylib-wasm`: its own expectations where it has
 * them, else mylib's). */
export function expectedOn(id, name, pkg = 'mylib') {
  const difference = DIFFERENCES.find((d) => d.id === id)
  if (!difference) throw new Error(`no documented difference ${id}`)
  const expected = (pkg === 'mylib-wasm' && difference.wasm) || difference.expected
  return expected[name]
}
