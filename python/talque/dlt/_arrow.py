"""A page of tickets as the Arrow table the ``tickets`` resource yields.

The columns are talque's ticket schema (the same conversion as ``pager.to_arrow()``), with
``orgId`` in front, ``orgId`` and ``orgTicketId`` non-nullable (they form the row's identity),
the ``holder`` and ``purchaser`` structs flattened to ``holder__email``, ... (the names dlt
itself gives nested fields, so every destination can filter on them with plain SQL), and
timestamps in microseconds: dlt's default precision, which every destination stores without
a warning (DuckDB cannot keep both a time zone and milliseconds). List columns (``eventIds``,
``checkIns``, ...) become JSON text, which the resource declares as dlt's ``json`` type: dlt
loads Arrow into PostgreSQL through CSV, which has no lists. Check-ins are ISO 8601 UTC times.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

from .._exceptions import InvalidResponseError
from .._frames import add_tickets, ticket_schema
from .._talque import TicketTable
from .._types import Ticket

__all__ = ["KEY", "ORG", "json_columns", "page_table", "table_schema"]

ORG = "orgId"
KEY = "orgTicketId"
# Columns that identify a row; a ticket without them cannot be merged, so it fails the load.
_REQUIRED = (ORG, KEY)

_schema: Any = None


def table_schema() -> pa.Schema:
    """The schema of every yielded table (built once, on first use)."""
    global _schema
    if _schema is None:
        fields = [pa.field(ORG, pa.string(), nullable=False)]
        for field in ticket_schema():
            if pa.types.is_struct(field.type):
                fields.extend(pa.field(f"{field.name}__{sub.name}", sub.type) for sub in field.type)
            elif pa.types.is_list(field.type):
                fields.append(pa.field(field.name, pa.string()))
            else:
                fields.append(
                    pa.field(field.name, _micros(field.type), nullable=field.name not in _REQUIRED)
                )
        _schema = pa.schema(fields)
    return _schema


def json_columns() -> list[str]:
    """The columns holding JSON text: the lists, and ``extData``."""
    return [f.name for f in ticket_schema() if pa.types.is_list(f.type)] + ["extData"]


def _micros(type_: pa.DataType) -> pa.DataType:
    return pa.timestamp("us", tz=type_.tz) if pa.types.is_timestamp(type_) else type_


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _json_texts(column: pa.Array) -> pa.Array:
    texts = [
        None if value is None else json.dumps(value, default=_iso, ensure_ascii=False)
        for value in column.to_pylist()
    ]
    return pa.array(texts, pa.string())


def page_table(org_id: str, tickets: Sequence[Ticket]) -> pa.Table:
    """One page's tickets, tagged with their organization, in :func:`table_schema`.

    Raises:
        InvalidResponseError: a ticket's value does not fit the schema (from talque's
            conversion), or a ticket lacks ``orgTicketId``.
    """
    core_table = TicketTable()
    add_tickets(core_table, tickets)
    batch = pa.table(core_table)
    columns = [pa.array([org_id] * batch.num_rows, pa.string())]
    for column in batch.columns:
        if pa.types.is_struct(column.type):
            columns.extend(column.flatten())
        elif pa.types.is_list(column.type):
            columns.append(_json_texts(column))
        else:
            columns.append(column)
    # pyarrow does not enforce a field's nullability, so the key is checked here: a ticket
    # without it cannot be merged and must fail the load, not become a null key.
    if columns[1].null_count:
        raise InvalidResponseError(f"a ticket of {org_id!r} has no {KEY!r}: it cannot be merged")
    schema = table_schema()
    return pa.Table.from_arrays(columns, names=schema.names).cast(schema)
