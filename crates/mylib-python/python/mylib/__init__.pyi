from typing import Mapping, Optional, Sequence, Union

from ._errors import (
    FetchConnectionRefusedError as FetchConnectionRefusedError,
    FetchConnectionResetError as FetchConnectionResetError,
    FetchError as FetchError,
    FetchTimeoutError as FetchTimeoutError,
    HTTPStatusError as HTTPStatusError,
)
from ._native import (
    DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES,
    Calculator as Calculator,
    User as User,
    create_user as create_user,
    greet as greet,
    sum as sum,
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
    max_bytes: int = ...,
    ca: Union[str, Sequence[str], None] = None,
) -> str: ...
def fetch_data_sync(
    url: str,
    *,
    timeout: Optional[float] = 30.0,
    headers: Optional[Mapping[str, str]] = None,
    max_bytes: int = ...,
    ca: Union[str, Sequence[str], None] = None,
) -> str: ...
