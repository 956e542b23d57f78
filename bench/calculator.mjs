// Calculator: `add` in a loop and the `value` getter, vs a JS class doing the same validation,
// and vs the raw Node-API floor for a method call.
import { compare, ratioTarget } from './harness.mjs'
import { JsCalculator, flip } from './reference.mjs'

export default async function calculatorBench(addon) {
  const mylib = new addon.Calculator(0)
  const raw = new addon.RawCalculator(0)
  const js = new JsCalculator(0)
  await compare({
    concept: 'Calculator',
    name: 'add (two calls)',
    reference: 'raw Node-API method',
    batch: 500,
    target: ratioTarget(
      'mylib Calculator.add',
      'add within 1.5× of the raw Node-API method call',
      (r) => r <= 1.5,
    ),
    contenders: [
      { name: 'mylib Calculator.add', run: () => flip(mylib) },
      { name: 'raw Node-API method', run: () => flip(raw) },
      { name: 'JS class', run: () => flip(js) },
    ],
  })
  await compare({
    concept: 'Calculator',
    name: 'value getter',
    reference: 'JS class',
    batch: 1000,
    contenders: [
      { name: 'mylib value', run: () => mylib.value },
      { name: 'JS class', run: () => js.value },
    ],
  })
}
