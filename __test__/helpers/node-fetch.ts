import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

let usable: Promise<boolean> | undefined

/**
 * Whether this Node's own `fetch` reaches a loopback server. It does everywhere but under Wine,
 * where undici's connect fails (`connect UNKNOWN`) although `node:http` and mylib connect: there
 * the specs keep their own assertions and skip the comparisons with Node's `fetch`.
 */
export function nodeFetchUsable(): Promise<boolean> {
  usable ??= (async () => {
    const server = createServer((_req, res) => res.end('ok'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
      return (await (await fetch(url)).text()) === 'ok'
    } catch {
      return false
    } finally {
      server.close()
    }
  })()
  return usable
}

/** What Node's own `fetch` does with a request. */
export interface NodeOutcome {
  /** The body, when it resolved. */
  body?: string
  /** Its error's cause's code (or message), when it rejected. */
  error?: string
}

/**
 * What Node's own `fetch` makes of `url`, the reference the fetch specs compare with; `undefined`
 * where it cannot run (see [`nodeFetchUsable`]).
 */
export async function nodeFetch(url: string, init?: RequestInit): Promise<NodeOutcome | undefined> {
  if (!(await nodeFetchUsable())) return undefined
  try {
    return { body: await (await fetch(url, init)).text() }
  } catch (err) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause
    return { error: cause?.code ?? cause?.message ?? String(err) }
  }
}
