import test from 'ava'
import fc from 'fast-check'

import { Calculator } from '../index.js'

type Method = 'add' | 'subtract' | 'multiply' | 'divide'

const js: Record<Method, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
}

test('starts at 0 or at the given value, and chains operations', (t) => {
  t.is(new Calculator().value, 0)
  t.is(new Calculator(undefined).value, 0)
  t.is(new Calculator(-2.5).value, -2.5)
  const calc = new Calculator(10)
  t.is(calc.add(5), 15)
  t.is(calc.subtract(3), 12)
  t.is(calc.multiply(2), 24)
  t.is(calc.divide(5), 4.8)
  t.is(calc.value, 4.8)
  t.is(calc.reset(), 0)
  t.is(calc.reset(7), 7)
  t.is(calc.value, 7)
})

test('uses exact IEEE-754 double arithmetic, as JS does', (t) => {
  const calc = new Calculator(0.1)
  t.is(calc.add(0.2), 0.1 + 0.2)
  t.is(new Calculator(1).divide(3), 1 / 3)
  t.is(new Calculator(5e-324).divide(2), 0)
  t.true(Object.is(new Calculator(-1).multiply(0), -0))
})

test('agrees with JS arithmetic on random finite doubles, refusing non-finite results', (t) => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true })
  const method = fc.constantFrom<Method>('add', 'subtract', 'multiply', 'divide')
  fc.assert(
    fc.property(finite, method, finite, (start, op, operand) => {
      const calc = new Calculator(start)
      const expected = js[op](start, operand)
      if (Number.isFinite(expected) && !(op === 'divide' && operand === 0)) {
        return Object.is(calc[op](operand), expected) && Object.is(calc.value, expected)
      }
      try {
        calc[op](operand)
        return false
      } catch (err) {
        return (
          err instanceof RangeError &&
          (err as NodeJS.ErrnoException).code === 'ERR_OUT_OF_RANGE' &&
          Object.is(calc.value, start)
        )
      }
    }),
    { numRuns: 5000 },
  )
  t.pass()
})

test('never holds NaN or Infinity: refuses and keeps the value', (t) => {
  const calc = new Calculator(Number.MAX_VALUE)
  t.throws(() => calc.multiply(2), {
    instanceOf: RangeError,
    code: 'ERR_OUT_OF_RANGE',
    message:
      'Calculator.multiply: The result is out of range. 1.7976931348623157e+308 * 2 overflows to Infinity; the value stays 1.7976931348623157e+308',
  })
  t.throws(() => calc.add(Number.MAX_VALUE), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => new Calculator(-Number.MAX_VALUE).subtract(Number.MAX_VALUE), {
    code: 'ERR_OUT_OF_RANGE',
  })
  t.is(calc.value, Number.MAX_VALUE)

  const small = new Calculator(5)
  for (const zero of [0, -0]) {
    t.throws(() => small.divide(zero), {
      instanceOf: RangeError,
      code: 'ERR_OUT_OF_RANGE',
      message: `Calculator.divide: The value of "n" is out of range. It must be a non-zero number (division by zero). Received 0`,
    })
  }
  for (const method of ['add', 'subtract', 'multiply', 'divide'] as const) {
    for (const bad of [NaN, Infinity, -Infinity]) {
      t.throws(() => small[method](bad), {
        instanceOf: RangeError,
        code: 'ERR_OUT_OF_RANGE',
        message: `Calculator.${method}: The value of "n" is out of range. It must be a finite number. Received ${bad}`,
      })
    }
  }
  t.is(small.value, 5)
  for (const bad of [NaN, Infinity, -Infinity]) {
    t.throws(() => new Calculator(bad), {
      instanceOf: RangeError,
      code: 'ERR_OUT_OF_RANGE',
      message: `new Calculator: The value of "initial" is out of range. It must be a finite number. Received ${bad}`,
    })
    t.throws(() => small.reset(bad), {
      instanceOf: RangeError,
      code: 'ERR_OUT_OF_RANGE',
      message: /"value"/,
    })
  }
  t.is(small.value, 5)
})

test('refuses non-number arguments with ERR_INVALID_ARG_TYPE, never coercing', (t) => {
  const calc = new Calculator(1)
  const cases: Array<[unknown, string]> = [
    ['2', "Received type string ('2')"],
    [null, 'Received null'],
    [2n, 'Received type bigint (2n)'],
    [Object(2), 'Received type object'],
    [{ valueOf: () => 2 }, 'Received type object'],
  ]
  for (const [value, received] of cases) {
    // @ts-expect-error operands are numbers
    t.throws(() => calc.add(value), {
      instanceOf: TypeError,
      code: 'ERR_INVALID_ARG_TYPE',
      message: `Calculator.add: The "n" argument must be of type number. ${received}`,
    })
    // @ts-expect-error the initial value is a number
    t.throws(() => new Calculator(value), {
      instanceOf: TypeError,
      code: 'ERR_INVALID_ARG_TYPE',
      message: `new Calculator: The "initial" argument must be of type number. ${received}`,
    })
  }
  // @ts-expect-error add needs an operand
  t.throws(() => calc.add(), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
    message: /Received undefined/,
  })
  // @ts-expect-error reset takes a number
  t.throws(() => calc.reset('0'), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.is(calc.value, 1)
})

test('refuses a call without new and a foreign this with a TypeError', (t) => {
  t.throws(
    // @ts-expect-error a class needs new
    () => Calculator(1),
    {
      instanceOf: TypeError,
      code: 'ERR_CONSTRUCT_CALL_REQUIRED',
      message: "Class constructor Calculator cannot be invoked without 'new'",
    },
  )
  const exportsLike = { Calculator }
  // @ts-expect-error a class needs new
  t.throws(() => exportsLike.Calculator(1), {
    instanceOf: TypeError,
    code: 'ERR_CONSTRUCT_CALL_REQUIRED',
  })
  const calc = new Calculator(2)
  t.throws(() => calc.constructor.call(calc, 5), {
    instanceOf: TypeError,
    code: 'ERR_CONSTRUCT_CALL_REQUIRED',
  })
  t.is(calc.value, 2)
  // No `new` even with a fresh object of the right prototype: still not a construct call.
  t.throws(() => Calculator.call(Object.create(Calculator.prototype), 5), {
    instanceOf: TypeError,
    code: 'ERR_CONSTRUCT_CALL_REQUIRED',
  })
  t.is(Object.getPrototypeOf(calc).constructor, Calculator)
  t.is(Calculator.name, 'Calculator')

  // The methods check their receiver themselves, as the getter does: the same error on every
  // runtime, whether or not it enforces V8's method signature (Bun and Deno do not).
  for (const method of ['add', 'subtract', 'multiply', 'divide', 'reset'] as const) {
    t.is(Calculator.prototype[method].name, method)
    for (const foreign of [{}, null, 1, new Date(), Object.create(Calculator.prototype)]) {
      t.throws(() => Calculator.prototype[method].call(foreign, 1), {
        instanceOf: TypeError,
        code: 'ERR_INVALID_THIS',
        message: new RegExp(
          `^Calculator\\.${method}: Value of "this" must be of type Calculator\\.`,
        ),
      })
    }
  }
  t.is(Calculator.prototype.add.call(calc, 3), 5)
  t.is(calc.reset(2), 2)
  const getter = Object.getOwnPropertyDescriptor(Calculator.prototype, 'value')!.get!
  for (const foreign of [{}, null, 1, Object.create(Calculator.prototype), new Proxy(calc, {})]) {
    t.throws(() => getter.call(foreign), {
      instanceOf: TypeError,
      code: 'ERR_INVALID_THIS',
      message: /^Calculator\.value: Value of "this" must be of type Calculator\./,
    })
  }
  t.is(getter.call(calc), 2)
})

test('value is read-only, instances are independent, and subclasses work', (t) => {
  const a = new Calculator(1)
  const b = new Calculator(2)
  a.add(10)
  t.is(b.value, 2)
  t.throws(
    () => {
      ;(a as { value: number }).value = 5
    },
    { instanceOf: TypeError },
  )
  t.is(a.value, 11)

  class Doubler extends Calculator {
    double() {
      return this.multiply(2)
    }
  }
  const d = new Doubler(4)
  t.true(d instanceof Calculator)
  t.is(d.double(), 8)
  t.is(d.value, 8)
})

test('methods and the value getter sit on the prototype as a JS class puts them', (t) => {
  for (const method of ['add', 'subtract', 'multiply', 'divide', 'reset']) {
    const descriptor = Object.getOwnPropertyDescriptor(Calculator.prototype, method)!
    t.like(descriptor, { enumerable: false, writable: true, configurable: true }, method)
    t.is(typeof descriptor.value, 'function', method)
    t.is(descriptor.value.name, method)
  }
  const value = Object.getOwnPropertyDescriptor(Calculator.prototype, 'value')!
  t.like(value, { enumerable: false, configurable: true, set: undefined })
  t.is(typeof value.get, 'function')
  t.deepEqual(Object.keys(new Calculator(1)), [])
  t.deepEqual({ ...new Calculator(1) }, {})
})

test('Calculator constructs as a JS class does: subclasses and Reflect.construct with a subclass', (t) => {
  class Doubling extends Calculator {
    double() {
      return this.add(this.value)
    }
  }
  const doubling = new Doubling(4)
  t.is(doubling.double(), 8)
  t.true(doubling instanceof Calculator)
  const built = Reflect.construct(Calculator, [3], Doubling) as Doubling
  t.true(built instanceof Doubling)
  t.is(built.double(), 6)
  // A newTarget whose prototype is not a Calculator's would give an object that no Calculator
  // method accepts: refused (see the README).
  t.throws(() => Reflect.construct(Calculator, [3], Date), {
    instanceOf: TypeError,
    code: 'ERR_CONSTRUCT_CALL_REQUIRED',
  })
})
