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
