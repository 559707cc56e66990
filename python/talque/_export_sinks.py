"""Where exported pages go: a JSONL/CSV file written by the Rust core, or Parquet parts.

JSON Lines and CSV pages go from the network to the file inside the Rust core (no Python
object per ticket). Parquet needs Arrow: each page becomes one part file, written whole and
renamed into place, and the finished export merges the parts into one file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Protocol

from ._export_state import Checkpoint, replace_durably
from ._extras import require
from ._talque import TicketWriter

__all__ = ["FileSink", "ParquetSink", "Sink"]

# Parts are merged into row groups of about this many rows: large enough for efficient
# columnar reads, small enough that merging holds little in memory.
_ROW_GROUP_ROWS = 64 * 1024


class Sink(Protocol):
    def write_next_page(self, core_pager: Any, keep: int | None) -> int | None:
        """Fetches the next page into the output, cut to its first ``keep`` tickets when
        given; its ticket count, or None at the end."""

    def mark(self, checkpoint: Checkpoint) -> None:
        """Records in ``checkpoint`` how much of the partial output is complete."""

    def finish(self, output: Path | None) -> None:
        """Makes the complete partial output durable and renames it to ``output``."""

    def close(self) -> None:
        """Closes open files, keeping the partial output for a later resume."""


class FileSink:
    """JSON Lines or CSV, written by the Rust core to a partial file or a descriptor."""

    def __init__(self, target: Path | int, format: str, *, append_at: int | None) -> None:
        where = target if isinstance(target, int) else os.fspath(target)
        self._writer = TicketWriter(where, format, append_at=append_at)
        self._target = target

    def write_next_page(self, core_pager: Any, keep: int | None) -> int | None:
        written: int | None = core_pager.write_next_page(self._writer, keep)
        return written

    def mark(self, checkpoint: Checkpoint) -> None:
        checkpoint.position = self._writer.position

    def finish(self, output: Path | None) -> None:
        self._writer.close()
        if output is not None and isinstance(self._target, Path):
            replace_durably(self._target, output)

    def close(self) -> None:
        self._writer.close()


def import_pyarrow() -> Any:
    require("pyarrow.parquet", needed_by="Parquet output", extra="arrow")
    return require("pyarrow", needed_by="Parquet output")


class ParquetSink:
    """One Parquet part file per page in a partial folder, merged when the export ends."""

    def __init__(self, folder: Path, *, parts: int) -> None:
        self._pa = import_pyarrow()
        from ._frames import tickets_to_batch

        self._to_batch = tickets_to_batch
        self._folder = folder
        self._parts = parts
        folder.mkdir(exist_ok=True)
        # Parts past the checkpoint, or half-written ones, are from a run that stopped
        # before recording them: their tickets will be fetched again.
        for path in folder.iterdir():
            if path.suffix != ".parquet" or self._index(path) >= parts:
                path.unlink()

    @staticmethod
    def _index(path: Path) -> int:
        stem = path.stem.removeprefix("part-")
        return int(stem) if stem.isdigit() else -1

    def _part(self, index: int) -> Path:
        return self._folder / f"part-{index:08d}.parquet"

    def write_next_page(self, core_pager: Any, keep: int | None) -> int | None:
        page = core_pager.next_page(keep)
        if page is None:
            return None
        tickets = page["tickets"]
        if tickets:
            table = self._pa.Table.from_batches([self._to_batch(tickets)])
            part = self._part(self._parts)
            tmp = part.with_suffix(".tmp")
            self._pa.parquet.write_table(table, tmp)
            os.replace(tmp, part)
            self._parts += 1
        return len(tickets)

    def mark(self, checkpoint: Checkpoint) -> None:
        checkpoint.parts = self._parts

    def finish(self, output: Path | None) -> None:
        if output is None:
            raise ValueError("a Parquet export needs an output path")
        pq = self._pa.parquet
        schema = self._to_batch([]).schema
        merged = self._folder / "merged.tmp"
        pending: list[Any] = []
        rows = 0
        with pq.ParquetWriter(merged, schema) as writer:
            for index in range(self._parts):
                table = pq.read_table(self._part(index), schema=schema)
                pending.append(table)
                rows += table.num_rows
                if rows >= _ROW_GROUP_ROWS:
                    writer.write_table(self._pa.concat_tables(pending))
                    pending, rows = [], 0
            if pending:
                writer.write_table(self._pa.concat_tables(pending))
        with open(merged, "rb") as done:
            os.fsync(done.fileno())
        replace_durably(merged, output)
        shutil.rmtree(self._folder)

    def close(self) -> None:
        pass
