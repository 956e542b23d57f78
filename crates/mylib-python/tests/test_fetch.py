import asyncio
import threading

import pytest

import mylib
from conftest import Server


async def test_fetches_and_decodes_by_charset(server: Server) -> None:
    assert await mylib.fetch_data(f"{server.url}/ok") == "héllo 🦀"
    assert await mylib.fetch_data(f"{server.url}/latin1") == "café"


async def test_sends_headers(server: Server) -> None:
    body = await mylib.fetch_data(f"{server.url}/echo-header", headers={"X-Mylib-Test": "yes"})
    assert body == "yes"


async def test_a_404_is_an_http_status_error(server: Server) -> None:
    with pytest.raises(mylib.HTTPStatusError) as caught:
        await mylib.fetch_data(f"{server.url}/missing")
    assert caught.value.status == 404
    assert caught.value.code == "ERR_HTTP_STATUS"
    assert caught.value.url == f"{server.url}/missing"
    assert "responded with 404 Not Found" in str(caught.value)
    assert isinstance(caught.value, mylib.FetchError)


async def test_the_timeout_is_a_timeout_error(server: Server) -> None:
    with pytest.raises(TimeoutError) as caught:
        await mylib.fetch_data(f"{server.url}/slow", timeout=0.2)
    assert isinstance(caught.value, mylib.FetchTimeoutError)
    assert caught.value.code == "ETIMEDOUT"


async def test_a_refused_connection(refused_url: str) -> None:
    with pytest.raises(ConnectionRefusedError) as caught:
        await mylib.fetch_data(refused_url)
    assert caught.value.code == "ECONNREFUSED"  # type: ignore[attr-defined]


async def test_max_bytes_bounds_the_body(server: Server) -> None:
    with pytest.raises(mylib.FetchError) as caught:
        await mylib.fetch_data(f"{server.url}/big", max_bytes=1000)
    assert caught.value.code == "ERR_BODY_TOO_LARGE"
    assert len(await mylib.fetch_data(f"{server.url}/big", max_bytes=100_000)) == 100_000


async def test_cancelling_the_task_closes_the_connection(server: Server) -> None:
    server.slow_started.clear()
    server.slow_closed.clear()
    task = asyncio.create_task(mylib.fetch_data(f"{server.url}/slow", timeout=None))
    assert await asyncio.to_thread(server.slow_started.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(server.slow_closed.wait, 5), "the server never saw the close"


async def test_wait_for_cancels_too(server: Server) -> None:
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(mylib.fetch_data(f"{server.url}/slow", timeout=None), 0.2)


def test_the_sync_variant_blocks_without_the_gil(server: Server) -> None:
    assert mylib.fetch_data_sync(f"{server.url}/ok") == "héllo 🦀"
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(mylib.fetch_data_sync(f"{server.url}/ok")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["héllo 🦀"] * 8
    with pytest.raises(mylib.HTTPStatusError):
        mylib.fetch_data_sync(f"{server.url}/missing")


@pytest.mark.parametrize(
    "url, kwargs, error, message",
    [
        (5, {}, TypeError, r"^fetch_data\(\) argument 'url' must be str, not int$"),
        ("not a url", {}, ValueError, r"^fetch_data\(\) invalid URL 'not a url'"),
        ("ftp://x/", {}, ValueError, r"must be an http or https URL, not 'ftp:'"),
        ("http://x/", {"timeout": -1}, ValueError, r"argument 'timeout' must be a positive"),
        ("http://x/", {"timeout": "1"}, TypeError, r"argument 'timeout' must be float, not str"),
        ("http://x/", {"max_bytes": -1}, ValueError, r"argument 'max_bytes' must be between 0"),
        ("http://x/", {"headers": {"bad name": "v"}}, ValueError, r"is not a valid HTTP header name"),
        ("http://x/", {"headers": [1]}, TypeError, r"argument 'headers' must be a mapping"),
        ("http://x/", {"ca": "nope"}, ValueError, r"argument 'ca' must hold PEM certificates"),
    ],
)
async def test_bad_arguments(url: object, kwargs: dict[str, object], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        await mylib.fetch_data(url, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(error, match=message):
        mylib.fetch_data_sync(url, **kwargs)  # type: ignore[arg-type]
