import array
import builtins

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mylib

INT32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)


@given(st.lists(INT32))
def test_sum_is_builtin_sum(values: list[int]) -> None:
    expected = builtins.sum(values)
    assert mylib.sum(values) == expected
    assert mylib.sum(tuple(values)) == expected
    assert mylib.sum(iter(values)) == expected
    assert mylib.sum(array.array("i", values)) == expected


def test_sum_never_wraps() -> None:
    assert mylib.sum([2**31 - 1] * 3) == 3 * (2**31 - 1)
    assert mylib.sum(array.array("i", [-(2**31)] * 5)) == -5 * 2**31
    assert mylib.sum([]) == 0
    assert mylib.sum(range(1000)) == 499500


def test_buffers_are_read_in_place_with_their_offset() -> None:
    values = array.array("i", [100, 1, 2, 3, 100])
    view = memoryview(values)[1:4]
    assert mylib.sum(view) == 6
    raw = memoryview(bytes(range(16))).cast("i")
    assert mylib.sum(raw) == builtins.sum(raw)
    big = array.array("i", range(200_000))
    assert mylib.sum(big) == builtins.sum(range(200_000))


def test_other_buffers_are_iterated_strictly() -> None:
    assert mylib.sum(array.array("h", [1, 2])) == 3
    with pytest.raises(TypeError, match=r"^sum\(\) item 0 must be int, not float$"):
        mylib.sum(array.array("d", [1.5]))


@pytest.mark.parametrize(
    "values, index, kind",
    [([1, 2, 3, 1.5], 3, "float"), ([True], 0, "bool"), (["1"], 0, "str"), ([None], 0, "NoneType")],
)
def test_items_must_be_int(values: list[object], index: int, kind: str) -> None:
    with pytest.raises(TypeError, match=rf"^sum\(\) item {index} must be int, not {kind}$"):
        mylib.sum(values)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 2**100])
def test_items_must_be_int32(value: int) -> None:
    with pytest.raises(ValueError, match=rf"^sum\(\) item 1 must be in the int32 range .*, not {value}$"):
        mylib.sum([0, value])


def test_what_is_not_iterable_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"^sum\(\) argument 'numbers' must be an iterable"):
        mylib.sum(5)  # type: ignore[arg-type]


def test_an_iterator_s_own_error_reaches_the_caller() -> None:
    def broken():  # type: ignore[no-untyped-def]
        yield 1
        raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        mylib.sum(broken())


def test_int_subclasses_count_and_bool_does_not_anywhere_in_a_list() -> None:
    class Small(int):
        pass

    assert mylib.sum([1, 2, Small(3), 4]) == 10
    assert mylib.sum([1] * 1000 + [Small(5)] + [1] * 1000) == 2005
    with pytest.raises(TypeError, match=r"^sum\(\) item 1000 must be int, not bool$"):
        mylib.sum([1] * 1000 + [True])
    with pytest.raises(ValueError, match=r"^sum\(\) item 3 must be in the int32 range"):
        mylib.sum([1, 2, 3, -(2**31) - 1])
