// The loopback servers of the fetch benchmarks (bench/fetch.mjs, and the Python package's through
// scripts/python.mjs): nginx (one worker process serving a static file) when it is installed
// (`apt-get install nginx-light`), as it needs the least CPU and so leaves the most to the clients
// being measured; and bench/fetch-server.mjs (node:http) in a child process. Both serve BODY.
import { execFileSync, fork, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { freePort } from '../scripts/common.mjs'
import { BODY } from './fetch-bodies.mjs'

/** The nginx binary, if installed. */
export function findNginx() {
  for (const candidate of ['/usr/sbin/nginx', 'nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' })
      return candidate
    } catch {
      // Not there: try the next one.
    }
  }
  return undefined
}

async function waitForServer(url) {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await (await fetch(url)).text()) === BODY) return
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`fetch: the server at ${url} never answered`)
}

/** nginx (the binary `nginx`) serving BODY from a temporary folder: `{ name, url, stop }`. */
export async function nginxServer(nginx) {
  const dir = mkdtempSync(join(tmpdir(), 'mylib-bench-nginx-'))
  const port = await freePort()
  writeFileSync(join(dir, 'body.txt'), BODY)
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `${kind}_temp_path ${dir}/${kind};`)
    .join(' ')
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid;
error_log stderr error;
events { worker_connections 4096; }
http {
  access_log off; ${temp}
  keepalive_requests 10000000; keepalive_timeout 60s;
  server { listen 127.0.0.1:${port}; root ${dir}; default_type text/plain; }
}
`,
  )
  const child = spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}/body.txt`
  await waitForServer(url)
  return {
    name: `${spawnSync(nginx, ['-v'], { encoding: 'utf8' }).stderr.replace('nginx version: ', '').trim()}, one worker process, a static file`,
    url,
    stop: () => {
      child.kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** bench/fetch-server.mjs in a child process; `env` selects HTTPS. */
export async function nodeServer(env = {}) {
  const child = fork(new URL('./fetch-server.mjs', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  })
  const [port] = await once(child, 'message')
  return { port, stop: () => child.kill() }
}

/** nginx if it is installed, else bench/fetch-server.mjs: `{ name, url, stop }`. */
export async function serverProcess() {
  const nginx = findNginx()
  if (nginx) return nginxServer(nginx)
  const { port, stop } = await nodeServer()
  return {
    name: 'node:http in a child process (nginx is not installed)',
    url: `http://127.0.0.1:${port}/`,
    stop,
  }
}
