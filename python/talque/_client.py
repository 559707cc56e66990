"""TalqueClient: the synchronous client for the Talque Ticket JSON API."""

from __future__ import annotations

import os
from typing import Any, Iterable, Optional

from . import _validate
from ._exceptions import TalqueError
from ._pager import TicketPager
from ._result import ReadResult
from ._talque import CoreClient, __version__

__all__ = ["DEFAULT_BASE_URL", "TalqueClient"]

DEFAULT_BASE_URL = "https://event.talque.com"
_ENV_CLIENT_ID = "TALQUE_CLIENT_ID"
_ENV_SECRET = "TALQUE_SECRET"
_ENV_BASE_URL = "TALQUE_BASE_URL"


class TalqueClient:
    """A client for the Talque Ticket JSON API.

    Args:
        client_id: The API client id; defaults to the ``TALQUE_CLIENT_ID`` env var.
        secret: The API secret; defaults to the ``TALQUE_SECRET`` env var. Never shown in
            a repr, an exception or a log line.
        base_url: Defaults to ``TALQUE_BASE_URL``, else ``https://event.talque.com``.
        timeout: Seconds allowed for each attempt: connecting, sending and reading the
            whole answer.
        max_retries: Attempts after the first on connection errors, timeouts, 408, 429
            and 5xx, with exponential backoff and jitter, honouring ``Retry-After``.
        batch_size: Most ticket ids sent in one read request.
        max_concurrency: Most read requests in flight at once.

    One client is safe to share between threads, and usable in a child after
    ``os.fork()``. Use it as a context manager or call :meth:`close` when done.
    """

    def __init__(
        self,
        client_id: Optional[str] = None,
        secret: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        batch_size: int = 100,
        max_concurrency: int = 8,
    ) -> None:
        if client_id is None:
            client_id = os.environ.get(_ENV_CLIENT_ID)
        if secret is None:
            secret = os.environ.get(_ENV_SECRET)
        if not client_id or not secret:
            missing = [name for name, value in ((_ENV_CLIENT_ID, client_id), (_ENV_SECRET, secret)) if not value]
            raise TalqueError(
                "Talque credentials are missing: pass client_id= and secret= or set the "
                f"{_ENV_CLIENT_ID} and {_ENV_SECRET} environment variables "
                f"(missing: {', '.join(missing)})"
            )
        if base_url is None:
            base_url = os.environ.get(_ENV_BASE_URL) or DEFAULT_BASE_URL
        self._client_id = _validate.credential("client_id", client_id)
        _validate.credential("secret", secret)
        self._base_url = _validate.base_url(base_url)
        self._timeout = _validate.seconds("timeout", timeout)
        self._max_retries = _validate.integer("max_retries", max_retries, minimum=0, maximum=100)
        self._batch_size = _validate.integer("batch_size", batch_size, minimum=1, maximum=100_000)
        self._max_concurrency = _validate.integer(
            "max_concurrency", max_concurrency, minimum=1, maximum=1_000
        )
        # The secret lives only inside the Rust core from here on.
        self._core = CoreClient(
            base_url=self._base_url,
            client_id=self._client_id,
            secret=secret,
            timeout=self._timeout,
            max_retries=self._max_retries,
            batch_size=self._batch_size,
            max_concurrency=self._max_concurrency,
            user_agent=f"talque-python/{__version__}",
        )
        self._closed = False

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def client_id(self) -> str:
        return self._client_id

    @property
    def timeout(self) -> float:
        return self._timeout

    @property
    def max_retries(self) -> int:
        return self._max_retries

    @property
    def batch_size(self) -> int:
        return self._batch_size

    def read(self, org_id: str, provider: str, ticket_ids: Iterable[str]) -> ReadResult:
        """Looks tickets up by their provider-specific ids.

        Ids are deduplicated and sent in batches of at most ``batch_size``, several
        batches at once; the answers are merged. An empty list sends nothing.

        Returns:
            A :class:`ReadResult` mapping every requested id, in request order, to
            ``{"success", "reason", "model"}``.
        """
        org_id = _validate.text("org_id", org_id)
        provider = _validate.text("provider", provider)
        ids = _validate.ticket_ids(ticket_ids)
        self._check_open()
        results = self._core.read(org_id, provider, ids) if ids else {}
        return ReadResult(results, org_id=org_id, provider=provider)

    def list(
        self,
        org_id: str,
        *,
        profile_id: Optional[str] = None,
        limit: int = 100,
        cursor: Optional[str] = None,
    ) -> TicketPager:
        """Lists an organization's tickets lazily; nothing is sent until you iterate.

        Args:
            org_id: The organization.
            profile_id: Only tickets held by this profile.
            limit: The page size sent to the API.
            cursor: Resume a listing from a previous ``pager.cursor``.
        """
        org_id = _validate.text("org_id", org_id)
        profile_id = _validate.optional_text("profile_id", profile_id)
        limit = _validate.integer("limit", limit, minimum=1)
        cursor = _validate.optional_text("cursor", cursor)
        self._check_open()
        core = self._core.pager(org_id, profile_id, limit, cursor)
        return TicketPager(core, org_id=org_id, profile_id=profile_id, limit=limit)

    def close(self) -> None:
        """Closes the client's connections. Further calls raise :class:`TalqueError`."""
        self._closed = True
        self._core.close()

    def _check_open(self) -> None:
        if self._closed:
            raise TalqueError("this TalqueClient is closed")

    def __enter__(self) -> "TalqueClient":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"TalqueClient(base_url={self._base_url!r}, client_id={self._client_id!r}, "
            f"timeout={self._timeout}, max_retries={self._max_retries})"
        )

    def __reduce__(self) -> Any:
        # A pickle would have to carry the secret; refuse rather than leak it.
        raise TypeError("TalqueClient cannot be pickled; create a new client in the other process")
