// createUser vs a JS function doing the same validation (same e-mail rule), same object; and the
// native createUser, which builds the record through Node-API (the entry point builds it in JS).
import { compare, ratioTarget } from './harness.mjs'
import { jsCreateUser } from './reference.mjs'

export default async function userBench(addon) {
  await compare({
    concept: 'createUser',
    name: 'valid user',
    reference: 'JS function',
    batch: 500,
    target: ratioTarget(
      'mylib createUser',
      'createUser within 2× of the same checks and object literal in JS',
      (r) => r <= 2,
    ),
    contenders: [
      {
        name: 'mylib createUser',
        run: () => addon.createUser(42, 'Ada Lovelace', 'ada@example.com'),
      },
      {
        name: 'native createUser (record through Node-API)',
        run: () => addon.nativeCreateUser(42, 'Ada Lovelace', 'ada@example.com'),
      },
      { name: 'JS function', run: () => jsCreateUser(42, 'Ada Lovelace', 'ada@example.com') },
    ],
  })
}
