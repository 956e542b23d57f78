import test from 'ava'

import { fetchData } from '../index.js'
import { closedPort, startServer, type TestServer } from './helpers/server.js'

const MiB = 1024 * 1024
const UTF8_TEXT = 'héllo wörld — 🦀 ✓'

let server: TestServer

test.before(async () => {
  server = await startServer({
    '/utf8': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(UTF8_TEXT),
    '/latin1': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' })
        .end(Buffer.from('héllo ÿ', 'latin1')),
    '/windows-1252': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' })
        .end(Buffer.from([0x80, 0x20, 0xe9])),
    '/no-charset': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end(UTF8_TEXT),
    '/empty': (_req, res) => res.writeHead(204).end(),
    '/created': (_req, res) => res.writeHead(201).end('made'),
    '/user-agent': (req, res) => res.end(req.headers['user-agent'] ?? ''),
    '/redirect': (_req, res) => res.writeHead(302, { location: '/utf8' }).end(),
    '/500': (_req, res) => res.writeHead(500).end('boom'),
    '/hang': () => {
      // Never answers.
    },
    '/slow': (_req, res) => {
      setTimeout(() => res.end('late'), 300)
    },
    '/slow-body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('early ')
      setTimeout(() => res.end('late'), 300)
    },
    '/reset': (req) => req.socket.destroy(),
    '/too-large-announced': (_req, res) => {
      res.writeHead(200, { 'content-length': String(33 * MiB) })
      res.write(Buffer.alloc(MiB))
    },
    '/too-large-chunked': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      const chunk = Buffer.alloc(MiB, 'a')
      let sent = 0
      const pump = () => {
        while (sent < 40 && res.write(chunk)) sent++
        if (sent < 40) res.once('drain', pump)
        else res.end()
      }
      pump()
    },
  })
})

test.after.always(() => server?.close())

test('resolves with a UTF-8 body', async (t) => {
  t.is(await fetchData(`${server.url}/utf8`), UTF8_TEXT)
})

test('decodes the body by the Content-Type charset', async (t) => {
  t.is(await fetchData(`${server.url}/latin1`), 'héllo ÿ')
})

test('reads charset labels as browsers do: ISO-8859-1 is windows-1252', async (t) => {
  t.is(await fetchData(`${server.url}/windows-1252`), '€ é')
  // (WHATWG Encoding maps the label to windows-1252, where 0x80 is the euro sign.)
})

test('defaults to UTF-8 without a charset', async (t) => {
  t.is(await fetchData(`${server.url}/no-charset`), UTF8_TEXT)
})

test('resolves any 2xx, including an empty body', async (t) => {
  t.is(await fetchData(`${server.url}/empty`), '')
  t.is(await fetchData(`${server.url}/created`), 'made')
})

test('follows redirects', async (t) => {
  t.is(await fetchData(`${server.url}/redirect`), UTF8_TEXT)
})

test('sends a mylib User-Agent', async (t) => {
  t.regex(await fetchData(`${server.url}/user-agent`), /^mylib\/\d+\.\d+\.\d+$/)
})

test('rejects a 404 with ERR_HTTP_STATUS and a numeric status', async (t) => {
  const err = await t.throwsAsync(fetchData(`${server.url}/missing`), {
    instanceOf: Error,
    code: 'ERR_HTTP_STATUS',
    message: `fetchData: GET ${server.url}/missing responded with 404 Not Found`,
  })
  t.is((err as Error & { status: number }).status, 404)
})

test('rejects a 500 with ERR_HTTP_STATUS', async (t) => {
  const err = await t.throwsAsync(fetchData(`${server.url}/500`), { code: 'ERR_HTTP_STATUS' })
  t.is((err as Error & { status: number }).status, 500)
})

test('rejects with ETIMEDOUT when the server never answers', async (t) => {
  const started = performance.now()
  const err = await t.throwsAsync(fetchData(`${server.url}/hang`, { timeoutMs: 150 }), {
    instanceOf: Error,
    code: 'ETIMEDOUT',
    message: `fetchData: GET ${server.url}/hang timed out after 150 ms`,
  })
  t.is(err?.name, 'TimeoutError')
  t.true(performance.now() - started >= 140, 'not before the timeout')
})

test('the timeout covers the body too, and a generous one lets a slow answer through', async (t) => {
  await t.throwsAsync(fetchData(`${server.url}/slow-body`, { timeoutMs: 100 }), {
    code: 'ETIMEDOUT',
  })
  t.is(await fetchData(`${server.url}/slow-body`, { timeoutMs: 5000 }), 'early late')
  t.is(await fetchData(`${server.url}/slow`, { timeoutMs: 5000 }), 'late')
})

test('rejects with ECONNREFUSED on a closed port, with the reason', async (t) => {
  const port = await closedPort()
  await t.throwsAsync(fetchData(`http://127.0.0.1:${port}/`), {
    instanceOf: Error,
    code: 'ECONNREFUSED',
    message: new RegExp(
      `^fetchData: GET http://127\\.0\\.0\\.1:${port}/ failed \\(ECONNREFUSED\\): .*Connection refused`,
    ),
  })
})

test('rejects with ECONNRESET when the server drops the connection', async (t) => {
  await t.throwsAsync(fetchData(`${server.url}/reset`), {
    instanceOf: Error,
    code: 'ECONNRESET',
    message: /^fetchData: GET .*\/reset failed \(ECONNRESET\): /,
  })
})

test('refuses a body over 32 MiB, announced or streamed', async (t) => {
  for (const path of ['/too-large-announced', '/too-large-chunked']) {
    await t.throwsAsync(fetchData(`${server.url}${path}`), {
      instanceOf: Error,
      code: 'ERR_BODY_TOO_LARGE',
      message: /exceeds the limit of 33554432 bytes$/,
    })
  }
})

test('reuses one pooled connection across sequential calls', async (t) => {
  const pooled = await startServer({ '/': (_req, res) => res.end('ok') })
  try {
    for (let i = 0; i < 5; i++) t.is(await fetchData(`${pooled.url}/`), 'ok')
    t.is(pooled.connections, 1)
  } finally {
    await pooled.close()
  }
})

test('does not block the event loop while waiting', async (t) => {
  let ticks = 0
  const timer = setInterval(() => ticks++, 10)
  try {
    t.is(await fetchData(`${server.url}/slow`), 'late')
  } finally {
    clearInterval(timer)
  }
  t.true(ticks >= 5, `the event loop ran ${ticks} timer ticks during a 300 ms request`)
})

test('rejects an unparsable URL with ERR_INVALID_URL and its input', async (t) => {
  const err = await t.throwsAsync(fetchData('not a url'), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_URL',
    message: "fetchData: Invalid URL 'not a url': relative URL without a base",
  })
  t.is((err as TypeError & { input: string }).input, 'not a url')
  await t.throwsAsync(fetchData('http://'), { instanceOf: TypeError, code: 'ERR_INVALID_URL' })
})

test('rejects any scheme but http and https with ERR_INVALID_URL_SCHEME', async (t) => {
  for (const url of [
    'ftp://127.0.0.1/file',
    'file:///etc/passwd',
    'data:text/plain,hi',
    'ws://127.0.0.1/',
  ]) {
    await t.throwsAsync(fetchData(url), {
      instanceOf: TypeError,
      code: 'ERR_INVALID_URL_SCHEME',
      message: /^fetchData: The URL must be of scheme http or https\. Received '[a-z]+:'$/,
    })
  }
})

test('rejects (never throws) on bad arguments', async (t) => {
  const url = `${server.url}/utf8`
  const rejects = async (call: () => Promise<string>, code: string, message: RegExp) => {
    let promise: Promise<string> | undefined
    t.notThrows(() => {
      promise = call()
    })
    t.true(promise instanceof Promise)
    await t.throwsAsync(promise!, { code, message })
  }
  const TYPE = 'ERR_INVALID_ARG_TYPE'
  const RANGE = 'ERR_OUT_OF_RANGE'
  const urlMessage = /"url" argument must be of type string\. Received type number \(42\)$/
  // @ts-expect-error url is a string
  await rejects(() => fetchData(42), TYPE, urlMessage)
  // @ts-expect-error url is required
  await rejects(() => fetchData(), TYPE, /"url".*Received undefined$/)
  // @ts-expect-error options is an object
  await rejects(() => fetchData(url, 'fast'), TYPE, /"options".*Received type string/)
  // @ts-expect-error options is an object, not null
  await rejects(() => fetchData(url, null), TYPE, /"options".*Received null/)
  // @ts-expect-error timeoutMs is a number
  await rejects(() => fetchData(url, { timeoutMs: '100' }), TYPE, /"options\.timeoutMs"/)
  await rejects(() => fetchData(url, { timeoutMs: 0 }), RANGE, /"options\.timeoutMs".*Received 0$/)
  await rejects(() => fetchData(url, { timeoutMs: -1 }), RANGE, /Received -1$/)
  await rejects(() => fetchData(url, { timeoutMs: 1.5 }), RANGE, /an integer\. Received 1\.5$/)
  await rejects(() => fetchData(url, { timeoutMs: 2 ** 32 }), RANGE, /Received 4294967296$/)
  await rejects(() => fetchData(url, { timeoutMs: NaN }), RANGE, /Received NaN$/)
})

test('accepts undefined options and an undefined timeoutMs', async (t) => {
  t.is(await fetchData(`${server.url}/utf8`, undefined), UTF8_TEXT)
  t.is(await fetchData(`${server.url}/utf8`, {}), UTF8_TEXT)
  t.is(await fetchData(`${server.url}/utf8`, { timeoutMs: undefined }), UTF8_TEXT)
})

test('an options getter that throws becomes the rejection, unchanged', async (t) => {
  const boom = new Error('getter boom')
  const options = {
    get timeoutMs(): number {
      throw boom
    },
  }
  let promise: Promise<string> | undefined
  t.notThrows(() => {
    promise = fetchData(`${server.url}/utf8`, options)
  })
  t.is(await t.throwsAsync(promise!), boom)
})
