import math
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mylib

FINITE = st.floats(allow_nan=False, allow_infinity=False)


@given(FINITE, FINITE, st.sampled_from(["add", "subtract", "multiply", "divide"]))
def test_arithmetic_is_python_float_arithmetic(a: float, b: float, op: str) -> None:
    calc = mylib.Calculator(a)
    reference = {"add": a + b, "subtract": a - b, "multiply": a * b}.get(op)
    if op == "divide":
        if b == 0:
            with pytest.raises(ZeroDivisionError):
                calc.divide(b)
            assert calc.value == a
            return
        reference = a / b
    assert reference is not None
    if math.isinf(reference):
        with pytest.raises(OverflowError):
            getattr(calc, op)(b)
        assert calc.value == a
    else:
        assert getattr(calc, op)(b) == reference
        assert calc.value == reference


def test_defaults_and_reset() -> None:
    calc = mylib.Calculator()
    assert calc.value == 0.0
    assert calc.add(2) == 2.0
    assert calc.reset() == 0.0
    assert calc.reset(3.5) == 3.5
    assert repr(calc) == "Calculator(3.5)"


def test_errors_leave_the_value_unchanged() -> None:
    calc = mylib.Calculator(sys.float_info.max)
    with pytest.raises(OverflowError, match=r"^Calculator\.multiply\(\): 1\.7976931348623157e\+308 \* 2\.0 overflows to inf"):
        calc.multiply(2)
    with pytest.raises(ValueError, match=r"^Calculator\.add\(\) argument 'n' must be a finite number, not nan$"):
        calc.add(math.nan)
    with pytest.raises(ZeroDivisionError, match=r"^Calculator\.divide\(\) argument 'n' must be non-zero"):
        calc.divide(0)
    with pytest.raises(ValueError):
        calc.reset(math.inf)
    assert calc.value == sys.float_info.max


@pytest.mark.parametrize("bad, kind", [(True, "bool"), ("1", "str"), (None, "NoneType")])
def test_operands_must_be_numbers(bad: object, kind: str) -> None:
    calc = mylib.Calculator(1)
    with pytest.raises(TypeError, match=rf"^Calculator\.add\(\) argument 'n' must be float, not {kind}$"):
        calc.add(bad)  # type: ignore[arg-type]


def test_ints_a_float_cannot_hold_are_refused() -> None:
    calc = mylib.Calculator()
    assert calc.add(2**53) == float(2**53)
    with pytest.raises(ValueError, match="exactly"):
        calc.add(2**53 + 1)


def test_construction_is_checked() -> None:
    with pytest.raises(ValueError, match=r"^Calculator\(\) argument 'initial'"):
        mylib.Calculator(math.inf)
    with pytest.raises(TypeError):
        mylib.Calculator("1")  # type: ignore[arg-type]
