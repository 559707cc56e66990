"""TicketPager: a lazy, resumable listing of an organization's tickets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import _html
from ._frames import TableBuilder
from ._types import Ticket, TicketPage

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    import polars as pl
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

__all__ = ["PagerBase", "TicketPager"]

_UNSET: Any = object()


class PagerBase:
    """What the sync and async pagers share: the resume cursor and the current page."""

    def __init__(self, core: Any, *, org_id: str, profile_id: str | None, limit: int) -> None:
        self._core = core
        # While a page is partly handed out, the cursor that fetches it again; else _UNSET.
        self._resume: str | None = _UNSET
        self._head: Iterator[Ticket] | None = None
        self._last: Any = None
        self.org_id = org_id
        self.profile_id = profile_id
        self.limit = limit

    @property
    def cursor(self) -> str | None:
        """The cursor to pass to ``client.list(..., cursor=...)`` to resume this listing."""
        if self._resume is not _UNSET:
            return self._resume
        cursor: str | None = self._core.cursor
        return cursor

    @property
    def finished(self) -> bool:
        """True once the last page has been fetched."""
        return bool(self._core.finished)

    def _hold(self, start: str | None, tickets: list[Ticket]) -> None:
        """Takes a fetched page; until its last ticket is handed out, resuming refetches it."""
        self._resume = start
        self._head = iter(tickets[:-1])
        self._last = tickets[-1]

    def _release(self) -> Ticket:
        """Ends the current page and returns its last ticket, to be handed out next.

        A consumer that stops inside a page leaves ``_head`` positioned after what it
        received, so iterating the pager again continues with the next ticket.
        """
        last: Ticket = self._last
        self._head = self._last = None
        self._resume = _UNSET
        return last

    def _rest(self) -> list[Ticket]:
        """The tickets of the current page not yet handed out, ending that page."""
        rest = list(self._head or ())
        rest.append(self._release())
        return rest

    def _builder(self, target: str, progress: object) -> TableBuilder:
        # Imports the optional packages now, so a missing one fails before any fetch.
        return TableBuilder(target, progress=progress, total=None, desc=self.org_id)

    def _fields(self) -> list[tuple[str, object]]:
        return [
            ("org_id", self.org_id),
            ("profile_id", self.profile_id),
            ("limit", self.limit),
            ("cursor", self.cursor),
            ("finished", self.finished),
        ]

    def _repr_html_(self) -> str:
        """Jupyter's view of the pager: its state only, without touching the network."""
        return _html.summary(type(self).__name__, self._fields())

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(org_id={self.org_id!r}, profile_id={self.profile_id!r}, "
            f"limit={self.limit}, cursor={self.cursor!r}, finished={self.finished})"
        )


class TicketPager(PagerBase):
    """Iterates over every ticket of a listing, fetching pages only as they are needed.

    ``for ticket in pager`` yields ticket dicts across all pages; :meth:`pages` yields the
    page dicts (use one or the other on a pager). Iteration continues where it stopped, so a
    pager is consumed once.

    :attr:`cursor` is where to resume: after an exception escapes the iteration,
    ``client.list(org_id, cursor=pager.cursor)`` continues with no ticket lost or repeated.
    If you stop in the middle of a page, ``cursor`` still points at that page, so resuming
    repeats its tickets rather than losing them.

    :meth:`to_arrow`, :meth:`to_pandas` and :meth:`to_polars` collect the remaining tickets
    into one table (see the README's "DataFrames and notebooks").
    """

    def pages(self) -> Iterator[TicketPage]:
        """Yields each remaining page, ``{"orgId", "tickets", "cursor", "more"}``."""
        while True:
            page = self._core.next_page()
            if page is None:
                return
            yield page

    def __iter__(self) -> Iterator[Ticket]:
        while True:
            if self._head is None:
                start = self._core.cursor
                page = self._core.next_page()
                if page is None:
                    return
                if not page["tickets"]:
                    continue
                self._hold(start, page["tickets"])
            # `or ()` only narrows the type for mypy: _head is set here.
            yield from self._head or ()
            yield self._release()

    def to_arrow(self, *, progress: bool = False) -> pa.Table:
        """The remaining tickets as a ``pyarrow.Table`` with talque's fixed ticket schema.

        Consumes the pager (from where iteration stopped); the Rust core converts each page
        to an Arrow record batch as it arrives, without the GIL. ``holder`` and
        ``purchaser`` are structs, timestamps ``timestamp[ms, UTC]``, ``extData`` compact
        JSON text; fields the schema does not know are dropped. An empty listing gives an
        empty table with every column.

        Args:
            progress: Show a ``tqdm.auto`` bar counting tickets (needs ``talque[progress]``).

        Raises:
            ImportError: pyarrow is missing (``pip install 'talque[arrow]'``); raised
                before anything is fetched.
            TalqueError: a page failed. The tickets converted so far are not returned;
                :attr:`cursor` points at the failed page.
        """
        result: pa.Table = self._table("arrow", progress)
        return result

    def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """The remaining tickets as a pandas DataFrame (needs ``talque[pandas]``).

        Like :meth:`to_arrow`, with ``holder`` and ``purchaser`` flattened into
        ``holder.email``, ``holder.firstName``, ... columns, timestamps as
        ``datetime64[ms, UTC]`` and ``checkIns`` a list column of UTC timestamps.
        """
        return self._table("pandas", progress)

    def to_polars(self, *, progress: bool = False) -> pl.DataFrame:
        """The remaining tickets as a polars DataFrame (needs ``talque[polars]``, not pyarrow).

        Like :meth:`to_arrow`: ``holder`` and ``purchaser`` stay structs.
        """
        frame: pl.DataFrame = self._table("polars", progress)
        return frame

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        """The Arrow PyCapsule interface: the remaining tickets as a stream of record batches.

        ``pyarrow.table(pager)``, ``polars.DataFrame(pager)`` and DuckDB read the pager
        directly. Like :meth:`to_arrow`, it consumes the pager, fetching every page first.
        """
        return self._collect(TableBuilder("stream", progress=False, total=None, desc=""))

    def _table(self, target: str, progress: object) -> Any:
        with self._builder(target, progress) as builder:
            self._collect(builder)
        return builder.result()

    def _collect(self, builder: TableBuilder) -> Any:
        """Adds the remaining tickets to ``builder``; returns the table's stream capsule."""
        if self._head is not None:
            builder.add(self._rest())
        while (count := self._core.add_next_batch(builder.table)) is not None:
            builder.added(count)
        return builder.table.__arrow_c_stream__()
