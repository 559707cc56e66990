"""ReadResult: the answer to ``TalqueClient.read``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _html
from ._frames import TableBuilder
from ._pager import holder_name
from ._types import Ticket, TicketResult

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    import polars as pl
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

__all__ = ["ReadResult"]


class ReadResult(dict[str, TicketResult]):
    """A ``dict`` mapping every requested ticket id to its :class:`TicketResult`.

    Keys are the requested ids, deduplicated, in request order. An id the server did not
    answer for is present with ``success`` False and reason ``"MISSING_FROM_RESPONSE"``.

    :meth:`to_arrow`, :meth:`to_pandas` and :meth:`to_polars` give the found tickets as
    a table, with the same schema as :meth:`talque.TicketPager.to_arrow`.

    Attributes:
        org_id: The organization that was read.
        provider: The ticket provider that was read.
    """

    org_id: str
    provider: str

    def __init__(self, results: dict[str, TicketResult], *, org_id: str, provider: str) -> None:
        super().__init__(results)
        self.org_id = org_id
        self.provider = provider

    @property
    def found(self) -> dict[str, TicketResult]:
        """The results whose ``success`` is true."""
        return {key: value for key, value in self.items() if value.get("success")}

    def __repr__(self) -> str:
        found = sum(1 for value in self.values() if value.get("success"))
        return (
            f"ReadResult(org_id={self.org_id!r}, provider={self.provider!r}, "
            f"ids={len(self)}, found={found})"
        )

    def to_arrow(self, *, progress: bool = False) -> pa.Table:
        """The found tickets, in request order, as a ``pyarrow.Table`` (``talque[arrow]``).

        The schema is :meth:`talque.TicketPager.to_arrow`'s; ids that were not found have
        no row. Built from memory: nothing is sent.

        Args:
            progress: Show a tqdm bar counting tickets (total known).

        Returns:
            A ``pyarrow.Table``, one row per found ticket.

        Raises:
            TypeError: ``progress`` is not a bool.
            ImportError: pyarrow is missing (``pip install 'talque[arrow]'``).
            InvalidResponseError: A found ticket has a field of the wrong type (names the
                ticket and field).

        Example:
            >>> result = client.read("yourOrgId00000000001", "pretix", ["T-1001", "T-1002"])
            >>> result.to_arrow().num_rows == len(result.found)
        """
        result: pa.Table = self._table("arrow", progress)
        return result

    def to_pandas(self, *, progress: bool = False) -> pd.DataFrame:
        """The found tickets as a pandas DataFrame, ``holder``/``purchaser`` flattened.

        Columns and types as :meth:`talque.TicketPager.to_pandas`; built from memory.

        Args:
            progress: Show a tqdm bar counting tickets (total known).

        Returns:
            A ``pandas.DataFrame``, one row per found ticket, in request order.

        Raises:
            TypeError: ``progress`` is not a bool.
            ImportError: pandas or pyarrow is missing (``pip install 'talque[pandas]'``).
            InvalidResponseError: A found ticket has a field of the wrong type (names the
                ticket and field).

        Example:
            >>> frame = client.read("yourOrgId00000000001", "pretix", ids).to_pandas()
        """
        result: pd.DataFrame = self._table("pandas", progress)
        return result

    def to_polars(self, *, progress: bool = False) -> pl.DataFrame:
        """The found tickets as a polars DataFrame; ``holder``/``purchaser`` stay structs.

        Columns and types as :meth:`talque.TicketPager.to_polars`; built from memory.

        Args:
            progress: Show a tqdm bar counting tickets (total known).

        Returns:
            A ``polars.DataFrame``, one row per found ticket, in request order.

        Raises:
            TypeError: ``progress`` is not a bool.
            ImportError: polars or pyarrow is missing (``pip install 'talque[polars]'``).
            InvalidResponseError: A found ticket has a field of the wrong type (names the
                ticket and field).

        Example:
            >>> people = client.read("yourOrgId00000000001", "pretix", ids).to_polars()
        """
        frame: pl.DataFrame = self._table("polars", progress)
        return frame

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        """The Arrow PyCapsule interface: the found tickets, in request order, as a stream.

        ``pyarrow.table(result)``, ``polars.DataFrame(result)`` and DuckDB read it directly.
        """
        builder = TableBuilder("stream", progress=False, total=None, desc="")
        self._fill(builder, self._tickets())
        return builder.table.__arrow_c_stream__()

    def _tickets(self) -> list[Ticket]:
        found = (value.get("model") for value in self.values() if value.get("success"))
        return [model for model in found if model is not None]

    def _table(self, target: str, progress: object) -> Any:
        tickets = self._tickets()
        with TableBuilder(target, progress=progress, total=len(tickets), desc=self.org_id) as b:
            self._fill(b, tickets)
        return b.result()

    def _fill(self, builder: TableBuilder, tickets: list[Ticket]) -> None:
        for start in range(0, len(tickets), _CHUNK):
            builder.add(tickets[start : start + _CHUNK])

    def _repr_html_(self) -> str:
        """Jupyter's view: counts and the first results, from memory (no request)."""
        rows = [
            (ticket_id, value.get("reason"), holder_name(value.get("model")))
            for ticket_id, value in list(self.items())[:_PREVIEW]
        ]
        found = sum(1 for value in self.values() if value.get("success"))
        fields = [("org_id", self.org_id), ("provider", self.provider), ("ids", len(self))]
        return _html.summary(
            "ReadResult",
            [*fields, ("found", found)],
            header=("ticket id", "reason", "holder"),
            rows=rows,
            more=len(self) - len(rows),
        )

    def __reduce__(self) -> Any:
        return (_rebuild, (dict(self), self.org_id, self.provider))


def _rebuild(results: dict[str, TicketResult], org_id: str, provider: str) -> ReadResult:
    return ReadResult(results, org_id=org_id, provider=provider)


# Tickets converted per record batch (and per progress-bar step) of a read.
_CHUNK = 1000
# Results shown by _repr_html_.
_PREVIEW = 10
