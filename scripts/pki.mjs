// A throwaway PKI for loopback TLS servers, made with the openssl CLI: for the specs
// (__test__/helpers/tls.ts re-exports it) and the HTTPS benchmark.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'

const openssl = (args) => execFileSync('openssl', args, { stdio: 'pipe' })

/**
 * A fresh CA and a server certificate it issued for `subjectAltName` (e.g. `IP:127.0.0.1`),
 * made with the openssl CLI. rustls, like browsers, refuses a CA certificate presented as a
 * server certificate, so the two are kept apart as in real deployments.
 *
 * @param {string} subjectAltName
 * @returns {import('./pki.d.mts').TestPki}
 */
export function testPki(subjectAltName) {
  // MYLIB_TEST_PKI_DIR keeps one PKI per subjectAltName there and reuses it: scripts/windows.mjs
  // makes them on Linux, as the openssl CLI cannot be started by a Windows Node under Wine.
  const shared = process.env.MYLIB_TEST_PKI_DIR
  const dir = shared
    ? join(shared, subjectAltName.replaceAll(/[^\w.-]+/g, '_'))
    : mkdtempSync(join(tmpdir(), 'mylib-tls-'))
  const file = (name) => join(dir, name)
  if (!shared || !existsSync(file('server.pem'))) {
    mkdirSync(dir, { recursive: true })
    makePki(subjectAltName, file)
  }
  return {
    ca: readFileSync(file('ca.pem'), 'utf8'),
    caPath: file('ca.pem'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
  }
}

/** Writes ca.pem, server.key and server.pem (with their CSR and extensions) via `file(name)`. */
function makePki(subjectAltName, file) {
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-subj',
    '/CN=mylib test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ])
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-subj',
    '/CN=mylib test server',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  ])
  writeFileSync(
    file('server.ext'),
    `basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${subjectAltName}\n`,
  )
  openssl([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  ])
}
