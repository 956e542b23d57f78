// The test PKI lives in scripts/pki.mjs, shared with the HTTPS benchmark.
export { selfSigned, testPki, type SelfSigned, type TestPki } from '../../scripts/pki.mjs'
