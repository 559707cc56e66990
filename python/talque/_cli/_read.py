"""``talque read``: look tickets up by id, one JSON line per id."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .._export_state import replace_durably
from .._result import ReadResult
from ._connect import client_from_args

__all__ = ["run_read"]


def _ids(args: argparse.Namespace) -> list[str]:
    ids = list(args.ids)
    if args.ids_file is not None:
        if args.ids_file == "-":
            lines = sys.stdin.read().splitlines()
        else:
            lines = Path(args.ids_file).read_text(encoding="utf-8").splitlines()
        ids.extend(line.strip() for line in lines if line.strip())
    if not ids:
        raise ValueError("no ticket ids: give them as arguments or with --ids-file")
    return ids


def _lines(result: ReadResult) -> Iterator[str]:
    for ticket_id, answer in result.items():
        line = {"ticketId": ticket_id, **answer}
        yield json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


def _write_atomically(path: Path, result: ReadResult) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.writelines(_lines(result))
            file.flush()
            os.fsync(file.fileno())
        replace_durably(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_read(args: argparse.Namespace) -> int:
    ids = _ids(args)
    with client_from_args(args) as client:
        result = client.read(args.org_id, args.provider, ids)
    if args.output is not None:
        _write_atomically(Path(args.output), result)
    else:
        out: IO[str] = sys.stdout
        if os.name != "posix" and isinstance(out, io.TextIOWrapper):
            # Windows' text mode would end each line with \r\n; JSON Lines end in \n everywhere.
            out.reconfigure(newline="")
        out.writelines(_lines(result))
        out.flush()
    if not args.quiet:
        found = len(result.found)
        print(
            f"talque: read {len(result):,} ids: {found:,} found, {len(result) - found:,} not",
            file=sys.stderr,
        )
    return 0
