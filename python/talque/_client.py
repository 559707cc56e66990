"""TalqueClient: the synchronous client for the Talque Ticket JSON API."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from ._base import DEFAULT_BASE_URL, ClientBase
from ._export import ExportResult, export_tickets
from ._pager import TicketPager
from ._progress import Progress
from ._result import ReadResult

__all__ = ["DEFAULT_BASE_URL", "TalqueClient"]


class TalqueClient(ClientBase):
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
        max_response_bytes: Largest answer accepted (default 64 MiB); a larger one raises
            :class:`InvalidResponseError` instead of exhausting memory.
        ca_bundle: A PEM file of extra CA certificates to trust, besides the system's
            (which honour ``SSL_CERT_FILE``). TLS certificates are always verified.

    One client is safe to share between threads, and usable in a child after
    ``os.fork()``. Use it as a context manager or call :meth:`close` when done.
    """

    def read(self, org_id: str, provider: str, ticket_ids: Iterable[str]) -> ReadResult:
        """Looks tickets up by their provider-specific ids.

        Ids are deduplicated and sent in batches of at most ``batch_size``, several
        batches at once; the answers are merged. An empty list sends nothing.

        Returns:
            A :class:`ReadResult` mapping every requested id, in request order, to
            ``{"success", "reason", "model"}``.
        """
        org_id, provider, ids = self._read_args(org_id, provider, ticket_ids)
        results = self._core.read(org_id, provider, ids) if ids else {}
        return ReadResult(results, org_id=org_id, provider=provider)

    def list(
        self,
        org_id: str,
        *,
        profile_id: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
        prefetch: bool = True,
    ) -> TicketPager:
        """Lists an organization's tickets lazily; nothing is sent until you iterate.

        Args:
            org_id: The organization.
            profile_id: Only tickets held by this profile.
            limit: The page size sent to the API.
            cursor: Resume a listing from a previous ``pager.cursor``.
            prefetch: Request the next page while you consume the current one (one page
                of look-ahead; its failure surfaces only when you reach that page).
        """
        return self._pager(TicketPager, org_id, profile_id, limit, cursor, prefetch)

    def export(
        self,
        org_id: str,
        output: str | os.PathLike[str],
        *,
        format: str | None = None,
        profile_id: str | None = None,
        limit: int = 100,
        max_items: int | None = None,
        cursor: str | None = None,
        resume: bool = False,
        progress: bool = False,
    ) -> ExportResult:
        """Writes every ticket of a listing to a file: JSON Lines, CSV or Parquet.

        JSON Lines and CSV are written by the Rust core straight from the network (no
        Python object per ticket); Parquet needs ``pip install 'talque[arrow]'``. The file
        is written as ``OUTPUT.partial`` beside a checkpoint ``OUTPUT.partial.json`` and
        renamed to ``output`` only when complete, so a file under that name is never a
        partial export. After a failure, the same call with ``resume=True`` continues
        where the last complete page ended, losing and repeating no ticket.

        Args:
            org_id: The organization.
            output: The file to write.
            format: ``"jsonl"``, ``"csv"`` or ``"parquet"``; by default taken from the
                suffix of ``output`` (``.jsonl``/``.ndjson``, ``.csv``, ``.parquet``),
                else JSON Lines.
            profile_id: Only tickets held by this profile.
            limit: The page size sent to the API.
            max_items: Stop after exactly this many tickets; the result's ``cursor``
                continues. A server that sends more than the ``limit`` asked for has its
                last page cut; ``cursor`` then fetches that page again (repeating the
                tickets of it already written, losing none).
            cursor: Start at this cursor (from a pager or an earlier export).
            resume: Continue the interrupted export into ``output``, if there is one
                (else start a new one).
            progress: Show a progress bar (a widget in notebooks, stderr elsewhere).
        """
        with Progress(progress, total=max_items, desc="export", count_pages=True) as bar:
            return export_tickets(
                self,
                org_id,
                output,
                format=format,
                profile_id=profile_id,
                limit=limit,
                max_items=max_items,
                cursor=cursor,
                resume=resume,
                on_page=bar.update,
            )

    def close(self) -> None:
        """Closes the client's connections. Further calls raise :class:`TalqueError`."""
        self._closed = True
        self._core.close()

    def __enter__(self) -> TalqueClient:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
