"""mylib: greet, sum, Calculator, create_user and an asyncio HTTP GET, from one Rust core.

Every function checks its arguments strictly: a wrong type is ``TypeError``, a bad value
``ValueError`` (``ZeroDivisionError`` and ``OverflowError`` for the calculator), never a silent
conversion. A request that fails after its arguments are accepted raises ``FetchError`` or a
subclass, with the ``code`` every mylib binding reports.
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence, Union

from ._errors import (
    FetchConnectionRefusedError,
    FetchConnectionResetError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
)
from ._native import (
    DEFAULT_MAX_BYTES,
    Calculator,
    User,
    _fetch_data,
    _fetch_data_sync,
    create_user,
    greet,
    sum,
)

__all__ = [
    "Calculator",
    "FetchConnectionRefusedError",
    "FetchConnectionResetError",
    "FetchError",
    "FetchTimeoutError",
    "HTTPStatusError",
    "User",
    "create_user",
    "fetch_data",
    "fetch_data_sync",
    "greet",
    "sum",
]


async def fetch_data(
    url: str,
    *,
    timeout: Optional[float] = 30.0,
    headers: Optional[Mapping[str, str]] = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ca: Union[str, Sequence[str], None] = None,
) -> str:
    """Fetch ``url`` with an HTTP/1.1 GET and return the body as str.

    The body is decoded as a browser decodes it: gzip, brotli or deflate, then the charset of
    ``Content-Type`` (UTF-8 by default). Redirects are followed (up to 20, http and https only),
    and TLS certificates are verified against Mozilla's roots, the file named by
    ``NODE_EXTRA_CA_CERTS``, and ``ca``. The request runs on mylib's own threads: cancelling the
    task (``task.cancel()``, ``asyncio.wait_for``, ``asyncio.timeout``) drops it and its
    connection at once.

    Args:
        url: an ``http:`` or ``https:`` URL.
        timeout: a bound on the whole request, body included, in seconds; ``None`` for none.
        headers: request headers (``User-Agent: mylib/<version>`` unless given), read as
            Node's ``fetch`` reads them: values trimmed, connection headers such as
            ``transfer-encoding`` refused, and ``Authorization``, ``Cookie``,
            ``Proxy-Authorization`` and ``Host`` not sent to another origin on a redirect.
        max_bytes: a limit on the decoded body, in bytes.
        ca: extra PEM certificates to trust: one str, or a sequence of them.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: a bad URL (or not http/https), header, timeout, ``max_bytes`` or ``ca``.
        HTTPStatusError: a status outside 200..=299 (``.status`` holds it).
        FetchTimeoutError: ``timeout`` passed (also a ``TimeoutError``).
        FetchConnectionRefusedError: the connection was refused (also a ``ConnectionRefusedError``).
        FetchConnectionResetError: the connection was reset (also a ``ConnectionResetError``).
        FetchError: any other failure; ``.code`` says which (``"ERR_BODY_TOO_LARGE"``, ...).
    """
    request = _fetch_data(url, timeout=timeout, headers=headers, max_bytes=max_bytes, ca=ca)
    try:
        return await request
    except BaseException:
        # Cancelled (or closed): abort the request now, not when the traceback lets it go.
        request.cancel()
        raise


def fetch_data_sync(
    url: str,
    *,
    timeout: Optional[float] = 30.0,
    headers: Optional[Mapping[str, str]] = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ca: Union[str, Sequence[str], None] = None,
) -> str:
    """``fetch_data``, blocking: wait for the body in the calling thread, with the GIL released
    meanwhile so other threads run. The arguments, result and errors are ``fetch_data``'s."""
    return _fetch_data_sync(url, timeout=timeout, headers=headers, max_bytes=max_bytes, ca=ca)
