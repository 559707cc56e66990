"""talque: the fast, trustworthy Python client for the Talque Ticket JSON API.

>>> import talque
>>> with talque.TalqueClient() as client:          # credentials from TALQUE_CLIENT_ID/TALQUE_SECRET
...     for ticket in client.list("orgId"):
...         ...
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._async_client import AsyncTalqueClient
    from ._async_pager import AsyncTicketPager
    from ._client import DEFAULT_BASE_URL, TalqueClient
    from ._exceptions import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        InternalServerError,
        InvalidResponseError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        TalqueError,
    )
    from ._export import ExportResult
    from ._pager import TicketPager
    from ._result import ReadResult
    from ._talque import __version__
    from ._types import Holder, Ticket, TicketPage, TicketResult

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncTalqueClient",
    "AsyncTicketPager",
    "AuthenticationError",
    "BadRequestError",
    "ExportResult",
    "Holder",
    "InternalServerError",
    "InvalidResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReadResult",
    "TalqueClient",
    "TalqueError",
    "Ticket",
    "TicketPage",
    "TicketPager",
    "TicketResult",
    "__version__",
]

# Each public name and the private module that defines it. The names are imported on first use
# (PEP 562), so that importing a submodule such as the pytest plugin `talque.testing._pytest_plugin`
# does not load the extension and both clients; the `TYPE_CHECKING` imports above give type
# checkers and IDEs the same names.
_SOURCES = {
    "AsyncTalqueClient": "._async_client",
    "AsyncTicketPager": "._async_pager",
    "DEFAULT_BASE_URL": "._client",
    "TalqueClient": "._client",
    "APIConnectionError": "._exceptions",
    "APIStatusError": "._exceptions",
    "APITimeoutError": "._exceptions",
    "AuthenticationError": "._exceptions",
    "BadRequestError": "._exceptions",
    "InternalServerError": "._exceptions",
    "InvalidResponseError": "._exceptions",
    "NotFoundError": "._exceptions",
    "PermissionDeniedError": "._exceptions",
    "RateLimitError": "._exceptions",
    "TalqueError": "._exceptions",
    "ExportResult": "._export",
    "TicketPager": "._pager",
    "ReadResult": "._result",
    "__version__": "._talque",
    "Holder": "._types",
    "Ticket": "._types",
    "TicketPage": "._types",
    "TicketResult": "._types",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use, then keep it in the package."""
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(source, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's attributes, including the public names not imported yet."""
    return sorted(set(globals()) | set(__all__))
