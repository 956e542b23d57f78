// createUser vs a JS function doing the same validation (same e-mail rule), same object.
import { compare } from './harness.mjs'
import { jsCreateUser } from './reference.mjs'

export default async function userBench(addon) {
  await compare({
    concept: 'createUser',
    name: 'valid user',
    reference: 'JS function',
    batch: 500,
    contenders: [
      {
        name: 'mylib createUser',
        run: () => addon.createUser(42, 'Ada Lovelace', 'ada@example.com'),
      },
      { name: 'JS function', run: () => jsCreateUser(42, 'Ada Lovelace', 'ada@example.com') },
    ],
  })
}
