"""The Python package's benchmark, run by `npm run bench:python` (scripts/python.mjs bench).

Each case first checks that every contender returns the same answer, then times them in turn
in one process and reports medians and ratios as JSON on the last line of output. argv[1] is a
JSON list of loopback HTTP servers in other processes, each {"name": ..., "url": ...}, all serving
the same body; argv[2] is "smoke" for a short run.
"""

from __future__ import annotations

import array
import asyncio
import builtins
import json
import platform
import re
import statistics
import sys
import time
from typing import Any, Awaitable, Callable

import aiohttp
import httpx

import mylib

SERVERS: list[dict[str, str]] = json.loads(sys.argv[1])
SMOKE = len(sys.argv) > 2 and sys.argv[2] == "smoke"
ROUNDS = 3 if SMOKE else 7
REQUESTS = 200 if SMOKE else 5000
CONCURRENCY = 64

results: list[dict[str, Any]] = []


def timed(run: Callable[[], object], number: int) -> float:
    """Seconds per call: the median of ROUNDS rounds of `number` calls."""
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(number):
            run()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def compare(name: str, reference: str, number: int, contenders: dict[str, Callable[[], object]], target: str | None = None, met: Callable[[float], bool] | None = None) -> None:
    answers = {label: run() for label, run in contenders.items()}
    expected = answers[reference]
    for label, answer in answers.items():
        if answer != expected:
            raise SystemExit(f"{name}: {label} answered {answer!r}, {reference} {expected!r}")
    times = {label: timed(run, number) for label, run in contenders.items()}
    ratio = times["mylib"] / times[reference]
    results.append(
        {
            "case": name,
            "reference": reference,
            "seconds": times,
            "ratio": ratio,
            "target": target,
            "met": None if met is None else met(ratio),
        }
    )
    print(f"{name}: " + ", ".join(f"{k} {v * 1e6:.3f} us" for k, v in times.items()) + f" (x{ratio:.2f})", flush=True)


SIZE = 10_000 if SMOKE else 1_000_000
values = [(i * 2654435761) % 2001 - 1000 for i in range(SIZE)]
buffer = array.array("i", values)
compare(
    f"sum of a {SIZE:,}-element list", "builtin sum", 1 if SMOKE else 5,
    {"mylib": lambda: mylib.sum(values), "builtin sum": lambda: builtins.sum(values)},
    "within 1.5x of builtin sum", lambda r: r <= 1.5,
)
compare(
    f"sum of an array('i') of {SIZE:,}", "builtin sum", 1 if SMOKE else 5,
    {"mylib": lambda: mylib.sum(buffer), "builtin sum": lambda: builtins.sum(buffer)},
    "at least 5x faster than builtin sum", lambda r: r <= 0.2,
)


def py_greet(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError("name")
    return f"Hello, {name}!"


class PyCalculator:
    def __init__(self, initial: float = 0.0) -> None:
        self.value = initial

    def add(self, n: object) -> float:
        if isinstance(n, bool) or not isinstance(n, (int, float)):
            raise TypeError("n")
        result = self.value + n
        if result != result or result in (float("inf"), float("-inf")):
            raise OverflowError("n")
        self.value = result
        return result


WHATWG_EMAIL = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"
)


def py_create_user(id: object, name: object, email: object) -> tuple[object, object, object]:
    if isinstance(id, bool) or not isinstance(id, int) or not 0 <= id <= 4294967295:
        raise ValueError("id")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name")
    if not isinstance(email, str) or not WHATWG_EMAIL.match(email):
        raise ValueError("email")
    return (id, name, email)


N = 10_000 if SMOKE else 200_000
compare("greet", "plain Python", N, {"mylib": lambda: mylib.greet("Ada"), "plain Python": lambda: py_greet("Ada")})
calc, py_calc = mylib.Calculator(0), PyCalculator(0)
compare("Calculator.add", "plain Python", N, {"mylib": lambda: calc.reset(0) + calc.add(1.5), "plain Python": lambda: (setattr(py_calc, "value", 0.0), py_calc.add(1.5))[1]})
compare(
    "create_user", "plain Python", N,
    {
        "mylib": lambda: (lambda u: (u.id, u.name, u.email))(mylib.create_user(7, "Ada", "ada@example.com")),
        "plain Python": lambda: py_create_user(7, "Ada", "ada@example.com"),
    },
)


async def rates(contenders: dict[str, Callable[[], Awaitable[str]]], expected: str) -> dict[str, float]:
    """Requests per second of each contender at CONCURRENCY: a warm-up pass each (connections),
    then ROUNDS passes of REQUESTS requests taken in turn, so that a passing disturbance on a shared
    machine hits every contender alike; each contender's median pass."""

    async def one_pass(fetch: Callable[[], Awaitable[str]]) -> float:
        left = REQUESTS

        async def worker() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                if await fetch() != expected:
                    raise SystemExit("a fetch returned another body")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return REQUESTS / (time.perf_counter() - start)

    for fetch in contenders.values():
        await one_pass(fetch)
    samples: dict[str, list[float]] = {label: [] for label in contenders}
    for _ in range(ROUNDS):
        for label, fetch in contenders.items():
            samples[label].append(await one_pass(fetch))
    return {label: statistics.median(passes) for label, passes in samples.items()}


async def fetches(server: dict[str, str]) -> None:
    url = server["url"]
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as session, httpx.AsyncClient(limits=limits) as client:

        async def by_aiohttp() -> str:
            async with session.get(url) as response:
                return await response.text()

        async def by_httpx() -> str:
            return (await client.get(url)).text

        contenders: dict[str, Callable[[], Awaitable[str]]] = {
            "mylib": lambda: mylib.fetch_data(url),
            "aiohttp": by_aiohttp,
            "httpx": by_httpx,
        }
        expected = await mylib.fetch_data(url)
        for label, fetch in contenders.items():
            if await fetch() != expected:
                raise SystemExit(f"fetch: {label} returned another body")
        measured = await rates(contenders, expected)
        ratio = measured["mylib"] / measured["aiohttp"]
        results.append(
            {
                "case": f"fetch_data, {REQUESTS:,} requests at concurrency {CONCURRENCY}, from {server['name'].split(',')[0]}",
                "reference": "aiohttp",
                "rates": measured,
                "ratio": ratio,
                "target": "at least 2x aiohttp's ClientSession and at least httpx's AsyncClient",
                "met": ratio >= 2 and measured["mylib"] >= measured["httpx"],
            }
        )
        print(f"fetch from {server['name']}: " + ", ".join(f"{k} {v:,.0f} req/s" for k, v in measured.items()), flush=True)


for server in SERVERS:
    asyncio.run(fetches(server))
environment = {
    "python": platform.python_version(),
    "aiohttp": aiohttp.__version__,
    "httpx": httpx.__version__,
}
print(json.dumps({"environment": environment, "results": results}))
