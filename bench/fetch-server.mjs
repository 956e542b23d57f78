// The loopback server for bench/fetch.mjs, in its own process so its CPU is not counted. Plain
// HTTP serving BODY; or, when MYLIB_BENCH_TLS_KEY and MYLIB_BENCH_TLS_CERT hold a PEM key and
// certificate, HTTPS serving GZIP_TEXT gzip-encoded. Both keep connections alive.
import { createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { gzipSync } from 'node:zlib'

import { BODY, GZIP_TEXT } from './fetch-bodies.mjs'

const { MYLIB_BENCH_TLS_KEY: key, MYLIB_BENCH_TLS_CERT: cert } = process.env
let server
if (key && cert) {
  const gzipped = gzipSync(GZIP_TEXT)
  server = createTlsServer({ key, cert }, (_req, res) => {
    res
      .writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'content-encoding': 'gzip',
        'content-length': gzipped.length,
      })
      .end(gzipped)
  })
} else {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length }).end(BODY)
  })
}
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
