//! `Calculator`: a running IEEE-754 double that never holds NaN or ±Infinity.

use crate::error::{Argument, Error, Func, Op, Param, Range, Received, Result};
use crate::number::finite;

/// A calculator holding one finite double.
///
/// Results are exactly IEEE-754 double arithmetic. An operation that would make the value NaN
/// or ±Infinity (a non-finite operand, a zero divisor, an overflowing result) is an error and
/// leaves the value unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Calculator {
  value: f64,
}

impl Calculator {
  /// A calculator holding `initial`, which must be finite.
  pub fn new(initial: f64) -> Result<Self> {
    let value = finite(Argument::new(Func::CalculatorNew, Param::Initial), initial)?;
    Ok(Calculator { value })
  }

  /// The current value: always finite.
  pub fn value(&self) -> f64 {
    self.value
  }

  /// `value <op> operand`, stored and returned; on error the value is unchanged.
  pub fn apply(&mut self, op: Op, operand: f64) -> Result<f64> {
    self.value = apply(self.value, op, operand)?;
    Ok(self.value)
  }

  /// Adds `n` and returns the new value.
  pub fn add(&mut self, n: f64) -> Result<f64> {
    self.apply(Op::Add, n)
  }

  /// Subtracts `n` and returns the new value.
  pub fn subtract(&mut self, n: f64) -> Result<f64> {
    self.apply(Op::Subtract, n)
  }

  /// Multiplies by `n` and returns the new value.
  pub fn multiply(&mut self, n: f64) -> Result<f64> {
    self.apply(Op::Multiply, n)
  }

  /// Divides by `n` (not zero) and returns the new value.
  pub fn divide(&mut self, n: f64) -> Result<f64> {
    self.apply(Op::Divide, n)
  }

  /// Sets the value to `value`, which must be finite, and returns it.
  pub fn reset(&mut self, value: f64) -> Result<f64> {
    self.value = finite(Argument::new(Func::CalculatorReset, Param::Value), value)?;
    Ok(self.value)
  }
}

/// `value <op> operand` in IEEE-754 double arithmetic, refusing a non-finite operand, a zero
/// divisor and a result that would overflow to ±Infinity.
pub fn apply(value: f64, op: Op, operand: f64) -> Result<f64> {
  let arg = Argument::new(op.func(), Param::N);
  finite(arg.clone(), operand)?;
  if op == Op::Divide && operand == 0.0 {
    return Err(Error::out_of_range(
      arg,
      Range::NonZero,
      Received::Number(operand),
    ));
  }
  let result = match op {
    Op::Add => value + operand,
    Op::Subtract => value - operand,
    Op::Multiply => value * operand,
    Op::Divide => value / operand,
  };
  if !result.is_finite() {
    return Err(Error::Overflow {
      op,
      value,
      operand,
      result,
    });
  }
  Ok(result)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn arithmetic_is_ieee_754() {
    assert_eq!(apply(0.1, Op::Add, 0.2), Ok(0.1 + 0.2));
    assert_eq!(apply(1.0, Op::Subtract, 3.0), Ok(-2.0));
    assert_eq!(apply(1.5, Op::Multiply, -2.0), Ok(-3.0));
    assert_eq!(apply(1.0, Op::Divide, 3.0), Ok(1.0 / 3.0));
    assert_eq!(apply(5e-324, Op::Divide, 2.0), Ok(0.0));
  }

  #[test]
  fn refuses_what_would_leave_the_finite_range() {
    for (value, op, operand) in [
      (1.0, Op::Add, f64::NAN),
      (1.0, Op::Add, f64::INFINITY),
      (1.0, Op::Divide, 0.0),
      (1.0, Op::Divide, -0.0),
      (f64::MAX, Op::Add, f64::MAX),
      (f64::MAX, Op::Multiply, 2.0),
      (-f64::MAX, Op::Subtract, f64::MAX),
      (f64::MAX, Op::Divide, 0.5),
    ] {
      let mut calc = Calculator::new(value).unwrap();
      let err = calc.apply(op, operand).unwrap_err();
      assert_eq!(err.code(), "ERR_OUT_OF_RANGE", "{value} {op:?} {operand}");
      assert_eq!(calc.value(), value, "unchanged");
    }
  }

  #[test]
  fn errors_say_which_rule_was_broken() {
    assert!(matches!(
      apply(1.0, Op::Divide, 0.0),
      Err(Error::OutOfRange {
        range: Range::NonZero,
        ..
      })
    ));
    assert_eq!(
      apply(f64::MAX, Op::Multiply, 2.0),
      Err(Error::Overflow {
        op: Op::Multiply,
        value: f64::MAX,
        operand: 2.0,
        result: f64::INFINITY
      })
    );
    assert!(matches!(
      Calculator::new(f64::NAN),
      Err(Error::OutOfRange { arg, range: Range::Finite, .. }) if arg.func == Func::CalculatorNew
    ));
    let mut calc = Calculator::new(2.0).unwrap();
    assert!(calc.reset(f64::NEG_INFINITY).is_err());
    assert_eq!(calc.value(), 2.0);
    assert_eq!(calc.reset(-3.5), Ok(-3.5));
  }

  #[test]
  fn methods_compute_and_keep_the_value() {
    let mut calc = Calculator::default();
    assert_eq!(calc.add(5.0), Ok(5.0));
    assert_eq!(calc.subtract(1.0), Ok(4.0));
    assert_eq!(calc.multiply(2.5), Ok(10.0));
    assert_eq!(calc.divide(4.0), Ok(2.5));
    assert_eq!(calc.value(), 2.5);
  }
}
