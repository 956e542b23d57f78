import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mylib

# The WHATWG HTML "valid e-mail address" rule, as a regular expression.
WHATWG_EMAIL = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"
)


def test_records_are_frozen_values() -> None:
    user = mylib.create_user(1, " Ada ", "ada@example.com")
    assert (user.id, user.name, user.email) == (1, " Ada ", "ada@example.com")
    assert user == mylib.User(1, " Ada ", "ada@example.com")
    assert hash(user) == hash(mylib.User(1, " Ada ", "ada@example.com"))
    assert user != mylib.User(2, " Ada ", "ada@example.com")
    assert repr(user) == "User(id=1, name=' Ada ', email='ada@example.com')"
    assert pickle.loads(pickle.dumps(user)) == user
    with pytest.raises(AttributeError):
        user.id = 2  # type: ignore[misc]
    match user:
        case mylib.User(id, name, email):
            assert (id, name, email) == (1, " Ada ", "ada@example.com")


@given(st.text(alphabet=st.sampled_from("ab.-@_+é ")))
def test_email_follows_the_whatwg_rule(email: str) -> None:
    if WHATWG_EMAIL.match(email):
        assert mylib.create_user(0, "x", email).email == email
    else:
        with pytest.raises(ValueError, match=r"^create_user\(\) argument 'email' must be a valid e-mail address"):
            mylib.create_user(0, "x", email)


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((-1, "a", "a@b"), ValueError, r"argument 'id' must be between 0 and 4294967295, not -1"),
        ((2**32, "a", "a@b"), ValueError, r"argument 'id' must be between 0 and 4294967295"),
        ((True, "a", "a@b"), TypeError, r"argument 'id' must be int, not bool"),
        ((1.0, "a", "a@b"), TypeError, r"argument 'id' must be int, not float"),
        ((1, " \t\u3000", "a@b"), ValueError, r"argument 'name' must not be empty or only whitespace"),
        ((1, 5, "a@b"), TypeError, r"argument 'name' must be str, not int"),
        ((1, "a", None), TypeError, r"argument 'email' must be str, not NoneType"),
        ((1, "\ud800", "a@b"), ValueError, r"argument 'name' must not contain lone surrogates"),
    ],
)
def test_bad_fields_are_refused(args: tuple[object, object, object], error: type, message: str) -> None:
    with pytest.raises(error, match=r"^create_user\(\) " + message):
        mylib.create_user(*args)  # type: ignore[arg-type]
