"""talque: the fast, trustworthy Python client for the Talque Ticket JSON API.

>>> import talque
>>> with talque.TalqueClient() as client:          # credentials from TALQUE_CLIENT_ID/TALQUE_SECRET
...     for ticket in client.list("orgId"):
...         ...
"""

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
