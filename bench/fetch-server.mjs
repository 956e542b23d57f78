// The loopback server for bench/fetch.mjs, in its own process so its CPU is not counted.
import { createServer } from 'node:http'

const body = 'x'.repeat(1024)
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body)
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => process.send(server.address().port))
