"""The exceptions of a request that failed after its arguments were accepted."""

from __future__ import annotations

from typing import Optional


class FetchError(Exception):
    """A request failed: ``code`` is the code every mylib binding gives this failure
    (``"ERR_HTTP_STATUS"``, ``"ETIMEDOUT"``, ``"ECONNREFUSED"``, ``"ERR_BODY_TOO_LARGE"``, ...),
    ``url`` the URL without its user name and password (``None`` where there is none)."""

    code: str
    url: Optional[str]

    def __init__(self, message: str, code: str, url: Optional[str] = None, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.code = code
        self.url = url

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (str(self), self.code, self.url, getattr(self, "status", None)))


class HTTPStatusError(FetchError):
    """The server answered with a status outside 200..=299, in ``status``."""

    status: int

    def __init__(self, message: str, code: str, url: Optional[str] = None, status: Optional[int] = None) -> None:
        super().__init__(message, code, url)
        self.status = status if status is not None else 0


class FetchTimeoutError(FetchError, TimeoutError):
    """The request did not finish within ``timeout`` (code ``"ETIMEDOUT"``)."""


class FetchConnectionRefusedError(FetchError, ConnectionRefusedError):
    """The server refused the connection (code ``"ECONNREFUSED"``)."""


class FetchConnectionResetError(FetchError, ConnectionResetError):
    """The connection was reset or closed before a whole response (code ``"ECONNRESET"``)."""
