"""Every export as a typed consumer uses it: `mypy --strict` must accept this file."""

import array
import asyncio

import mylib


def sync_calls() -> None:
    greeting: str = mylib.greet("Ada")
    total: int = mylib.sum([1, 2, 3]) + mylib.sum(array.array("i", [1])) + mylib.sum(range(3))
    calc = mylib.Calculator(1.5)
    value: float = calc.add(2) + calc.subtract(1.0) + calc.multiply(2) + calc.divide(4)
    value += calc.reset() + calc.reset(2.0) + calc.value
    user: mylib.User = mylib.create_user(1, "Ada", "ada@example.com")
    fields: tuple[int, str, str] = (user.id, user.name, user.email)
    body: str = mylib.fetch_data_sync("http://127.0.0.1/", timeout=None, headers={"a": "b"})
    print(greeting, total, value, fields, body)


async def async_calls() -> str:
    try:
        return await mylib.fetch_data(
            "http://127.0.0.1/", timeout=1.5, max_bytes=10, ca=["pem"], headers={"x": "y"}
        )
    except mylib.HTTPStatusError as err:
        status: int = err.status
        return str(status)
    except mylib.FetchError as err:
        code: str = err.code
        url: "str | None" = err.url
        return f"{code} {url}"


if __name__ == "__main__":
    sync_calls()
    asyncio.run(async_calls())
