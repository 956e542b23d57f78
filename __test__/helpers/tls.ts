// The test PKI lives in scripts/pki.mjs, shared with the HTTPS benchmark.
export { testPki, type TestPki } from '../../scripts/pki.mjs'
