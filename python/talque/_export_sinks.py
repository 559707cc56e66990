"""Where exported pages go: a JSONL/CSV file written by the Rust core, or Parquet parts.

JSON Lines and CSV pages go from the network to the file inside the Rust core (no Python
object per ticket). Parquet too is written by the core (no pyarrow needed): each page becomes
one part file, written whole and renamed into place, and the finished export merges them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, Protocol

from ._export_state import Checkpoint, replace_durably
from ._talque import TicketWriter, merge_parquet_parts

__all__ = ["FileSink", "ParquetSink", "Sink"]


class Sink(Protocol):
    def fetch(self, core_pager: Any) -> int | None:
        """Fetches the next page into the output (cut to what a capped listing keeps); its
        ticket count, or None at the end. Then call :meth:`done`."""

    def fetch_async(self, core_pager: Any) -> Awaitable[int | None]:
        """Like :meth:`fetch`, as an awaitable."""

    def done(self, written: int | None) -> None:
        """Completes what :meth:`fetch` wrote."""

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

    def fetch(self, core_pager: Any) -> int | None:
        written: int | None = core_pager.write_next_page(self._writer)
        return written

    def fetch_async(self, core_pager: Any) -> Awaitable[int | None]:
        written: Awaitable[int | None] = core_pager.write_next_page_async(self._writer)
        return written

    def done(self, written: int | None) -> None:
        pass

    def mark(self, checkpoint: Checkpoint) -> None:
        checkpoint.position = self._writer.position

    def finish(self, output: Path | None) -> None:
        self._writer.close()
        if output is not None and isinstance(self._target, Path):
            replace_durably(self._target, output)

    def close(self) -> None:
        self._writer.close()


class ParquetSink:
    """One Parquet part file per page in a partial folder, merged when the export ends.

    The Rust core writes the parts and merges them (no pyarrow needed). A Parquet file
    cannot be appended to, since its footer indexes every row group, so the checkpoint
    counts complete parts instead: resuming is exact, and the merge writes large row groups.
    """

    def __init__(self, folder: Path, *, parts: int) -> None:
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

    def _tmp(self) -> Path:
        # The next part is written whole under this name, then renamed by done().
        return self._part(self._parts).with_suffix(".tmp")

    def fetch(self, core_pager: Any) -> int | None:
        written: int | None = core_pager.write_parquet_part(self._tmp())
        return written

    def fetch_async(self, core_pager: Any) -> Awaitable[int | None]:
        written: Awaitable[int | None] = core_pager.write_parquet_part_async(self._tmp())
        return written

    def done(self, written: int | None) -> None:
        tmp = self._tmp()
        if written:
            os.replace(tmp, self._part(self._parts))
            self._parts += 1
        elif tmp.exists():
            tmp.unlink()

    def mark(self, checkpoint: Checkpoint) -> None:
        checkpoint.parts = self._parts

    def finish(self, output: Path | None) -> None:
        if output is None:
            raise ValueError("a Parquet export needs an output path")
        merged = self._folder / "merged.tmp"
        merge_parquet_parts([self._part(index) for index in range(self._parts)], merged)
        replace_durably(merged, output)
        shutil.rmtree(self._folder)

    def close(self) -> None:
        pass
