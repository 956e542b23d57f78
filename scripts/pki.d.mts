export interface TestPki {
  /** The test CA's certificate (PEM): what a client must trust. */
  ca: string
  /** Its path, for NODE_EXTRA_CA_CERTS. */
  caPath: string
  /** The server's private key and certificate (PEM), issued by the CA. */
  key: string
  cert: string
}

/**
 * A fresh CA and a server certificate it issued for `subjectAltName` (e.g. `IP:127.0.0.1`),
 * made with the openssl CLI. rustls, like browsers, refuses a CA certificate presented as a
 * server certificate, so the two are kept apart as in real deployments.
 */
export function testPki(subjectAltName: string): TestPki

export interface SelfSigned {
  /** The certificate (PEM), which a client trusts as it is. */
  cert: string
  /** Its path, for NODE_EXTRA_CA_CERTS. */
  certPath: string
  /** Its private key (PEM). */
  key: string
  /** `openssl x509 -text` of it, to check what it is. */
  text: string
}

/**
 * A self-signed server certificate for `subjectAltName` as `openssl req -x509` makes it (it
 * says `CA:TRUE`); with `expired`, one that was valid only on 1-2 January 2020.
 */
export function selfSigned(subjectAltName: string, options?: { expired?: boolean }): SelfSigned
