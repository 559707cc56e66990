"""Tickets as Arrow tables, pandas and polars DataFrames: one fixed schema, a page at a time.

The schema is explicit, never inferred from the data, so every listing (an empty one too)
has the same columns with the same types. ``ctime``, ``mtime`` and ``checkIns`` become
``timestamp[ms, tz=UTC]``; ``holder`` and ``purchaser`` stay structs (pandas gets them
flattened to ``holder.email``, ... by :func:`pandas_frame`); ``extData`` is the compact JSON
text of whatever JSON value the ticket carries (null when the key is absent). Ticket fields
that the schema does not know (added by the API later) are left out.

pyarrow, pandas and polars are imported only inside the functions here, so
``import talque`` does not load them (see ``_extras.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ._exceptions import InvalidResponseError
from ._extras import require
from ._progress import Progress
from ._types import Ticket

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    import polars as pl
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "PERSON_FIELDS",
    "TICKET_COLUMNS",
    "TableBuilder",
    "pandas_frame",
    "polars_frame",
    "ticket_schema",
    "tickets_to_batch",
]

# Column kinds: how a ticket's JSON value becomes an Arrow value.
_TEXT = "text"
_TIME = "time"
_FLAG = "flag"
_TEXTS = "texts"
_TIMES = "times"
_PERSON = "person"
_JSON = "json"

# The columns, in order: the ticket's key and its kind. Every column is nullable, so a ticket
# that lacks a documented key still converts (to a null) rather than failing an export.
TICKET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("orgTicketId", _TEXT),
    ("ticketId", _TEXT),
    ("provider", _TEXT),
    ("ctime", _TIME),
    ("mtime", _TIME),
    ("isTest", _FLAG),
    ("course", _TEXT),
    ("category", _TEXT),
    ("categories", _TEXTS),
    ("tickets", _TEXTS),
    ("isVip", _FLAG),
    ("eventIds", _TEXTS),
    ("extEventIds", _TEXTS),
    ("vendorIds", _TEXTS),
    ("extVendorIds", _TEXTS),
    ("extImageUrl", _TEXT),
    ("checkIns", _TIMES),
    ("isCheckInReset", _FLAG),
    ("mainId", _TEXT),
    ("purchaseOrderId", _TEXT),
    ("extPurchaseOrderId", _TEXT),
    ("extSurveyId", _TEXT),
    ("holder", _PERSON),
    ("purchaser", _PERSON),
    ("extData", _JSON),
)

# The fields of the holder and purchaser structs, in order (talque.Holder).
PERSON_FIELDS = ("email", "firstName", "lastName", "companyName", "jobTitle", "extUserId", "locale")

# The Python type a list or struct column's values must have: pyarrow would otherwise turn
# the string "abc" into the list ["a", "b", "c"] without complaint.
_CONTAINER: dict[str, tuple[type, str]] = {
    _TEXTS: (list, "array"),
    _TIMES: (list, "array"),
    _PERSON: (dict, "object"),
}

_schema: Any = None


def ticket_schema() -> pa.Schema:
    """The Arrow schema of a ticket table (built once, on first use)."""
    global _schema
    if _schema is None:
        pa = require("pyarrow", needed_by="the ticket schema", extra="arrow")
        time = pa.timestamp("ms", tz="UTC")
        person = pa.struct([(name, pa.string()) for name in PERSON_FIELDS])
        types = {
            _TEXT: pa.string(),
            _TIME: time,
            _FLAG: pa.bool_(),
            _TEXTS: pa.list_(pa.string()),
            _TIMES: pa.list_(time),
            _PERSON: person,
            _JSON: pa.string(),
        }
        _schema = pa.schema([pa.field(name, types[kind]) for name, kind in TICKET_COLUMNS])
    return _schema


def __getattr__(name: str) -> Any:
    # TICKET_SCHEMA is built on first access, so importing this module needs no pyarrow.
    if name == "TICKET_SCHEMA":
        return ticket_schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _json_text(ticket: Ticket) -> str | None:
    if "extData" not in ticket:
        return None
    # Python ints are exact at any size, so ids beyond 2**53 survive the round trip.
    return json.dumps(ticket["extData"], ensure_ascii=False, separators=(",", ":"))


def _column_values(tickets: Sequence[Ticket], name: str, kind: str) -> list[Any]:
    if kind == _JSON:
        return [_json_text(ticket) for ticket in tickets]
    values = [ticket.get(name) for ticket in tickets]
    if kind in _CONTAINER:
        container, json_name = _CONTAINER[kind]
        for ticket, value in zip(tickets, values):
            if value is not None and not isinstance(value, container):
                raise _bad_value(ticket, name, value, f"expected a JSON {json_name} or null")
    return values


def _bad_value(ticket: Ticket, name: str, value: object, why: str) -> InvalidResponseError:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    ticket_id = ticket.get("ticketId") if isinstance(ticket, dict) else None
    return InvalidResponseError(
        f"ticket {ticket_id!r}: field {name!r} cannot be converted ({why}): {shown}"
    )


def tickets_to_batch(tickets: Sequence[Ticket]) -> pa.RecordBatch:
    """Converts ticket dicts to one Arrow record batch with :func:`ticket_schema`.

    Raises:
        InvalidResponseError: a ticket's value has a type the schema cannot hold (a string
            ``ctime``, say); the message names the ticket and the field.
    """
    pa = require("pyarrow", needed_by="tickets_to_batch()", extra="arrow")
    schema = ticket_schema()
    arrays = []
    for field, (name, kind) in zip(schema, TICKET_COLUMNS):
        values = _column_values(tickets, name, kind)
        try:
            arrays.append(pa.array(values, type=field.type))
        except (pa.ArrowException, OverflowError, UnicodeError, TypeError, ValueError):
            raise _first_bad_value(pa, tickets, values, name, field.type) from None
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _first_bad_value(
    pa: Any, tickets: Sequence[Ticket], values: list[Any], name: str, type_: Any
) -> InvalidResponseError:
    """Finds the value that failed a column's conversion, for an error that points at it."""
    for ticket, value in zip(tickets, values):
        try:
            pa.array([value], type=type_)
        except (pa.ArrowException, OverflowError, UnicodeError, TypeError, ValueError) as err:
            return _bad_value(ticket, name, value, f"to {type_}: {err}")
    return InvalidResponseError(f"field {name!r} cannot be converted to {type_}")


class TableBuilder:
    """Collects tickets a chunk (a page) at a time into record batches, then one table.

    Construction imports pyarrow and the ``target`` package (``"arrow"``, ``"pandas"`` or
    ``"polars"``) and starts the progress bar, so a missing extra fails before anything is
    fetched. Each chunk becomes a record batch at once, so a large listing never holds all
    its ticket dicts and the table together. Use as a context manager: the bar closes on
    errors too.
    """

    def __init__(self, target: str, *, progress: object, total: int | None, desc: str) -> None:
        method = f"to_{target}()"
        require("pyarrow", needed_by=method, extra=target)
        if target != "arrow":
            require(target, needed_by=method)
        self._progress = Progress(progress, total=total, desc=desc)
        self._batches: list[Any] = []

    def add(self, tickets: Sequence[Ticket]) -> None:
        if tickets:
            self._batches.append(tickets_to_batch(tickets))
            self._progress.update(len(tickets))

    def add_all(self, chunks: Iterable[Sequence[Ticket]]) -> None:
        for chunk in chunks:
            self.add(chunk)

    def table(self) -> pa.Table:
        """The table of every ticket added, with the full schema even when there were none."""
        pa = require("pyarrow", needed_by="to_arrow()", extra="arrow")
        table = pa.Table.from_batches(self._batches, schema=ticket_schema())
        self._batches = []
        return table

    def __enter__(self) -> TableBuilder:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._progress.__exit__(*exc_info)


def pandas_frame(table: pa.Table) -> pd.DataFrame:
    """The pandas DataFrame of a ticket table: structs flattened to ``holder.email``, ...

    Timestamps keep their unit and zone (``datetime64[ms, UTC]``); list columns hold arrays.
    """
    return table.flatten().to_pandas()


def polars_frame(table: pa.Table) -> pl.DataFrame:
    """The polars DataFrame of a ticket table: structs stay structs, lists stay lists."""
    import polars as pl

    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame
