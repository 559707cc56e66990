"""AsyncTicketPager: the asyncio twin of :class:`talque.TicketPager`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from ._pager import PagerBase
from ._types import Ticket, TicketPage

__all__ = ["AsyncTicketPager"]


class AsyncTicketPager(PagerBase):
    """Iterates (``async for``) over every ticket of a listing, fetching pages as needed.

    ``async for ticket in pager`` yields ticket dicts across all pages; ``async for page in
    pager.pages()`` yields the page dicts (use one or the other on a pager). :attr:`cursor`
    is where to resume, with the same guarantees as :attr:`talque.TicketPager.cursor`: after
    an exception (or a cancellation) escapes the iteration,
    ``client.list(org_id, cursor=pager.cursor)`` loses and repeats nothing.
    """

    async def pages(self) -> AsyncIterator[TicketPage]:
        """Yields each remaining page, ``{"orgId", "tickets", "cursor", "more"}``."""
        while True:
            page = await self._next_page()
            if page is None:
                return
            yield page

    async def _next_page(self) -> TicketPage | None:
        try:
            page: TicketPage | None = await self._core.next_page_async()
        except asyncio.CancelledError:
            # The Rust side drops the request a moment later, on its own thread; release the
            # pager now so the next fetch need not wait. Nothing advanced: resume is exact.
            self._core.abandon_fetch()
            raise
        return page

    def __aiter__(self) -> AsyncIterator[Ticket]:
        return self._tickets()

    async def _tickets(self) -> AsyncIterator[Ticket]:
        while True:
            if self._head is None:
                start = self._core.cursor
                page = await self._next_page()
                if page is None:
                    return
                if not page["tickets"]:
                    continue
                self._hold(start, page["tickets"])
            # `or ()` only narrows the type for mypy: _head is set here.
            for ticket in self._head or ():
                yield ticket
            yield self._release()
