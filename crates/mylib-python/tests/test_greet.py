import pytest
from hypothesis import given
from hypothesis import strategies as st

import mylib


@given(st.text())
def test_greet_is_the_f_string(name: str) -> None:
    assert mylib.greet(name) == f"Hello, {name}!"


@pytest.mark.parametrize("name", ["", "Ada", "\x00", "🦀", "\ud800", "\udfff a \ud83e", "\ud83e\udd80"])
def test_greet_keeps_every_code_point(name: str) -> None:
    assert mylib.greet(name) == f"Hello, {name}!"


@pytest.mark.parametrize("bad, kind", [(1, "int"), (None, "NoneType"), (b"x", "bytes")])
def test_greet_refuses_what_is_not_a_str(bad: object, kind: str) -> None:
    with pytest.raises(TypeError, match=rf"^greet\(\) argument 'name' must be str, not {kind}$"):
        mylib.greet(bad)  # type: ignore[arg-type]
