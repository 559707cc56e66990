"""The one ticket schema (``talque._talque.TICKET_FIELDS``, from the Rust core) and what must
agree with it: the TypedDicts of ``talque._types``, the CSV columns, the README's table."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

from talque import _types
from talque._talque import CSV_COLUMNS, PERSON_FIELDS, TICKET_FIELDS

README = Path(__file__).resolve().parents[1] / "README.md"

# The Python type each kind of field has in a ticket dict (without the `| None`).
PYTHON_TYPES: dict[str, Any] = {
    "text": str,
    "time": int,
    "flag": bool,
    "texts": list[str],
    "times": list[int],
    "person": _types.Holder,
    "json": Any,
}

# The README's Arrow type of each kind (the start of the cell: `json` goes on to explain).
README_TYPES = {
    "text": "`string`",
    "time": "`timestamp[ms, tz=UTC]`",
    "flag": "`bool`",
    "texts": "`list<string>`",
    "times": "`list<timestamp[ms, tz=UTC]>`",
    "person": f"`struct<{', '.join(PERSON_FIELDS)}: string>`",
    "json": "`string`:",
}


def _without_none(hint: Any) -> Any:
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and args:
        return args[0] if len(args) == 1 else hint
    return hint


def test_the_ticket_typeddict_has_every_field_with_its_kind() -> None:
    hints = typing.get_type_hints(_types.Ticket)
    assert set(hints) == {name for name, _ in TICKET_FIELDS}
    for name, kind in TICKET_FIELDS:
        assert _without_none(hints[name]) == PYTHON_TYPES[kind], name


def test_the_holder_typeddict_has_the_person_fields_in_order() -> None:
    assert tuple(typing.get_type_hints(_types.Holder)) == PERSON_FIELDS
    assert set(_types.Holder.__optional_keys__) == set(PERSON_FIELDS)


def test_the_csv_columns_derive_from_the_schema() -> None:
    expected: list[str] = []
    for name, kind in TICKET_FIELDS:
        if kind == "person":
            expected += [f"{name}.{member}" for member in PERSON_FIELDS]
        elif kind in ("time", "times"):
            expected += [name, f"{name}_iso"]
        else:
            expected.append(name)
    assert list(CSV_COLUMNS) == expected


def test_the_readme_column_table_is_the_schema() -> None:
    text = README.read_text(encoding="utf-8")
    table = text.split("| column | Arrow type |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    documented: dict[str, str] = {}
    for row in table.splitlines():
        columns, arrow_type = row.strip("|").split(" | ", 1)
        for column in re.findall(r"`([^`]+)`", columns):
            assert column not in documented, f"{column} is in the README table twice"
            documented[column] = arrow_type.strip()
    assert set(documented) == {name for name, _ in TICKET_FIELDS}
    for name, kind in TICKET_FIELDS:
        assert documented[name].startswith(README_TYPES[kind]), name
