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
  const { file, made } = folder(subjectAltName)
  if (!made) makePki(subjectAltName, file)
  return {
    ca: readFileSync(file('ca.pem'), 'utf8'),
    caPath: file('ca.pem'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
  }
}

/**
 * Where a PKI named `name` lives: a fresh temporary folder, or with MYLIB_TEST_PKI_DIR one kept
 * there per name and reused (`made`: its files exist already). scripts/windows.mjs makes them on
 * Linux, as the openssl CLI cannot be started by a Windows Node under Wine.
 */
function folder(name) {
  const shared = process.env.MYLIB_TEST_PKI_DIR
  const dir = shared
    ? join(shared, name.replaceAll(/[^\w.-]+/g, '_'))
    : mkdtempSync(join(tmpdir(), 'mylib-tls-'))
  const file = (entry) => join(dir, entry)
  const made = Boolean(shared) && existsSync(file('done'))
  mkdirSync(dir, { recursive: true })
  return { dir, file, made }
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
  writeFileSync(file('done'), '')
}

/**
 * A self-signed server certificate for `subjectAltName`, made as most developers make one:
 * `openssl req -x509 … -addext subjectAltName=…`, which (by openssl's default `v3_ca`
 * extensions) says `CA:TRUE`. With `expired`, the same kind of certificate valid only on
 * 1-2 January 2020 (openssl 3.0's `req` cannot backdate, so `openssl ca -selfsign` signs it).
 *
 * @param {string} subjectAltName
 * @param {{ expired?: boolean }} [options]
 * @returns {import('./pki.d.mts').SelfSigned}
 */
export function selfSigned(subjectAltName, { expired = false } = {}) {
  const { dir, file, made } = folder(`self-signed-${expired ? 'expired-' : ''}${subjectAltName}`)
  if (!made) makeSelfSigned(subjectAltName, expired, dir, file)
  return {
    cert: readFileSync(file('cert.pem'), 'utf8'),
    certPath: file('cert.pem'),
    key: readFileSync(file('key.pem'), 'utf8'),
    text: readFileSync(file('cert.txt'), 'utf8'),
  }
}

/** Writes key.pem, cert.pem and cert.txt (`openssl x509 -text`) into `dir`. */
function makeSelfSigned(subjectAltName, expired, dir, file) {
  const key = ['-newkey', 'rsa:2048', '-nodes', '-sha256', '-keyout', file('key.pem')]
  if (!expired) {
    openssl(
      ['req', '-x509', ...key, '-days', '2', '-subj', '/CN=mylib self-signed'].concat([
        '-addext',
        `subjectAltName=${subjectAltName}`,
        '-out',
        file('cert.pem'),
      ]),
    )
  } else {
    writeFileSync(file('index.txt'), '')
    writeFileSync(file('serial'), '01\n')
    writeFileSync(
      file('ca.cnf'),
      `[ca]\ndefault_ca = d\n[d]\ndatabase = ${file('index.txt')}\nnew_certs_dir = ${dir}\n` +
        `serial = ${file('serial')}\ndefault_md = sha256\npolicy = p\nunique_subject = no\n` +
        '[p]\ncommonName = supplied\n',
    )
    writeFileSync(
      file('ext'),
      `basicConstraints=critical,CA:TRUE\nsubjectAltName=${subjectAltName}\n`,
    )
    openssl(['req', '-new', ...key, '-subj', '/CN=mylib expired', '-out', file('req.csr')])
    openssl(
      ['ca', '-batch', '-selfsign', '-config', file('ca.cnf'), '-keyfile', file('key.pem')].concat(
        ['-in', file('req.csr'), '-startdate', '20200101000000Z', '-enddate', '20200102000000Z'],
        ['-extfile', file('ext'), '-out', file('cert.pem')],
      ),
    )
  }
  writeFileSync(file('cert.txt'), openssl(['x509', '-in', file('cert.pem'), '-noout', '-text']))
  writeFileSync(file('done'), '')
}
