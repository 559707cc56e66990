"""TicketPager: a lazy, resumable listing of an organization's tickets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import _html
from ._frames import TableBuilder
from ._talque import TicketTable
from ._types import Ticket, TicketPage

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    import polars as pl
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

__all__ = ["PagerBase", "TicketPager", "holder_name"]


def holder_name(ticket: Ticket | None) -> str:
    """The holder's first and last name, for previews; empty when there is none."""
    holder: Any = ticket.get("holder") if isinstance(ticket, dict) else None
    if not isinstance(holder, dict):
        return ""
    names = (holder.get("firstName"), holder.get("lastName"))
    return " ".join(name for name in names if isinstance(name, str) and name)


class PagerBase:
    """What the sync and async pagers share: the core pager, which holds all the state
    (resume cursor, page in progress, counts for the notebook view)."""

    def __init__(
        self,
        core: Any,
        *,
        org_id: str,
        profile_id: str | None,
        limit: int,
        max_items: int | None = None,
    ) -> None:
        self._core = core
        self.org_id = org_id
        self.profile_id = profile_id
        self.limit = limit
        self.max_items = max_items

    @property
    def cursor(self) -> str | None:
        """The cursor to pass to ``client.list(..., cursor=...)`` to resume this listing."""
        cursor: str | None = self._core.cursor
        return cursor

    @property
    def finished(self) -> bool:
        """True once the last page has been fetched (not when ``max_items`` stopped early)."""
        return bool(self._core.finished)

    def _builder(self, target: str, progress: object) -> TableBuilder:
        # Imports the optional packages now, so a missing one fails before any fetch.
        return TableBuilder(target, progress=progress, total=None, desc=self.org_id)

    def _fields(self) -> list[tuple[str, object]]:
        return [
            ("org_id", self.org_id),
            ("profile_id", self.profile_id),
            ("limit", self.limit),
            ("max_items", self.max_items),
            ("cursor", self.cursor),
            ("finished", self.finished),
            ("tickets fetched", self._core.tickets_fetched),
            ("pages fetched", self._core.pages_fetched),
        ]

    def _repr_html_(self) -> str:
        """Jupyter's view of the pager: its state, the counts of tickets and pages fetched
        so far and the first tickets, from memory only (displaying never sends a request)."""
        rows = [
            (t.get("ticketId"), t.get("provider"), t.get("category"), holder_name(t))
            for t in self._core.preview
        ]
        return _html.summary(
            type(self).__name__,
            self._fields(),
            header=("ticket id", "provider", "category", "holder"),
            rows=rows,
            more=self._core.tickets_fetched - len(rows),
        )

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
        """Yields each remaining page as it is fetched.

        Returns:
            An iterator of page dicts, ``{"orgId", "tickets", "cursor", "more"}``, exactly
            as the server sent them.

        Raises:
            APIStatusError: An error status (401, 403, 404, 400, or 429/5xx after retries).
            APIConnectionError: The server could not be reached (``APITimeoutError`` for a
                timeout), after retries.
            InvalidResponseError: A malformed page, or broken pagination (a repeated
                cursor, ``more`` without a cursor).

            After any of them :attr:`cursor` still fetches the failed page.

        Example:
            >>> for page in client.list("yourOrgId00000000001", limit=500).pages():
            ...     print(len(page["tickets"]), "tickets; more:", page["more"])
        """
        while (page := self._core.next_page()) is not None:
            yield page

    def __iter__(self) -> Iterator[Ticket]:
        # The core pager is itself the iterator: it holds the page in progress and fetches
        # the next one (without the GIL) when that is used up.
        iterator: Iterator[Ticket] = self._core
        return iterator

    def to_arrow(self, *, progress: bool = False) -> pa.Table:
        """The remaining tickets as a ``pyarrow.Table`` with talque's fixed ticket schema.

        Consumes the pager (from where iteration stopped); the Rust core converts each page
        to an Arrow record batch as it arrives, without the GIL. ``holder`` and
        ``purchaser`` are structs, timestamps ``timestamp[ms, UTC]``, ``extData`` compact
        JSON text; fields the schema does not know are dropped. An empty listing gives an
        empty table with every column.

        Args:
            progress: Show a tqdm bar counting tickets (a widget in Jupyter with ipywidgets,
                one line of text updated in place without it, stderr elsewhere).

        Returns:
            A ``pyarrow.Table``, one row per ticket, in listing order.

        Raises:
            TypeError: ``progress`` is not a bool.
            ImportError: pyarrow is missing (``pip install 'talque[arrow]'``); raised
                before anything is fetched.
            InvalidResponseError: A field has the wrong type (names the ticket and field).
            TalqueError: A page failed (as for :meth:`pages`). The tickets converted so far
                are not returned; :attr:`cursor` points at the failed page.

        Example:
            >>> table = client.list("yourOrgId00000000001", limit=1000).to_arrow()
            >>> table.num_rows, table.schema.field("ctime").type
        """
        result: pa.Table = self._table("arrow", progress)
        return result

    def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """The remaining tickets as a pandas DataFrame (needs ``talque[pandas]``).

        Like :meth:`to_arrow`, with ``holder`` and ``purchaser`` flattened into
        ``holder.email``, ``holder.firstName``, ... columns (the CSV export's names) and
        timestamps as ``datetime64[ms, UTC]`` and ``checkIns`` a list column of UTC timestamps.

        Args:
            progress: Show a tqdm bar counting tickets (a widget in Jupyter with ipywidgets,
                one line of text updated in place without it, stderr elsewhere).

        Returns:
            A ``pandas.DataFrame``, one row per ticket, every column of the schema.

        Raises:
            TypeError: ``progress`` is not a bool.
            ImportError: pandas or pyarrow is missing (``pip install 'talque[pandas]'``); raised
                before anything is fetched.
            InvalidResponseError: A field has the wrong type (names the ticket and field).
            TalqueError: A page failed (as for :meth:`pages`). The tickets converted so far
                are not returned; :attr:`cursor` points at the failed page.

        Example:
            >>> frame = client.list("yourOrgId00000000001").to_pandas(progress=True)
            >>> frame[["ticketId", "holder.email", "ctime"]].head()
        """
        return self._table("pandas", progress)

    def to_polars(self, *, progress: bool = False) -> pl.DataFrame:
        """The remaining tickets as a polars DataFrame (needs ``talque[polars]``, not pyarrow).

        Like :meth:`to_arrow`: ``holder`` and ``purchaser`` stay structs, timestamps are
        ``Datetime("ms", "UTC")``.

        Args:
            progress: Show a tqdm bar counting tickets (a widget in Jupyter with ipywidgets,
                one line of text updated in place without it, stderr elsewhere).

        Returns:
            A ``polars.DataFrame``, one row per ticket, every column of the schema.

        Raises:
            TypeError: ``progress`` is not a bool.
            ImportError: polars or pyarrow is missing (``pip install 'talque[polars]'``); raised
                before anything is fetched.
            InvalidResponseError: A field has the wrong type (names the ticket and field).
            TalqueError: A page failed (as for :meth:`pages`). The tickets converted so far
                are not returned; :attr:`cursor` points at the failed page.

        Example:
            >>> people = client.list("yourOrgId00000000001").to_polars()
            >>> people.select(pl.col("holder").struct.field("email"))
        """
        frame: pl.DataFrame = self._table("polars", progress)
        return frame

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        """The Arrow PyCapsule interface: the remaining tickets as a stream of record batches.

        ``pyarrow.table(pager)``, ``polars.DataFrame(pager)`` and DuckDB read the pager
        directly. Like :meth:`to_arrow`, it consumes the pager, fetching every page first;
        the pager keeps those tickets, so a later call streams the same ones again (DuckDB
        reads a stream more than once: for the schema, then for the rows).
        """
        streamed: TicketTable | None = getattr(self, "_streamed", None)
        if streamed is None:
            builder = TableBuilder("stream", progress=False, total=None, desc="")
            self._collect(builder)
            streamed = self._streamed = builder.table
        return streamed.__arrow_c_stream__()

    def _table(self, target: str, progress: object) -> Any:
        with self._builder(target, progress) as builder:
            self._collect(builder)
        return builder.result()

    def _collect(self, builder: TableBuilder) -> Any:
        """Adds the remaining tickets to ``builder``; returns the table's stream capsule."""
        if (rest := self._core.take_rest()) is not None:
            builder.add(rest)
        while (count := self._core.add_next_batch(builder.table)) is not None:
            builder.added(count)
        return builder.table.__arrow_c_stream__()
