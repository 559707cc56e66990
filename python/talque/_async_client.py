"""AsyncTalqueClient: the asyncio client, on the same Rust core as TalqueClient."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from ._async_pager import AsyncTicketPager, awaited
from ._base import ClientBase
from ._export import ExportResult
from ._result import ReadResult

__all__ = ["AsyncTalqueClient"]


class AsyncTalqueClient(ClientBase):
    """An asyncio client for the Talque Ticket JSON API.

    Takes the same arguments as :class:`talque.TalqueClient` and behaves the same way:
    same retries, timeouts, errors, argument checks and pagination guarantees. Requests
    run on talque's Rust runtime, not on the event loop, so one client works in Jupyter's
    running loop and across several ``asyncio.run()`` calls. Cancelling a call (for
    example with ``asyncio.wait_for``) aborts its HTTP request; the client stays usable.

    ::

        async with talque.AsyncTalqueClient() as client:
            result = await client.read(org_id, "pretix", ["T-1", "T-2"])
            async for ticket in client.list(org_id):
                ...
    """

    async def read(self, org_id: str, provider: str, ticket_ids: Iterable[str]) -> ReadResult:
        """Looks tickets up by their provider-specific ids (batches run concurrently).

        Behaves as :meth:`talque.TalqueClient.read`; the requests run on talque's runtime,
        not the event loop, and cancelling the awaiting task aborts them.

        Args:
            org_id: The organization's Talque id.
            provider: The ticket provider the ids belong to, such as ``"pretix"``.
            ticket_ids: The provider-specific ticket ids (an iterable of strings, not one).

        Returns:
            A :class:`ReadResult` mapping exactly the requested ids, in request order, to
            ``{"success", "reason", "model"}``.

        Raises:
            TypeError, ValueError, APIStatusError, APIConnectionError, InvalidResponseError,
            TalqueError: as :meth:`talque.TalqueClient.read` lists them.

        Example:
            >>> async with talque.AsyncTalqueClient() as client:
            ...     result = await client.read("yourOrgId00000000001", "pretix", ["T-1001"])
        """
        org_id, provider, ids = self._read_args(org_id, provider, ticket_ids)
        results = await self._core.read_async(org_id, provider, ids) if ids else {}
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
    ) -> AsyncTicketPager:
        """Lists an organization's tickets lazily: ``async for ticket in client.list(org)``.

        Args:
            org_id: The organization's Talque id.
            profile_id: Only tickets held by this profile.
            limit: Tickets per page (at least 1, default 100; see
                :meth:`talque.TalqueClient.list` for what the API accepts).
            cursor: Resume a listing from an earlier ``pager.cursor``.
            prefetch: Request the next page while you consume the current one.
            max_items: Stop after this many tickets; ``pager.cursor`` then continues (see
                :meth:`talque.TalqueClient.list`).

        Returns:
            An :class:`AsyncTicketPager`: ``async for`` yields ticket dicts, ``pages()``
            the page dicts, and ``await pager.to_pandas()`` (or ``to_arrow``,
            ``to_polars``) a table. ``pager.cursor`` is where to resume.

        Raises:
            TypeError, ValueError, TalqueError: as :meth:`talque.TalqueClient.list` lists
            them, before anything is sent; iterating raises what a request can, as there.

        Example:
            >>> async with talque.AsyncTalqueClient() as client:
            ...     async for ticket in client.list("yourOrgId00000000001", limit=500):
            ...         print(ticket["ticketId"])
        """
        return self._pager(AsyncTicketPager, org_id, profile_id, limit, cursor, prefetch, max_items)

    async def export(
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
        """Writes every ticket of a listing to a file: see :meth:`talque.TalqueClient.export`.

        Same arguments, files and guarantees; the pages are fetched and written on talque's
        runtime, not the event loop. Cancelling the awaiting task aborts the page in flight
        and leaves the checkpoint of the last complete page, so ``resume=True`` continues.

        Args:
            org_id: The organization.
            output: The file to write, or a file descriptor for JSON Lines or CSV.
            format: ``"jsonl"``, ``"csv"`` or ``"parquet"``; by default from the suffix.
            profile_id: Only tickets held by this profile.
            limit: Tickets per request.
            max_items: Stop after exactly this many tickets; the result's ``cursor`` continues.
            cursor: Start at this cursor (from a pager or an earlier export).
            resume: Continue the interrupted export into ``output``, if there is one.
            progress: Show a progress bar.
            on_page: Called with an :class:`ExportResult` of the output so far, when the
                export starts and after each page (see :meth:`talque.TalqueClient.export`).

        Returns:
            An :class:`ExportResult`, as :meth:`talque.TalqueClient.export` returns it.

        Raises:
            TypeError, ValueError, OSError, TalqueError: as
            :meth:`talque.TalqueClient.export` lists them.

        Example:
            >>> async with talque.AsyncTalqueClient() as client:
            ...     result = await client.export("yourOrgId00000000001", "tickets.parquet")
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
                run.record(await awaited(run.core_pager, run.step_async()))
        return run.result()

    async def aclose(self) -> None:
        """Closes the client's connections. Further calls raise :class:`TalqueError`.

        Returns:
            None.

        Raises:
            Nothing: closing never fails.

        Example:
            >>> client = talque.AsyncTalqueClient()
            >>> await client.aclose()
        """
        self.close()

    def close(self) -> None:
        """Closes without awaiting: :meth:`aclose` has nothing to await either.

        Returns:
            None.

        Raises:
            Nothing.

        Example:
            >>> talque.AsyncTalqueClient().close()
        """
        self._closed = True
        self._core.close()

    async def __aenter__(self) -> AsyncTalqueClient:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()
