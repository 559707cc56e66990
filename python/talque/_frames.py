"""Tickets as Arrow tables, pandas and polars DataFrames: the core's fixed schema.

The record batches are built in the Rust core, straight from each page's bytes and without
the GIL (``talque._talque.TicketTable``), and leave it through the Arrow PyCapsule interface
(``__arrow_c_stream__``), so pyarrow, polars and DuckDB take them without a copy. The schema
is the core's (``talque._talque.TICKET_FIELDS``), never inferred from the data: every
listing (an empty one too) has the same columns with the same types. ``ctime``, ``mtime``
and ``checkIns`` are ``timestamp[ms, tz=UTC]``; ``holder`` and ``purchaser`` are structs
(pandas gets them flattened to ``holder.email``, ...); ``extData`` is the compact JSON text
of whatever JSON value the ticket carries (null when the key is absent). Ticket fields the
schema does not know (added by the API later) are left out.

pyarrow, pandas and polars are imported only inside the functions here, so
``import talque`` does not load them (see ``_extras.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._extras import require
from ._progress import Progress
from ._talque import PERSON_FIELDS, TICKET_FIELDS, TicketTable
from ._types import Ticket

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    import polars as pl
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

__all__ = ["PERSON_FIELDS", "TICKET_FIELDS", "TableBuilder", "add_tickets", "ticket_schema"]

# The packages each target needs, in the order they are checked.
_NEEDS = {
    "arrow": ("pyarrow",),
    "pandas": ("pyarrow", "pandas"),
    "polars": ("polars",),
    # An `__arrow_c_stream__` capsule for any consumer: no package needed.
    "stream": (),
}

_schema: Any = None


def ticket_schema() -> pa.Schema:
    """The Arrow schema of a ticket table, as the core builds it (read once, on first use)."""
    global _schema
    if _schema is None:
        pa = require("pyarrow", needed_by="the ticket schema", extra="arrow")
        _schema = pa.table(TicketTable()).schema
    return _schema


def __getattr__(name: str) -> Any:
    # TICKET_SCHEMA is built on first access, so importing this module needs no pyarrow.
    if name == "TICKET_SCHEMA":
        return ticket_schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def add_tickets(table: TicketTable, tickets: Sequence[Ticket]) -> int:
    """Appends ticket dicts to a core ``TicketTable`` as one record batch; their number.

    They travel as JSON text, which keeps integers of any size exact. A lone surrogate
    (which UTF-8 cannot hold) becomes its ``\\udXXX`` escape, which the core refuses with a
    clear error naming the ticket and the field.
    """
    body = json.dumps({"tickets": list(tickets)}, ensure_ascii=False, separators=(",", ":"))
    return table.add_json(body.encode("utf-8", "backslashreplace"))


class TableBuilder:
    """Collects tickets into a core ``TicketTable``, a page (one record batch) at a time.

    Construction imports the packages ``target`` (``"arrow"``, ``"pandas"`` or ``"polars"``)
    needs and starts the progress bar, so a missing extra fails before anything is fetched.
    Use as a context manager: the bar closes on errors too.
    """

    def __init__(self, target: str, *, progress: object, total: int | None, desc: str) -> None:
        for package in _NEEDS[target]:
            require(package, needed_by=f"to_{target}()", extra=target)
        self._target = target
        self._progress = Progress(progress, total=total, desc=desc)
        self.table = TicketTable()

    def added(self, count: int) -> None:
        """Counts tickets the core added to :attr:`table` directly."""
        self._progress.update(count)

    def add(self, tickets: Sequence[Ticket]) -> None:
        """Adds ticket dicts (a partly consumed page, or a read's results): see
        :func:`add_tickets`."""
        if tickets:
            self.added(add_tickets(self.table, tickets))

    def result(self) -> Any:
        """The table or DataFrame of every ticket added, with every column even if empty."""
        if self._target == "polars":
            return polars_frame(self.table)
        pa = require("pyarrow", needed_by=f"to_{self._target}()", extra=self._target)
        table = pa.table(self.table)
        return pandas_frame(table) if self._target == "pandas" else table

    def __enter__(self) -> TableBuilder:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._progress.__exit__(*exc_info)


def pandas_frame(table: pa.Table) -> pd.DataFrame:
    """The pandas DataFrame of a ticket table: structs flattened to ``holder.email``, ...

    Timestamps keep their unit and zone (``datetime64[ms, UTC]``). List columns hold
    arrays; ``checkIns`` is an Arrow-backed list column (``pd.ArrowDtype``), because a NumPy
    array cannot carry a time zone: ``frame["checkIns"].explode()`` stays UTC-aware.
    """
    import pandas as pd

    pa = require("pyarrow", needed_by="to_pandas()", extra="pandas")

    def keep_zone(arrow_type: Any) -> Any:
        if pa.types.is_list(arrow_type) and pa.types.is_timestamp(arrow_type.value_type):
            return pd.ArrowDtype(arrow_type)
        return None

    return table.flatten().to_pandas(types_mapper=keep_zone)


def polars_frame(source: TicketTable) -> pl.DataFrame:
    """The polars DataFrame of a core ticket table, read through ``__arrow_c_stream__``.

    Structs stay structs, lists stay lists; no pyarrow is needed.
    """
    import polars as pl

    return pl.DataFrame(source)
