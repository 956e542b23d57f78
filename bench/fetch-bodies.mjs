// The bodies bench/fetch-server.mjs serves, shared with bench/fetch.mjs, which checks them.

/** The plain HTTP body: 1 KiB. */
export const BODY = 'x'.repeat(1024)

/** The HTTPS body before gzip: 16 KiB of JSON lines. */
export const GZIP_TEXT = Array.from(
  { length: 400 },
  (_, i) => `${JSON.stringify({ id: i, name: `user ${i}`, score: (i * 7919) % 1000 })}\n`,
)
  .join('')
  .slice(0, 16 * 1024)
