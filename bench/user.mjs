// createUser vs a JS function doing the same validation (same e-mail rule), same object.
import { compare } from './harness.mjs'

const WHATWG_EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

function jsCreateUser(id, name, email) {
  if (typeof id !== 'number') throw new TypeError('id')
  if (!Number.isInteger(id) || id < 0 || id > 4294967295) throw new RangeError('id')
  if (typeof name !== 'string') throw new TypeError('name')
  if (name.trim() === '') throw new TypeError('name')
  if (typeof email !== 'string') throw new TypeError('email')
  if (!WHATWG_EMAIL.test(email)) throw new TypeError('email')
  return { id, name, email }
}

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
