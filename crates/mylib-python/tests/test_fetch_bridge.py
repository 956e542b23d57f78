"""The asyncio bridge under fetch_data: many requests at once, each resolved with its own result
or exception; cancellation and dropping abort the request; any loop, any thread."""

import asyncio
import gc
import subprocess
import sys
import threading

import pytest

import mylib
from mylib import _native
from conftest import Server


async def test_many_concurrent_requests_each_get_their_own_result(server: Server) -> None:
    urls = [f"{server.url}/n/{i}" if i % 5 else f"{server.url}/missing/{i}" for i in range(300)]
    results = await asyncio.gather(*(mylib.fetch_data(url) for url in urls), return_exceptions=True)
    for i, (url, result) in enumerate(zip(urls, results)):
        if i % 5:
            assert result == str(i)
        else:
            assert isinstance(result, mylib.HTTPStatusError)
            assert result.status == 404 and result.url == url


async def test_cancelling_some_requests_leaves_the_others_alone(server: Server) -> None:
    server.slow_started.clear()
    server.slow_closed.clear()
    slow = asyncio.create_task(mylib.fetch_data(f"{server.url}/slow", timeout=None))
    fast = [asyncio.create_task(mylib.fetch_data(f"{server.url}/n/{i}")) for i in range(100)]
    doomed = fast[::3]
    for task in doomed:
        task.cancel()
    assert await asyncio.to_thread(server.slow_started.wait, 5)
    slow.cancel()
    results = await asyncio.gather(slow, *fast, return_exceptions=True)
    assert isinstance(results[0], asyncio.CancelledError)
    for i, (task, result) in enumerate(zip(fast, results[1:])):
        if task in doomed:
            assert isinstance(result, asyncio.CancelledError)
        else:
            assert result == str(i)
    assert await asyncio.to_thread(server.slow_closed.wait, 5), "the server never saw the close"


async def test_dropping_an_unawaited_request_aborts_it(server: Server) -> None:
    server.slow_started.clear()
    server.slow_closed.clear()
    request = _native._fetch_data(f"{server.url}/slow", timeout=None, headers=None, max_bytes=100, ca=None)
    assert await asyncio.to_thread(server.slow_started.wait, 5)
    del request
    gc.collect()
    assert await asyncio.to_thread(server.slow_closed.wait, 5), "the server never saw the close"


async def test_cancel_after_the_result_is_a_no_op(server: Server) -> None:
    request = _native._fetch_data(f"{server.url}/n/7", timeout=None, headers=None, max_bytes=100, ca=None)
    assert await request == "7"
    request.cancel()
    request.cancel()


def test_loops_in_many_threads_at_once(server: Server) -> None:
    results: dict[int, list[str]] = {}

    def run(thread: int) -> None:
        async def main() -> list[str]:
            return await asyncio.gather(*(mylib.fetch_data(f"{server.url}/n/{thread}-{i}") for i in range(40)))

        results[thread] = asyncio.run(main())

    threads = [threading.Thread(target=run, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: [f"{n}-{i}" for i in range(40)] for n in range(6)}


def test_a_paused_loop_gets_its_results_when_it_runs_again(server: Server) -> None:
    paused = asyncio.new_event_loop()
    try:
        tasks = [paused.create_task(mylib.fetch_data(f"{server.url}/n/paused-{i}")) for i in range(20)]
        # Starts the requests, then leaves the loop stopped while another loop runs on this thread.
        paused.run_until_complete(asyncio.sleep(0))

        async def other() -> list[str]:
            await asyncio.sleep(0.2)
            return await asyncio.gather(*(mylib.fetch_data(f"{server.url}/n/other-{i}") for i in range(20)))

        assert asyncio.run(other()) == [f"other-{i}" for i in range(20)]
        results = paused.run_until_complete(asyncio.gather(*tasks))
        assert results == [f"paused-{i}" for i in range(20)]
    finally:
        paused.close()


def test_a_loop_closed_with_requests_in_flight_is_let_go(server: Server) -> None:
    closed = asyncio.new_event_loop()
    tasks = [closed.create_task(mylib.fetch_data(f"{server.url}/n/{i}")) for i in range(20)]
    closed.run_until_complete(asyncio.sleep(0))
    closed.close()
    # The requests finish on mylib's threads; their wakeup finds the loop closed and drops them.
    threading.Event().wait(0.5)
    assert not any(task.done() for task in tasks)
    # Another loop on the same thread works as ever.
    assert asyncio.run(mylib.fetch_data(f"{server.url}/n/after")) == "after"


@pytest.mark.parametrize("policy", ["default", "subclass"])
def test_any_running_loop(server: Server, policy: str) -> None:
    class Loop(asyncio.SelectorEventLoop):
        pass

    loop = asyncio.new_event_loop() if policy == "default" else Loop()
    try:
        assert loop.run_until_complete(mylib.fetch_data(f"{server.url}/n/{policy}")) == policy
    finally:
        loop.close()


EXIT_RIGHT_AFTER = """
import asyncio, sys
import mylib

async def main():
    urls = [f"{sys.argv[1]}/n/{i}" for i in range(300)]
    assert await asyncio.gather(*(mylib.fetch_data(url) for url in urls)) == [str(i) for i in range(300)]

asyncio.run(main())
"""


def test_the_interpreter_exits_cleanly_right_after_the_last_result(server: Server) -> None:
    # The last wakeup may still be inside call_soon_threadsafe when the loop resolves the last
    # future and the interpreter exits: it must not take the GIL during finalization (a crash).
    for _ in range(12):
        run = subprocess.run([sys.executable, "-c", EXIT_RIGHT_AFTER, server.url], capture_output=True, timeout=60)
        assert (run.returncode, run.stderr) == (0, b"")
