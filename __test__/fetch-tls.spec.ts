import { createSecureServer } from 'node:http2'
import { createServer, type Server } from 'node:https'
import type { TLSSocket } from 'node:tls'
import type { AddressInfo } from 'node:net'

import test from 'ava'

import { fetchData } from '../index.js'
import { ADDON_URL, runNode } from './helpers/child.js'
import { testPki, type TestPki } from './helpers/tls.js'

let trusted: TestPki
let otherHost: TestPki
const servers: Server[] = []

/** An HTTPS server on 127.0.0.1 presenting `cert`. */
async function httpsServer(cert: TestPki): Promise<string> {
  const server = createServer({ key: cert.key, cert: cert.cert }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('secure ✓')
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

let url: string
let wrongHostUrl: string

test.before(async () => {
  trusted = testPki('IP:127.0.0.1,DNS:localhost')
  otherHost = testPki('DNS:other.example')
  url = await httpsServer(trusted)
  wrongHostUrl = await httpsServer(otherHost)
})

test.after.always(() => {
  for (const server of servers) server.close()
})

test('a certificate from an unknown CA is refused by default, with the reason in words', async (t) => {
  await t.throwsAsync(fetchData(url), {
    instanceOf: Error,
    code: 'ERR_TLS_CERT',
    message:
      /^fetchData: GET https:\/\/127\.0\.0\.1:\d+\/ failed \(ERR_TLS_CERT\): the certificate's issuer is not trusted$/,
  })
})

test('the CA is trusted when passed as ca (a string or an array)', async (t) => {
  t.is(await fetchData(url, { ca: trusted.ca }), 'secure ✓')
  t.is(await fetchData(url, { ca: [otherHost.ca, trusted.ca] }), 'secure ✓')
})

test('a certificate for another host name is refused even when trusted', async (t) => {
  await t.throwsAsync(fetchData(wrongHostUrl, { ca: otherHost.ca }), {
    code: 'ERR_TLS_CERT',
    message: /ERR_TLS_CERT\): the certificate is not valid for "127\.0\.0\.1"$/,
  })
})

test('NODE_EXTRA_CA_CERTS is honoured, as Node does', async (t) => {
  const script = `
    const { fetchData } = await import(${JSON.stringify(ADDON_URL)})
    console.log(await fetchData(${JSON.stringify(url)}))`
  const result = await runNode(script, { env: { NODE_EXTRA_CA_CERTS: trusted.caPath } })
  t.is(result.code, 0, result.stderr)
  t.is(result.stdout.trim(), 'secure ✓')
  const without = await runNode(
    script.replace('console.log(await', 'console.log(await').concat(''),
    {
      env: { NODE_EXTRA_CA_CERTS: '' },
    },
  )
  t.not(without.code, 0)
  t.regex(without.stderr, /ERR_TLS_CERT/)
})

test('HTTP/1.1 is used even where the server offers HTTP/2, as Node fetch does', async (t) => {
  const server = createSecureServer(
    { key: trusted.key, cert: trusted.cert, allowHTTP1: true },
    (req, res) => {
      res.end(`HTTP/${req.httpVersion} over ${(req.socket as TLSSocket).alpnProtocol}`)
    },
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const h2Url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
  t.is(await fetchData(h2Url, { ca: trusted.ca }), 'HTTP/1.1 over http/1.1')
})

test('ca must hold PEM certificates', async (t) => {
  for (const ca of [
    'not a certificate',
    '',
    ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'],
  ]) {
    await t.throwsAsync(fetchData(url, { ca }), {
      instanceOf: TypeError,
      code: 'ERR_INVALID_ARG_VALUE',
      message: /^fetchData: The argument 'options\.ca(\[0\])?' must hold PEM certificates/,
    })
  }
  // @ts-expect-error ca is a string or an array of strings
  await t.throwsAsync(fetchData(url, { ca: 1 }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
    message: /"options\.ca"/,
  })
  // @ts-expect-error ca elements are strings
  await t.throwsAsync(fetchData(url, { ca: [trusted.ca, 2] }), {
    code: 'ERR_INVALID_ARG_TYPE',
    message: /"options\.ca\[1\]"/,
  })
})
