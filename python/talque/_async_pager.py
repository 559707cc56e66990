"""AsyncTicketPager: the asyncio twin of :class:`talque.TicketPager`."""

from __future__ import annotations

from typing import Any, AsyncIterator, Optional

from ._types import Ticket, TicketPage

__all__ = ["AsyncTicketPager"]

_UNSET: Any = object()


class AsyncTicketPager:
    """Iterates (``async for``) over every ticket of a listing, fetching pages as needed.

    ``async for ticket in pager`` yields ticket dicts across all pages; ``async for page in
    pager.pages()`` yields the page dicts (use one or the other on a pager). :attr:`cursor`
    is where to resume, with the same guarantees as :attr:`talque.TicketPager.cursor`: after
    an exception (or a cancellation) escapes the iteration,
    ``client.list(org_id, cursor=pager.cursor)`` loses and repeats nothing.
    """

    def __init__(self, core: Any, *, org_id: str, profile_id: Optional[str], limit: int) -> None:
        self._core = core
        self._resume: Optional[str] = _UNSET
        self._head: Optional[Any] = None
        self._last: Any = None
        self.org_id = org_id
        self.profile_id = profile_id
        self.limit = limit

    @property
    def cursor(self) -> Optional[str]:
        """The cursor to pass to ``client.list(..., cursor=...)`` to resume this listing."""
        if self._resume is not _UNSET:
            return self._resume
        return self._core.cursor

    @property
    def finished(self) -> bool:
        """True once the last page has been fetched."""
        return bool(self._core.finished)

    async def pages(self) -> AsyncIterator[TicketPage]:
        """Yields each remaining page, ``{"orgId", "tickets", "cursor", "more"}``."""
        while True:
            page = await self._core.next_page_async()
            if page is None:
                return
            yield page

    def __aiter__(self) -> AsyncIterator[Ticket]:
        return self._tickets()

    async def _tickets(self) -> AsyncIterator[Ticket]:
        while True:
            if self._head is None:
                start = self._core.cursor
                page = await self._core.next_page_async()
                if page is None:
                    return
                tickets = page["tickets"]
                if not tickets:
                    continue
                # Until the page's last ticket has been handed out, resuming refetches it.
                self._resume = start
                self._head = iter(tickets[:-1])
                self._last = tickets[-1]
            for ticket in self._head:
                yield ticket
            last = self._last
            self._head = self._last = None
            self._resume = _UNSET
            yield last

    def __repr__(self) -> str:
        return (
            f"AsyncTicketPager(org_id={self.org_id!r}, profile_id={self.profile_id!r}, "
            f"limit={self.limit}, cursor={self.cursor!r}, finished={self.finished})"
        )
