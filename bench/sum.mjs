// sum: number[] and Int32Array at 10, 1,000 and 1,000,000 elements, vs reduce and a for loop.
import { compare, ratioTarget } from './harness.mjs'
import { forLoop } from './reference.mjs'

const reduce = (values) => values.reduce((total, v) => total + v, 0)

/** The speed targets: a short and a long number[], and a long Int32Array. */
function targetFor(kind, size) {
  if (kind === 'number[]' && (size === 10 || size === 1_000_000)) {
    const label = size === 10 ? '10' : '1M'
    return ratioTarget(
      'mylib sum',
      `number[] at ${label} no slower than 3× the JS for loop`,
      (r) => r <= 3,
    )
  }
  if (kind === 'Int32Array' && size === 1_000_000) {
    return ratioTarget(
      'mylib sum',
      'Int32Array at 1M at least 2× faster than the JS for loop',
      (r) => r <= 0.5,
    )
  }
  return undefined
}

export default async function sumBench(addon) {
  for (const size of [10, 1_000, 1_000_000]) {
    // Deterministic int32 values whose sum stays exact in doubles.
    const array = Array.from({ length: size }, (_, i) => ((i * 2654435761) % 2001) - 1000)
    const typed = Int32Array.from(array)
    const batch = Math.max(1, Math.round(10_000 / size))
    for (const [kind, input] of [
      ['number[]', array],
      ['Int32Array', typed],
    ]) {
      const target = targetFor(kind, size)
      await compare({
        concept: 'sum',
        name: `${kind}, ${size.toLocaleString('en')} elements`,
        reference: 'JS for loop',
        batch,
        target,
        contenders: [
          { name: 'mylib sum', run: () => addon.sum(input) },
          { name: 'JS for loop', run: () => forLoop(input) },
          { name: 'Array.prototype.reduce', run: () => reduce(input) },
        ],
      })
    }
  }
}
