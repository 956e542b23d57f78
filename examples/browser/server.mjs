// Serves the browser demo on 127.0.0.1: the page (this folder), the mylib-wasm package
// (crates/mylib-wasm/pkg, built by `npm run build:wasm`) at /mylib-wasm/, the benchmarks' plain JS
// contenders (bench/reference.mjs) at /bench/reference.mjs, and, on a second port
// (another origin), the HTTP endpoints the page fetches, with CORS headers.
//
//   npm run build:wasm && node examples/browser/server.mjs [port]
//
// then open the printed address. scripts/wasm-browser.mjs starts the same servers for the
// headless Chromium test, which also receives the page's results (POST /report).
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { dirname, extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const PKG = join(HERE, '..', '..', 'crates', 'mylib-wasm', 'pkg')
/** The plain JS contenders of the benchmarks, for the page's (bench.mjs). */
const REFERENCE = join(HERE, '..', '..', 'bench', 'reference.mjs')
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
}
const MiB = 1024 * 1024
const UTF8_TEXT = 'héllo wörld — 🦀 ✓'

/** The endpoints fetchData is checked against; every one but /no-cors allows any origin. */
function api(req, res) {
  const cors = { 'access-control-allow-origin': '*' }
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors, 'access-control-allow-headers': '*' }).end()
    return
  }
  const path = new URL(req.url, 'http://x').pathname
  switch (path) {
    case '/utf8':
      return res
        .writeHead(200, { ...cors, 'content-type': 'text/plain; charset=utf-8' })
        .end(UTF8_TEXT)
    case '/latin1':
      return res
        .writeHead(200, { ...cors, 'content-type': 'text/plain; charset=ISO-8859-1' })
        .end(Buffer.from('héllo ÿ', 'latin1'))
    case '/empty':
      return res.writeHead(204, cors).end()
    case '/redirect':
      return res.writeHead(302, { ...cors, location: '/utf8' }).end()
    // Redirects to schemes other than http(s), which a browser's fetch does not follow.
    case '/to-ftp':
      return res.writeHead(302, { ...cors, location: 'ftp://127.0.0.1/file' }).end()
    case '/to-data':
      return res.writeHead(302, { ...cors, location: 'data:text/plain,hello' }).end()
    case '/echo-header':
      return res.writeHead(200, cors).end(req.headers['x-mylib'] ?? '')
    case '/hang':
      return res.writeHead(200, cors).flushHeaders()
    case '/slow-body':
      res.writeHead(200, { ...cors, 'content-type': 'text/plain' }).write('early ')
      return setTimeout(() => res.end('late'), 300)
    case '/too-large':
      res.writeHead(200, { ...cors, 'content-length': String(33 * MiB) })
      return res.write(Buffer.alloc(MiB))
    case '/too-large-chunked':
      return res
        .writeHead(200, { ...cors, 'content-type': 'text/plain' })
        .end(Buffer.alloc(MiB, 'a'))
    case '/no-cors':
      return res.writeHead(200, { 'content-type': 'text/plain' }).end('not for other origins')
    default:
      return res.writeHead(404, cors).end('not found')
  }
}

/** The page, its script, the package, the page's configuration and the report endpoint; or,
 * with `folder`, that folder's files (a bundler's output) instead of the page and the package.
 * `onRequest` is told the path, status and content type of every file asked for. */
function page(apiOrigin, { onReport, benchMs, folder, onRequest }) {
  return async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'] })
      return res.end(JSON.stringify({ api: apiOrigin, report: Boolean(onReport), bench: benchMs }))
    }
    if (path === '/report' && req.method === 'POST' && onReport) {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      res.writeHead(204).end()
      return onReport(JSON.parse(Buffer.concat(chunks).toString('utf8')))
    }
    const index = path === '/' ? 'index.html' : path.slice(1)
    const file = folder
      ? join(folder, normalize(index))
      : path === '/bench/reference.mjs'
        ? REFERENCE
        : path.startsWith('/mylib-wasm/')
          ? join(PKG, normalize(path.slice('/mylib-wasm/'.length)))
          : join(HERE, normalize(index))
    const allowed = folder
      ? file.startsWith(`${folder}${sep}`)
      : file === REFERENCE || file.startsWith(PKG) || file.startsWith(HERE)
    const type = TYPES[extname(file)] ?? 'application/octet-stream'
    let status = 403
    if (allowed) {
      try {
        const body = await readFile(file)
        status = 200
        res.writeHead(status, { 'content-type': type }).end(body)
      } catch {
        status = 404
        res.writeHead(status).end('not found')
      }
    } else {
      res.writeHead(status).end()
    }
    onRequest?.({ path, status, type })
  }
}

/** Starts both servers on 127.0.0.1; `onReport` receives the page's results when given; with
 * `benchMs`, the page also times the sync exports (examples/browser/bench.mjs) for that long per
 * contender and case; with `folder` (an absolute path), the page server serves that folder's
 * files, its /config.json and /report, and `onRequest` hears of every file asked for. */
export async function startServers({ port = 0, onReport, benchMs = 0, folder, onRequest } = {}) {
  const apiServer = createServer(api).listen(0, '127.0.0.1')
  await once(apiServer, 'listening')
  const apiOrigin = `http://127.0.0.1:${apiServer.address().port}`
  const handler = page(apiOrigin, { onReport, benchMs, folder, onRequest })
  const pageServer = createServer(handler).listen(port, '127.0.0.1')
  await once(pageServer, 'listening')
  return {
    url: `http://127.0.0.1:${pageServer.address().port}/`,
    apiOrigin,
    close() {
      for (const server of [apiServer, pageServer]) {
        server.closeAllConnections()
        server.close()
      }
    },
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startServers({ port: Number(process.argv[2] ?? 8080) })
  console.log(`mylib-wasm demo: open ${url} (Ctrl-C stops it)`)
}
