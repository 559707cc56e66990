"""AsyncTicketPager: the asyncio twin of :class:`talque.TicketPager`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import TYPE_CHECKING, Any, TypeVar

from ._pager import PagerBase
from ._types import Ticket, TicketPage

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    import polars as pl
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

__all__ = ["AsyncTicketPager", "awaited"]

_T = TypeVar("_T")


async def awaited(core: Any, fetch: Awaitable[_T]) -> _T:
    """Awaits a fetch of the core pager ``core``; a cancelled one ends at once."""
    try:
        return await fetch
    except asyncio.CancelledError:
        # The Rust side drops the request a moment later, on its own thread; release the
        # pager now so the next fetch need not wait. Nothing advanced: resume is exact.
        core.abandon_fetch()
        raise


class AsyncTicketPager(PagerBase):
    """Iterates (``async for``) over every ticket of a listing, fetching pages as needed.

    ``async for ticket in pager`` yields ticket dicts across all pages; ``async for page in
    pager.pages()`` yields the page dicts (use one or the other on a pager). :attr:`cursor`
    is where to resume, with the same guarantees as :attr:`talque.TicketPager.cursor`: after
    an exception (or a cancellation) escapes the iteration,
    ``client.list(org_id, cursor=pager.cursor)`` loses and repeats nothing.

    ``await pager.to_arrow()``, ``to_pandas()`` and ``to_polars()`` collect the remaining
    tickets into one table, as on :class:`talque.TicketPager`.
    """

    async def pages(self) -> AsyncIterator[TicketPage]:
        """Yields each remaining page as it is fetched (``async for``).

        Returns:
            An async iterator of page dicts, ``{"orgId", "tickets", "cursor", "more"}``.

        Raises:
            APIStatusError, APIConnectionError, InvalidResponseError: as
            :meth:`talque.TicketPager.pages` lists them; :attr:`cursor` still fetches the
            failed page.

        Example:
            >>> async for page in client.list("yourOrgId00000000001").pages():
            ...     print(len(page["tickets"]))
        """
        while True:
            page = await self._next_page()
            if page is None:
                return
            yield page

    async def _next_page(self) -> TicketPage | None:
        page: TicketPage | None = await self._fetch(self._core.next_page_async())
        return page

    async def _fetch(self, fetch: Awaitable[_T]) -> _T:
        return await awaited(self._core, fetch)

    def __aiter__(self) -> AsyncIterator[Ticket]:
        return self._tickets()

    async def _tickets(self) -> AsyncIterator[Ticket]:
        # The core holds the page in progress; a page is awaited only when it is used up.
        core = self._core
        while True:
            ticket: Ticket | None = core.next_held()
            if ticket is None:
                if not await self._fetch(core.fill_async()):
                    return
                continue
            yield ticket

    async def to_arrow(self, *, progress: bool = False) -> pa.Table:
        """The remaining tickets as a ``pyarrow.Table``: see :meth:`talque.TicketPager.to_arrow`.

        The Rust core converts each page to an Arrow record batch as it arrives.

        Args:
            progress: Show a tqdm bar counting tickets.

        Returns:
            A ``pyarrow.Table``, one row per ticket, in listing order.

        Raises:
            TypeError, ImportError, InvalidResponseError, TalqueError: as
            :meth:`talque.TicketPager.to_arrow` lists them.

        Example:
            >>> table = await client.list("yourOrgId00000000001").to_arrow()
        """
        result: pa.Table = await self._table("arrow", progress)
        return result

    async def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """The remaining tickets as a pandas DataFrame: see :meth:`talque.TicketPager.to_pandas`.

        The Rust core converts each page to an Arrow record batch as it arrives.

        Args:
            progress: Show a tqdm bar counting tickets.

        Returns:
            A pandas DataFrame, one row per ticket, in listing order.

        Raises:
            TypeError, ImportError, InvalidResponseError, TalqueError: as
            :meth:`talque.TicketPager.to_pandas` lists them.

        Example:
            >>> frame = await client.list("yourOrgId00000000001").to_pandas()
        """
        result: pd.DataFrame = await self._table("pandas", progress)
        return result

    async def to_polars(self, *, progress: bool = False) -> pl.DataFrame:
        """The remaining tickets as a polars DataFrame: see :meth:`talque.TicketPager.to_polars`.

        The Rust core converts each page to an Arrow record batch as it arrives.

        Args:
            progress: Show a tqdm bar counting tickets.

        Returns:
            A polars DataFrame, one row per ticket, in listing order.

        Raises:
            TypeError, ImportError, InvalidResponseError, TalqueError: as
            :meth:`talque.TicketPager.to_polars` lists them.

        Example:
            >>> people = await client.list("yourOrgId00000000001").to_polars()
        """
        frame: pl.DataFrame = await self._table("polars", progress)
        return frame

    async def _table(self, target: str, progress: object) -> Any:
        with self._builder(target, progress) as builder:
            if (rest := self._core.take_rest()) is not None:
                builder.add(rest)
            while (
                count := await self._fetch(self._core.add_next_batch_async(builder.table))
            ) is not None:
                builder.added(count)
        return builder.result()
