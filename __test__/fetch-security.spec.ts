// fetchData against a hostile server and a careless caller: redirects, request headers, TLS
// trust and content decoding, each rule checked against what Node's own fetch (or, for TLS,
// Node's https) does with the same loopback server.
import { get as httpsGet } from 'node:https'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net'
import { createServer as createHttpServer, type IncomingMessage } from 'node:http'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'

import test from 'ava'

import { fetchData } from '../index.js'
import { ADDON_URL, runNode } from './helpers/child.js'
import { nodeFetch, nodeFetchUsable } from './helpers/node-fetch.js'
import { startServer, type TestServer } from './helpers/server.js'
import { selfSigned, type SelfSigned } from './helpers/tls.js'

const CREDENTIALS = {
  authorization: 'Bearer secret-token',
  cookie: 'session=secret',
  'proxy-authorization': 'Basic c2VjcmV0',
}

let echo: TestServer
let hop: TestServer
let other: TestServer
const closers: Array<() => unknown> = []

/** The request headers a server saw, as JSON. */
const echoHeaders = (req: IncomingMessage, res: import('node:http').ServerResponse) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers))

/** Sends `body` with the given response headers. */
const respond =
  (headers: Record<string, string | string[]>, body: Buffer | string) =>
  (_req: IncomingMessage, res: import('node:http').ServerResponse) =>
    res.writeHead(200, headers).end(body)

const text = (s: string) => Buffer.from(s)
const utf8 = { 'content-type': 'text/plain; charset=utf-8' }
const BIG = Buffer.alloc(64 * 1024 * 1024)

test.before(async () => {
  echo = await startServer({ '/echo': echoHeaders })
  other = await startServer({ '/echo': echoHeaders })
  hop = await startServer({
    '/to': (req, res) => {
      const location = new URL(req.url ?? '', 'http://x').searchParams.get('l') ?? ''
      res.writeHead(302, { location }).end()
    },
    '/same': (_req, res) => res.writeHead(301, { location: '/echo' }).end(),
    '/bad-location': (_req, res) =>
      res.writeHead(307, { location: 'http://user:s3cret@[::1' }).end(),
    '/echo': echoHeaders,
    '/x-gzip': respond({ ...utf8, 'content-encoding': 'X-GZIP' }, gzipSync('x-gzip')),
    '/twice': respond({ ...utf8, 'content-encoding': 'gzip, GZIP' }, gzipSync(gzipSync('twice'))),
    '/repeated': respond(
      { ...utf8, 'content-encoding': ['gzip', 'gzip'] },
      gzipSync(gzipSync('repeated')),
    ),
    '/members': respond(
      { ...utf8, 'content-encoding': 'gzip' },
      Buffer.concat([gzipSync('one '), gzipSync('two')]),
    ),
    '/zero-padded': respond(
      { ...utf8, 'content-encoding': 'gzip' },
      Buffer.concat([gzipSync('padded'), Buffer.alloc(16)]),
    ),
    '/raw-deflate': respond({ ...utf8, 'content-encoding': 'deflate' }, deflateRawSync('raw')),
    '/zlib-deflate': respond({ ...utf8, 'content-encoding': 'deflate' }, deflateSync('zlib')),
    '/br': respond({ ...utf8, 'content-encoding': 'br' }, brotliCompressSync('brotli')),
    '/br-then-gzip': respond(
      { ...utf8, 'content-encoding': 'br, gzip' },
      gzipSync(brotliCompressSync('layered')),
    ),
    '/unknown-coding': respond({ ...utf8, 'content-encoding': 'gzip, foo' }, text('as sent')),
    '/trailing-junk': respond(
      { ...utf8, 'content-encoding': 'gzip' },
      Buffer.concat([gzipSync('then'), text('junk')]),
    ),
    '/nested-bomb': respond({ 'content-encoding': 'gzip, gzip' }, gzipSync(gzipSync(BIG))),
    '/truncated': respond(
      { ...utf8, 'content-encoding': 'gzip' },
      gzipSync('a body that will be cut short').subarray(0, 20),
    ),
  })
  closers.push(echo.close, other.close, hop.close)
})

test.after.always(async () => {
  for (const close of closers) await close()
})

/** `hop`'s URL that redirects (302) to `location`. */
const via = (location: string) => `${hop.url}/to?l=${encodeURIComponent(location)}&secret=query`

// ---- redirects ----

test('a redirect to another origin drops the caller credentials, as Node fetch does', async (t) => {
  const sameHostOtherPort = `${other.url}/echo`
  const otherHost = `${echo.url.replace('127.0.0.1', 'localhost')}/echo`
  for (const target of [sameHostOtherPort, otherHost]) {
    const headers = { ...CREDENTIALS, 'x-kept': 'yes', host: 'spoofed.example' }
    const seen = JSON.parse(await fetchData(via(target), { headers }))
    const node = await nodeFetch(via(target), { headers })
    const nodeSeen = node ? JSON.parse(node.body!) : {}
    for (const name of Object.keys(CREDENTIALS)) {
      t.false(name in seen, `${name} must not reach ${target}`)
      t.false(name in nodeSeen, `Node's fetch does not send ${name} either`)
    }
    t.is(seen['x-kept'], 'yes')
    t.is(seen.host, new URL(target).host, 'a caller-set Host does not follow to another origin')
    t.false('referer' in seen, 'no Referer')
    t.false('referer' in nodeSeen)
  }
})

test('a redirect within the origin keeps the caller headers, as Node fetch does', async (t) => {
  const seen = JSON.parse(await fetchData(`${hop.url}/same`, { headers: CREDENTIALS }))
  const node = await nodeFetch(`${hop.url}/same`, { headers: CREDENTIALS })
  for (const name of Object.keys(CREDENTIALS)) {
    t.is(seen[name], CREDENTIALS[name as keyof typeof CREDENTIALS])
    if (node) t.is(JSON.parse(node.body!)[name], seen[name])
  }
  t.false('referer' in seen)
})

/**
 * One port speaking both https and http (told apart by the first byte: 0x16 starts a TLS
 * handshake), so https → http on the same host and port can be tried: a new origin.
 */
async function dualProtocolServer(cert: SelfSigned) {
  const https = createHttpsServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    const port = (net.address() as AddressInfo).port
    res.writeHead(302, { location: `http://127.0.0.1:${port}/echo` }).end()
  })
  const http = createHttpServer(echoHeaders)
  const net: Server = createNetServer({ pauseOnConnect: true }, (socket) => {
    socket.once('readable', () => {
      const first: Buffer | null = socket.read(1)
      if (!first) return socket.destroy()
      socket.unshift(first)
      ;(first[0] === 0x16 ? https : http).emit('connection', socket)
    })
  })
  await new Promise<void>((resolve) => net.listen(0, '127.0.0.1', resolve))
  closers.push(() => {
    net.close()
    http.closeAllConnections()
    https.closeAllConnections()
  })
  return `https://127.0.0.1:${(net.address() as AddressInfo).port}/start`
}

test('https to http on the same host and port is another origin', async (t) => {
  const cert = selfSigned('IP:127.0.0.1')
  const url = await dualProtocolServer(cert)
  const seen = JSON.parse(await fetchData(url, { headers: CREDENTIALS, ca: cert.cert }))
  for (const name of Object.keys(CREDENTIALS)) t.false(name in seen, name)
  t.false('referer' in seen)
})

test('a Location with credentials is a network error, as in Node', async (t) => {
  const location = `http://user:pw@${new URL(echo.url).host}/echo`
  const node = await nodeFetch(via(location))
  if (node) t.truthy(node.error)
  const err = await t.throwsAsync(fetchData(via(location)), {
    instanceOf: Error,
    code: 'ERR_NETWORK',
    message: /^fetchData: .*redirect .* is to a URL with credentials/,
  })
  t.notRegex(err!.message, /pw@/)
})

test('an unparsable Location is ERR_INVALID_URL, not ERR_HTTP_STATUS, as in Node', async (t) => {
  const node = await nodeFetch(`${hop.url}/bad-location`)
  if (node) t.is(node.error, 'ERR_INVALID_URL')
  const err = await t.throwsAsync(fetchData(`${hop.url}/bad-location`), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_URL',
    message:
      /^fetchData: Invalid URL 'http:\/\/\[::1': .*\(redirected from http:\/\/127\.0\.0\.1:\d+\/bad-location\)$/,
  })
  t.notRegex(err!.message, /s3cret/)
})

// ---- request headers ----

test('headers may be a record, a Headers, a Map or an array of pairs, as fetch takes them', async (t) => {
  const inits = [
    { authorization: 'Bearer a' },
    new Headers({ authorization: 'Bearer a' }),
    new Map([['authorization', 'Bearer a']]),
    [['authorization', 'Bearer a']],
    new Set([['authorization', 'Bearer a']]),
  ]
  for (const headers of inits) {
    // @ts-expect-error a Set of pairs is an iterable HeadersInit to fetch, not to the types
    const seen = JSON.parse(await fetchData(`${echo.url}/echo`, { headers }))
    t.is(seen.authorization, 'Bearer a', headers.constructor.name)
  }
})

test('headers of any other shape are ERR_INVALID_ARG_TYPE', async (t) => {
  for (const headers of ['authorization: x', 42, [['only-a-name']], [['a', 'b', 'c']], ['ab']]) {
    // @ts-expect-error wrong on purpose
    await t.throwsAsync(fetchData(`${echo.url}/echo`, { headers }), {
      instanceOf: TypeError,
      code: 'ERR_INVALID_ARG_TYPE',
      message: /^fetchData: The "options\.headers(\[\d+\])?" (argument|property) must be/,
    })
  }
})

test('values are trimmed and names differing in case combined, as Headers does', async (t) => {
  const headers = { 'X-A': ' \t v \t', 'x-a': 'w' }
  const seen = JSON.parse(await fetchData(`${echo.url}/echo`, { headers }))
  const node = await nodeFetch(`${echo.url}/echo`, { headers })
  t.is(seen['x-a'], 'v, w')
  if (node) t.is(JSON.parse(node.body!)['x-a'], seen['x-a'])
})

/** What mylib's refusal of header `name` looks like. */
const refusal = (name: string) => ({
  instanceOf: TypeError,
  code: 'ERR_INVALID_ARG_VALUE',
  message: new RegExp(
    `^fetchData: The argument 'options\\.headers\\['${name}'\\]' must not be set`,
  ),
})

test('connection and framing headers are refused or left off, as undici handles them', async (t) => {
  // mylib's rule: `sent` (as given), `off` (left off the wire) or `refused`.
  const cases: Array<[string, string, 'sent' | 'off' | 'refused']> = [
    ['content-length', '5', 'off'],
    ['transfer-encoding', 'chunked', 'refused'],
    ['connection', 'close', 'sent'],
    ['connection', 'keep-alive', 'off'],
    ['connection', 'upgrade', 'refused'],
    ['keep-alive', 'timeout=5', 'refused'],
    ['upgrade', 'websocket', 'refused'],
    ['expect', '100-continue', 'refused'],
  ]
  for (const [name, value, rule] of cases) {
    const headers = { [name]: value }
    if (rule === 'refused') {
      await t.throwsAsync(fetchData(`${echo.url}/echo`, { headers }), refusal(name))
    } else {
      const seen = JSON.parse(await fetchData(`${echo.url}/echo`, { headers }))
      t.is(seen[name], rule === 'sent' ? value : undefined, `${name}: ${value}`)
    }
    // Against Node's fetch: what it refuses, mylib refuses; what it sends as given, mylib sends
    // (except `connection: keep-alive`, HTTP/1.1's default, which Node's always says and mylib
    // leaves unsaid). Newer undici leaves `connection: upgrade` off where mylib refuses it, as
    // older undici did: either way it is never sent as given.
    const node = await nodeFetch(`${echo.url}/echo`, { headers })
    if (node?.error) t.is(rule, 'refused', `Node's fetch refuses ${name}: ${value}`)
    else if (node && JSON.parse(node.body!)[name] === value && value !== 'keep-alive') {
      t.is(rule, 'sent', `Node's fetch sends ${name}: ${value}`)
    }
  }
})

test('a caller header cannot desynchronise a pooled connection', async (t) => {
  // Were `content-length: 5` sent on a bodiless GET, the server would read the next request on
  // the same connection as its body.
  const bodies = []
  for (let i = 0; i < 4; i++) {
    const headers: Record<string, string> =
      i % 2 === 0 ? { 'content-length': '5' } : { 'x-n': String(i) }
    bodies.push(JSON.parse(await fetchData(`${echo.url}/echo`, { headers, timeoutMs: 5000 })))
  }
  t.deepEqual(
    bodies.map((seen) => seen['x-n'] ?? seen['content-length'] ?? null),
    [null, '1', null, '3'],
  )
})

// ---- TLS trust ----

/** An HTTPS server on 127.0.0.1 presenting `cert`; its URL with `host` in it. */
async function tlsServer(cert: SelfSigned, host = '127.0.0.1') {
  const server = createHttpsServer({ key: cert.key, cert: cert.cert }, (_req, res) =>
    res.end('trusted'),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => server.close())
  return `https://${host}:${(server.address() as AddressInfo).port}/`
}

/** Whether Node's https accepts the server at `url` when trusting `ca`. */
function nodeAccepts(url: string, ca: string): Promise<boolean | string> {
  return new Promise((resolve) => {
    httpsGet(url, { ca, agent: false }, (res) => {
      res.resume()
      resolve(true)
    }).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
  })
}

test('a trusted self-signed CA:TRUE certificate is accepted for its names, as by Node', async (t) => {
  const cert = selfSigned('IP:127.0.0.1,DNS:localhost')
  t.regex(cert.text, /CA:TRUE/, 'openssl req -x509 makes a CA certificate')
  for (const host of ['127.0.0.1', 'localhost']) {
    const url = await tlsServer(cert, host)
    t.is(await nodeAccepts(url, cert.cert), true)
    t.is(await fetchData(url, { ca: cert.cert }), 'trusted')
  }
  const url = await tlsServer(cert)
  const script = `
    const { fetchData } = await import(${JSON.stringify(ADDON_URL)})
    console.log(await fetchData(${JSON.stringify(url)}))`
  const result = await runNode(script, { env: { NODE_EXTRA_CA_CERTS: cert.certPath } })
  t.is(result.code, 0, result.stderr)
  t.is(result.stdout.trim(), 'trusted')
})

test('a self-signed certificate is still refused untrusted, for another name or expired', async (t) => {
  const cert = selfSigned('DNS:localhost')
  const expired = selfSigned('IP:127.0.0.1', { expired: true })
  const url = await tlsServer(cert, 'localhost')
  const cases: Array<[string, string | undefined, RegExp]> = [
    [url, undefined, /: self-signed certificate not trusted$/],
    [await tlsServer(cert), cert.cert, /: the certificate is not valid for "127\.0\.0\.1"$/],
    [await tlsServer(expired), expired.cert, /: the certificate has expired$/],
  ]
  for (const [target, ca, message] of cases) {
    if (ca) t.not(await nodeAccepts(target, ca), true)
    await t.throwsAsync(fetchData(target, ca ? { ca } : {}), {
      instanceOf: Error,
      code: 'ERR_TLS_CERT',
      message,
    })
  }
})

// ---- content decoding ----

test('Content-Encoding is undone as Node fetch undoes it', async (t) => {
  const texts: Record<string, string> = {
    '/x-gzip': 'x-gzip',
    '/twice': 'twice',
    '/repeated': 'repeated',
    '/members': 'one two',
    '/zero-padded': 'padded',
    '/raw-deflate': 'raw',
    '/zlib-deflate': 'zlib',
    '/br': 'brotli',
    '/br-then-gzip': 'layered',
    '/unknown-coding': 'as sent',
  }
  for (const [path, decoded] of Object.entries(texts)) {
    t.is(await fetchData(`${hop.url}${path}`), decoded, path)
    const node = await nodeFetch(`${hop.url}${path}`)
    if (node) t.deepEqual(node, { body: decoded }, `Node's fetch: ${path}`)
  }
})

test('data after the end of a gzip stream is an error, as in Node', async (t) => {
  const node = await nodeFetch(`${hop.url}/trailing-junk`)
  if (node) t.truthy(node.error)
  await t.throwsAsync(fetchData(`${hop.url}/trailing-junk`), {
    code: 'ERR_NETWORK',
    message: /^fetchData: .*the gzip content encoding is corrupt: data follows the end/,
  })
})

test('a gzip stream cut short is an error, never a shorter body', async (t) => {
  // Node's fetch returns what it decoded so far here; mylib does not pass off a partial body.
  await t.throwsAsync(fetchData(`${hop.url}/truncated`), {
    code: 'ERR_NETWORK',
    message: /the gzip content encoding is corrupt/,
  })
})

test('maxBytes bounds every decoding stage: a nested bomb fails with ERR_BODY_TOO_LARGE', async (t) => {
  await t.throwsAsync(fetchData(`${hop.url}/nested-bomb`, { maxBytes: 1024 * 1024 }), {
    code: 'ERR_BODY_TOO_LARGE',
  })
})

test('the charset is found by the WHATWG MIME type rules', async (t) => {
  const latin = Buffer.from('café', 'latin1')
  const server = await startServer({
    '/quoted': respond({ 'content-type': 'text/plain;foo="a;b";charset="windows-1252"' }, latin),
    '/spaced-name': respond({ 'content-type': 'text/plain; charset =latin1' }, latin),
    '/two-values': respond({ 'content-type': ['text/plain; charset=latin1', 'text/plain'] }, latin),
    '/other-essence': respond(
      { 'content-type': ['text/plain; charset=latin1', 'text/html'] },
      latin,
    ),
  })
  closers.push(server.close)
  t.is(await fetchData(`${server.url}/quoted`), 'café')
  t.is(await fetchData(`${server.url}/spaced-name`), 'caf\ufffd', '"charset " is not "charset"')
  t.is(await fetchData(`${server.url}/two-values`), 'café')
  t.is(await fetchData(`${server.url}/other-essence`), 'caf\ufffd')
})

// ---- errors that escaped the contract ----

test('ERR_INVALID_URL never shows the password', async (t) => {
  const err = await t.throwsAsync<Error & { input?: string }>(
    fetchData('http://user:s3cret@[::1/path'),
    { code: 'ERR_INVALID_URL' },
  )
  t.notRegex(err!.message, /s3cret/)
  t.notRegex(String(err!.input), /s3cret/)
})

test('many concurrent calls sharing one AbortSignal print no MaxListenersExceededWarning', async (t) => {
  // Node's fetch, where it runs, shows the warning's absence is Node's behaviour too.
  const withNodeFetch = await nodeFetchUsable()
  const url = JSON.stringify(`${echo.url}/echo`)
  const script = `
    const { fetchData } = await import(${JSON.stringify(ADDON_URL)})
    const signal = new AbortController().signal
    await Promise.all(Array.from({ length: 30 }, () => fetchData(${url}, { signal })))
    if (${withNodeFetch}) {
      await Promise.all(Array.from({ length: 30 }, () => fetch(${url}, { signal }).then((r) => r.text())))
    }
    console.log('done')`
  const result = await runNode(script)
  t.is(result.code, 0, result.stderr)
  t.is(result.stdout.trim(), 'done')
  t.notRegex(result.stderr, /MaxListenersExceededWarning/)
})

test('a body too long for a JS string rejects with ERR_STRING_TOO_LONG', async (t) => {
  // 2^29 bytes of ASCII: past V8's longest string (2^29 - 24), reachable with a raised maxBytes.
  const size = 2 ** 29
  const script = `
    const { createServer } = await import('node:http')
    const { fetchData } = await import(${JSON.stringify(ADDON_URL)})
    const chunk = Buffer.alloc(1 << 20, 'a')
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(${size}) })
      let sent = 0
      const pump = () => {
        while (sent < ${size}) {
          sent += chunk.length
          if (!res.write(chunk)) return res.once('drain', pump)
        }
        res.end()
      }
      pump()
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      await fetchData('http://127.0.0.1:' + server.address().port + '/', { maxBytes: 2 ** 30, timeoutMs: 120000 })
      console.log('resolved')
    } catch (err) {
      console.log(JSON.stringify({ name: err.name, code: err.code, message: err.message }))
    }
    server.close()`
  // Half a gigabyte through the body, its text and a UTF-16 count: seconds in a release build,
  // much longer in the sanitizers' debug build.
  const result = await runNode(script, { killAfter: 110_000 })
  t.is(result.code, 0, `${result.signal ?? ''} ${result.stderr}`)
  t.deepEqual(JSON.parse(result.stdout), {
    name: 'RangeError',
    code: 'ERR_STRING_TOO_LONG',
    message: `fetchData: Cannot create a string longer than ${2 ** 29 - 24} characters: the response body has ${size} characters`,
  })
})
