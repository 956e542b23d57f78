import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Handler = (req: IncomingMessage, res: ServerResponse) => void

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** Requests received, by path. */
  hits: Map<string, number>
  /** TCP connections accepted. */
  connections: number
  /** Sockets the server saw close. */
  closed: number
  close(): Promise<void>
}

/** Starts a `node:http` server on 127.0.0.1 with an ephemeral port, routing by path. */
export async function startServer(routes: Record<string, Handler>): Promise<TestServer> {
  const sockets = new Set<Socket>()
  const state = { connections: 0, closed: 0, hits: new Map<string, number>() }
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    state.hits.set(path, (state.hits.get(path) ?? 0) + 1)
    const handler = routes[path]
    if (handler) handler(req, res)
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
  })
  server.on('connection', (socket) => {
    state.connections++
    sockets.add(socket)
    socket.on('close', () => {
      state.closed++
      sockets.delete(socket)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits: state.hits,
    get connections() {
      return state.connections
    },
    get closed() {
      return state.closed
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A port on 127.0.0.1 that nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
