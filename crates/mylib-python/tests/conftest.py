"""A loopback HTTP server for the fetch tests, started by the tests themselves."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/ok":
            self.send(200, "héllo 🦀".encode())
        elif self.path == "/latin1":
            self.send(200, b"caf\xe9", "text/plain; charset=iso-8859-1")
        elif self.path == "/echo-header":
            self.send(200, str(self.headers.get("x-mylib-test")).encode())
        elif self.path.startswith("/n/"):
            self.send(200, self.path[len("/n/") :].encode())
        elif self.path == "/big":
            self.send(200, b"x" * 100_000)
        elif self.path == "/slow":
            # Holds the request until the client goes away (or 10 s), recording when it closed.
            deadline = time.monotonic() + 10
            self.server.slow_started.set()  # type: ignore[attr-defined]
            self.connection.settimeout(0.05)
            while time.monotonic() < deadline:
                try:
                    if self.connection.recv(1, socket.MSG_PEEK) == b"":
                        self.server.slow_closed.set()  # type: ignore[attr-defined]
                        return
                except socket.timeout:
                    continue
                except OSError:
                    self.server.slow_closed.set()  # type: ignore[attr-defined]
                    return
        else:
            self.send(404, b"not found")


class Listener(ThreadingHTTPServer):
    # Hundreds of requests connect at once: the default listen backlog (5) would drop their SYNs.
    request_queue_size = 512


class Server:
    def __init__(self) -> None:
        self.httpd = Listener(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.slow_started = threading.Event()  # type: ignore[attr-defined]
        self.httpd.slow_closed = threading.Event()  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def slow_started(self) -> threading.Event:
        return self.httpd.slow_started  # type: ignore[attr-defined,no-any-return]

    @property
    def slow_closed(self) -> threading.Event:
        return self.httpd.slow_closed  # type: ignore[attr-defined,no-any-return]


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.httpd.shutdown()


@pytest.fixture()
def refused_url() -> str:
    """A loopback port nothing listens on."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}/"
