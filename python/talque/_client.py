"""TalqueClient: the synchronous client for the Talque Ticket JSON API."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from ._base import DEFAULT_BASE_URL, ClientBase
from ._export import ExportResult
from ._pager import TicketPager
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
        compression: Ask for compressed answers (gzip, brotli, zstd, deflate; default on),
            decoded off the GIL. ``max_response_bytes`` bounds the decoded size, so a
            decompression bomb raises :class:`InvalidResponseError`. Off, no
            ``Accept-Encoding`` is sent.

    One client is safe to share between threads, and usable in a child after
    ``os.fork()``. Use it as a context manager or call :meth:`close` when done.
    """

    def read(self, org_id: str, provider: str, ticket_ids: Iterable[str]) -> ReadResult:
        """Looks tickets up by their provider-specific ids.

        Ids are deduplicated and sent in batches of at most ``batch_size``, up to
        ``max_concurrency`` batches at once; the answers are merged. An empty list sends
        nothing. The call releases the GIL while waiting, and Ctrl-C aborts it.

        Args:
            org_id: The organization's Talque id (case-sensitive, usually 20 characters).
            provider: The ticket provider the ids belong to, such as ``"pretix"``; passed
                through as given.
            ticket_ids: The provider-specific ticket ids: a list, tuple or other iterable of
                non-empty strings (not one string). Repeated ids are sent once.

        Returns:
            A :class:`ReadResult`: a ``dict`` mapping exactly the requested ids (deduplicated,
            in request order) to ``{"success", "reason", "model"}``. An id the server left
            out has ``success`` False and ``reason`` ``"MISSING_FROM_RESPONSE"``; ids the
            server added unasked are dropped (named on a DEBUG log line).

        Raises:
            TypeError: ``ticket_ids`` is a string or holds a non-string; ``org_id`` or
                ``provider`` is not a string. Raised before anything is sent.
            ValueError: An empty id or one with control characters; raised before sending.
            AuthenticationError: 401, the credentials were refused.
            PermissionDeniedError: 403, these credentials may not read the organization.
            NotFoundError: 404, no such organization.
            APIStatusError: Any other error status, after retries for 408, 429 and 5xx.
            APIConnectionError: The server could not be reached (``APITimeoutError`` for a
                timeout), after retries.
            InvalidResponseError: A 2xx answer that is not the documented shape.
            TalqueError: The client is closed.

        Example:
            >>> with talque.TalqueClient() as client:
            ...     result = client.read("yourOrgId00000000001", "pretix", ["T-1001", "T-1002"])
            ...     for ticket_id, answer in result.found.items():
            ...         print(ticket_id, answer["model"]["holder"].get("email"))
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
        max_items: int | None = None,
    ) -> TicketPager:
        """Lists an organization's tickets lazily; nothing is sent until you iterate.

        Args:
            org_id: The organization's Talque id (case-sensitive, usually 20 characters).
            profile_id: Only tickets held by this profile.
            limit: Tickets per page (at least 1; default 100, the API's own default). The API
                does not document its maximum: a page size it refuses raises
                :class:`BadRequestError` on the first page (the fake server accepts 1 to
                1000). A server may also send more or fewer than asked.
            cursor: Resume a listing from an earlier ``pager.cursor`` (or an export's).
            prefetch: Request the next page while you consume the current one (one page of
                look-ahead; its failure surfaces only when you reach that page).
            max_items: Stop after this many tickets ("the first 500"): requests ask for no
                more than are still wanted, and ``pager.cursor`` then continues the listing
                (``pager.finished`` stays False unless the listing ended too). A page a
                server sends longer than asked is cut; ``cursor`` then fetches that page
                again (repeating the tickets of it already delivered, losing none).

        Returns:
            A :class:`TicketPager`: iterate it for ticket dicts (exactly as the server sent
            them), or call ``pages()`` for the page dicts, or ``to_arrow()``,
            ``to_pandas()``, ``to_polars()`` for a table. ``pager.cursor`` is where to resume.

        Raises:
            TypeError: An argument of the wrong type, before anything is sent.
            ValueError: ``limit`` below 1, ``max_items`` below 0, an empty ``org_id`` or
                ``cursor``; before sending.
            TalqueError: The client is closed.

            Iterating the pager raises what a request can: :class:`AuthenticationError`
            (401), :class:`PermissionDeniedError` (403), :class:`NotFoundError` (404),
            :class:`BadRequestError` (400, such as a refused ``limit``), another
            :class:`APIStatusError` after retries, :class:`APIConnectionError` or
            :class:`APITimeoutError` after retries, and :class:`InvalidResponseError` for a
            malformed page or broken pagination (a repeated cursor). ``pager.cursor`` then
            still fetches the failed page.

        Example:
            >>> with talque.TalqueClient() as client:
            ...     pager = client.list("yourOrgId00000000001", limit=500)
            ...     emails = [ticket["holder"].get("email") for ticket in pager]
            ...     frame = client.list("yourOrgId00000000001").to_pandas()
        """
        return self._pager(TicketPager, org_id, profile_id, limit, cursor, prefetch, max_items)

    def export(
        self,
        org_id: str,
        output: str | os.PathLike[str] | int,
        *,
        format: str | None = None,
        profile_id: str | None = None,
        limit: int = 100,
        max_items: int | None = None,
        cursor: str | None = None,
        resume: bool = False,
        progress: bool = False,
        on_page: Callable[[ExportResult], None] | None = None,
    ) -> ExportResult:
        """Writes every ticket of a listing to a file: JSON Lines, CSV or Parquet.

        All three formats are written by the Rust core straight from the network (no
        Python object per ticket, no pyarrow needed). The file is written as
        ``OUTPUT.partial`` beside a checkpoint ``OUTPUT.partial.json`` and renamed to
        ``output`` only when complete, so a file under that name is never a partial
        export. After a failure, the same call with ``resume=True`` continues where the
        last complete page ended, losing and repeating no ticket. A failure before the
        first page leaves no partial file.

        Args:
            org_id: The organization.
            output: The file to write, or an open file descriptor (such as
                ``sys.stdout.fileno()``) for JSON Lines or CSV, written as it comes with no
                partial file, checkpoint or resume.
            format: ``"jsonl"``, ``"csv"`` or ``"parquet"``; by default taken from the
                suffix of ``output`` (``.jsonl``/``.ndjson``, ``.csv``, ``.parquet``),
                else JSON Lines.
            profile_id: Only tickets held by this profile.
            limit: Tickets per request (see :meth:`list` for what the API accepts).
            max_items: Stop after exactly this many tickets (a resumed run's included); the
                result's ``cursor`` continues. A server that sends more than the ``limit``
                asked for has its last page cut; ``cursor`` then fetches that page again
                (repeating the tickets of it already written, losing none).
            cursor: Start at this cursor (from a pager or an earlier export).
            resume: Continue the interrupted export into ``output``, if there is one
                (else start a new one).
            progress: Show a progress bar (a widget in notebooks, stderr elsewhere).
            on_page: Called with an :class:`ExportResult` of the output so far: once when
                the export starts (a resumed run's pages counted) and after each page that
                reached the output and its checkpoint; its ``cursor`` is where the listing
                continues, ``fetched`` what this run added. An exception it raises ends the
                export as a failed page would (resumable).

        Returns:
            An :class:`ExportResult`: the output path, format, tickets and pages in the file
            (a resumed run's earlier ones included), the ``cursor`` to continue from when
            ``max_items`` stopped early (else None), whether it ``resumed`` and how many
            tickets this run ``fetched``.

        Raises:
            TypeError: An argument of the wrong type, before anything is sent.
            ValueError: An unknown ``format``, ``cursor`` together with ``resume``, Parquet or
                ``resume`` to a file descriptor, or a checkpoint made with other arguments;
                before anything is sent.
            OSError: The file could not be written; the partial output is kept.
            TalqueError: A request failed (:class:`APIStatusError`,
                :class:`APIConnectionError`, :class:`InvalidResponseError`, as for
                :meth:`list`) or the client is closed; resume with ``resume=True``.

        Example:
            >>> with talque.TalqueClient() as client:
            ...     result = client.export("yourOrgId00000000001", "tickets.csv")
            ...     print(result.tickets, "tickets in", result.output)
        """
        with self._export_run(
            org_id,
            output,
            format=format,
            profile_id=profile_id,
            limit=limit,
            max_items=max_items,
            cursor=cursor,
            resume=resume,
            progress=progress,
            on_page=on_page,
        ) as run:
            while run.pending:
                run.record(run.step())
        return run.result()

    def close(self) -> None:
        """Closes the client's connections. Further calls raise :class:`TalqueError`.

        Closing twice is harmless; ``with TalqueClient() as client:`` closes on exit.

        Returns:
            None.

        Raises:
            Nothing: closing never fails.

        Example:
            >>> client = talque.TalqueClient()
            >>> client.close()
        """
        self._closed = True
        self._core.close()

    def __enter__(self) -> TalqueClient:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
