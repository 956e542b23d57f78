// greet: mylib vs the JS template literal vs the raw Node-API floor (same work, no napi-rs).
import { compare, ratioTarget } from './harness.mjs'

export default async function greetBench(addon) {
  for (const name of ['Ada', 'Ada Lovelace, Countess of Lovelace — 🦀'.repeat(4)]) {
    await compare({
      concept: 'greet',
      name: `${name.length} code units`,
      reference: 'raw Node-API greet',
      batch: 1000,
      target: ratioTarget(
        'mylib greet',
        'mylib greet within 1.5× of the raw Node-API greet',
        (r) => r <= 1.5,
      ),
      contenders: [
        { name: 'mylib greet', run: () => addon.greet(name) },
        { name: 'raw Node-API greet', run: () => addon.rawGreet(name) },
        { name: 'JS template literal', run: () => `Hello, ${name}!` },
      ],
    })
  }
  await compare({
    concept: 'greet',
    name: 'call overhead',
    reference: 'raw Node-API no-op',
    batch: 1000,
    contenders: [
      { name: 'raw Node-API no-op', run: () => addon.rawNoop() },
      { name: 'JS no-op', run: () => undefined },
    ],
  })
}
