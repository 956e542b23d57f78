"""Leaks and threads: run by `npm run test:python-reliability` (scripts/python.mjs reliability).

1. Leaks: 1,000,000 calls of each sync export (half of them errors) and 10,000 fetches (half of
   them 404s) after an identical warm-up round; the resident set may grow by less than 10 MB.
2. Threads: 8 threads call every export at once, sharing one Calculator; every result must be
   right, and the shared Calculator must end exactly where the operations add up to.

Prints one "ok - ..." or "not ok - ..." line per check and ends with
"python-reliability: N passed, N failed".
"""

from __future__ import annotations

import array
import asyncio
import gc
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import mylib

CALLS = 1_000_000
FETCHES = 10_000
LIMIT_MB = 10.0

results: list[bool] = []


def report(ok: bool, what: str) -> None:
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} - {what}", flush=True)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        body = b"ok" if self.path == "/ok" else b"missing"
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    # 64 requests connect at once: the default listen backlog (5) would drop their SYNs.
    request_queue_size = 256


server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
URL = f"http://127.0.0.1:{server.server_address[1]}"
NUMBERS = list(range(10))
BUFFER = array.array("i", range(10))


def sync_round(calls: int) -> None:
    calc = mylib.Calculator(1)
    for i in range(calls // 2):
        mylib.greet("Ada")
        mylib.sum(NUMBERS if i % 2 else BUFFER)
        calc.add(1)
        calc.reset(1)
        mylib.create_user(i, "Ada", "ada@example.com")
        for call in (
            lambda: mylib.greet(1),  # type: ignore[arg-type]
            lambda: mylib.sum([1.5]),  # type: ignore[list-item]
            lambda: calc.divide(0),
            lambda: mylib.create_user(i, " ", "a@b"),
        ):
            try:
                call()
            except (TypeError, ValueError, ZeroDivisionError):
                pass


async def fetch_round(fetches: int) -> None:
    async def one(i: int) -> None:
        try:
            await mylib.fetch_data(f"{URL}/{'ok' if i % 2 else 'missing'}")
        except mylib.HTTPStatusError:
            pass

    for start in range(0, fetches, 64):
        await asyncio.gather(*(one(i) for i in range(start, min(fetches, start + 64))))


def measure(name: str, run: object) -> None:
    for _ in range(2):  # warm-up: the allocator and the connection pool reach their high-water marks
        run()  # type: ignore[operator]
    gc.collect()
    before = rss_mb()
    run()  # type: ignore[operator]
    gc.collect()
    grown = rss_mb() - before
    report(grown < LIMIT_MB, f"{name}: RSS {before:.1f} -> {before + grown:.1f} MB (+{grown:.2f}, limit {LIMIT_MB})")


def threads() -> None:
    shared = mylib.Calculator(0)
    errors: list[BaseException] = []
    per_thread = 20_000

    def work(index: int) -> None:
        try:
            for i in range(per_thread):
                assert mylib.greet(str(i)) == f"Hello, {i}!"
                assert mylib.sum(BUFFER) == 45
                assert mylib.create_user(i, "Ada", "ada@example.com").id == i
                shared.add(1)
            assert mylib.fetch_data_sync(f"{URL}/ok") == "ok"
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    report(not errors, f"8 threads call every export at once ({errors[:1] or 'no errors'})")
    report(shared.value == 8 * per_thread, f"a shared Calculator counts every add: {shared.value}")


measure(f"{CALLS:,} calls of each sync export", lambda: sync_round(CALLS))
measure(f"{FETCHES:,} fetches", lambda: asyncio.run(fetch_round(FETCHES)))
threads()
passed = sum(results)
print(f"python-reliability: {passed} passed, {len(results) - passed} failed")
sys.exit(0 if all(results) else 1)
