"""Exporting a listing to a file: the plan (checked arguments, the partial output and its
checkpoint) and the per-page bookkeeping that the sync and async clients share.

This module imports no client: ``ClientBase`` builds an :class:`ExportRun` from its own
core client, and :meth:`TalqueClient.export` and :meth:`AsyncTalqueClient.export` only
drive it, one page at a time (``run.step()`` or ``await run.step_async()``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from . import _validate
from ._export_sinks import FileSink, ParquetSink, Sink
from ._export_state import Checkpoint, ExportPaths
from ._progress import Progress

__all__ = [
    "FORMATS",
    "ExportArgs",
    "ExportResult",
    "ExportRun",
    "check_listing",
    "format_for",
]

FORMATS = ("jsonl", "csv", "parquet")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote (or, passed to ``on_page``, has written so far).

    Attributes:
        output: The file written (None for a file descriptor such as stdout).
        format: ``"jsonl"``, ``"csv"`` or ``"parquet"``.
        tickets: Tickets in the output, including those of an earlier, resumed run.
        pages: Pages fetched into the output, including those of a resumed run.
        cursor: Where the listing continues: when ``max_items`` stopped it early, or
            (passed to ``on_page``) the next page to fetch; None when the output holds the
            whole listing, or nothing was fetched yet from its start.
        resumed: Whether an interrupted export was continued.
        fetched: Tickets this run fetched (``tickets`` less those of a resumed run).
    """

    output: Path | None
    format: str
    tickets: int
    pages: int
    cursor: str | None
    resumed: bool
    fetched: int


def format_for(output: str | os.PathLike[str] | None, format: str | None) -> str:
    """The export format: as given, else from the output's suffix, else JSON Lines."""
    if format is not None:
        if format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
        return format
    if output is None:
        return "jsonl"
    return _SUFFIXES.get(Path(output).suffix.lower(), "jsonl")


def check_listing(
    org_id: object, profile_id: object, limit: object, cursor: object, max_items: object
) -> tuple[str, str | None, int, str | None, int | None]:
    """The checked arguments that choose a listing's pages, for ``list`` and ``export``."""
    org = _validate.text("org_id", org_id)
    profile = _validate.optional_text("profile_id", profile_id)
    size = _validate.integer("limit", limit, minimum=1)
    start = _validate.optional_text("cursor", cursor)
    cap = None
    if max_items is not None:
        cap = _validate.integer("max_items", max_items, minimum=0, maximum=2**63 - 1)
    return org, profile, size, start, cap


@dataclass(frozen=True)
class ExportArgs:
    """The checked arguments of an export."""

    org_id: str
    output: Path | int
    format: str
    profile_id: str | None
    limit: int
    max_items: int | None
    cursor: str | None
    resume: bool
    on_page: Callable[[ExportResult], None] | None

    @classmethod
    def check(
        cls,
        org_id: object,
        output: object,
        *,
        format: str | None,
        profile_id: object,
        limit: object,
        max_items: object,
        cursor: object,
        resume: object,
        on_page: Any,
    ) -> ExportArgs:
        """Checks every argument; raises TypeError or ValueError before anything is sent."""
        org, profile, size, start, cap = check_listing(org_id, profile_id, limit, cursor, max_items)
        if not isinstance(resume, bool):
            raise TypeError(f"resume must be a bool, not {type(resume).__name__}")
        if on_page is not None and not callable(on_page):
            raise TypeError(f"on_page must be callable, not {type(on_page).__name__}")
        if resume and start is not None:
            raise ValueError(
                "pass either cursor= or resume=True: a resume starts from its checkpoint"
            )
        if isinstance(output, bool) or not isinstance(output, (int, str, os.PathLike)):
            raise TypeError(
                f"output must be a path or a file descriptor, not {type(output).__name__}"
            )
        target: Path | int
        if isinstance(output, int):
            fmt = format_for(None, format)
            if fmt == "parquet" or resume:
                what = "parquet output" if fmt == "parquet" else "resume"
                raise ValueError(f"{what} needs an output path, not a file descriptor")
            target = output
        else:
            fmt = format_for(output, format)
            target = Path(os.fspath(output))
        return cls(org, target, fmt, profile, size, cap, start, resume, on_page)


class ExportRun:
    """One export in progress: the core pager, the sink, the checkpoint and the callback.

    Used as a context manager by the client's ``export``: entering saves the starting
    checkpoint, each :meth:`record` books one page, leaving completes the output (or, on
    an exception, keeps what a resume needs, and discards a partial output with no page).
    """

    def __init__(
        self,
        args: ExportArgs,
        pager: Callable[[Checkpoint, int | None], Any],
        bar: Progress,
    ) -> None:
        self._args = args
        self._bar = bar
        self._on_page = _moving(bar, args.on_page)
        self._paths = ExportPaths(args.output) if isinstance(args.output, Path) else None
        if self._paths is None:
            self._checkpoint = Checkpoint(args.format, args.org_id, args.profile_id, args.cursor)
            self._sink: Sink = FileSink(args.output, args.format, append_at=None)
            self._resumed = False
        else:
            self._checkpoint, self._sink, self._resumed = _open_partial(self._paths, args)
        self._start_tickets = self._checkpoint.tickets
        remaining = None
        if args.max_items is not None:
            remaining = max(0, args.max_items - self._checkpoint.tickets)
        # The core pager keeps the budget, the repeated-cursor check and the prefetch.
        self._pager = pager(self._checkpoint, remaining)
        self.pending = not self._checkpoint.finished

    def step(self) -> int | None:
        """Fetches the next page into the sink; its ticket count, None when none is left."""
        return self._sink.fetch(self._pager)

    def step_async(self) -> Awaitable[int | None]:
        """Like :meth:`step`, as an awaitable."""
        return self._sink.fetch_async(self._pager)

    @property
    def core_pager(self) -> Any:
        return self._pager

    def record(self, written: int | None) -> None:
        """Books what :meth:`step` wrote: checkpoint, then the ``on_page`` callback."""
        checkpoint = self._checkpoint
        self._sink.done(written)
        if written is None:
            # The listing ended, or max_items was reached: the core knows which.
            self.pending = False
            checkpoint.finished = bool(self._pager.finished)
            checkpoint.cursor = None if checkpoint.finished else self._pager.cursor
            return
        checkpoint.tickets += written
        checkpoint.pages += 1
        checkpoint.finished = bool(self._pager.finished)
        checkpoint.cursor = None if checkpoint.finished else self._pager.cursor
        self.pending = not checkpoint.finished
        self._save()

    def _save(self) -> None:
        self._sink.mark(self._checkpoint)
        if self._paths is not None:
            self._checkpoint.save(self._paths.checkpoint)
        self._on_page(self.result())

    def result(self) -> ExportResult:
        checkpoint = self._checkpoint
        return ExportResult(
            output=self._paths.output if self._paths else None,
            format=self._args.format,
            tickets=checkpoint.tickets,
            pages=checkpoint.pages,
            cursor=None if checkpoint.finished else checkpoint.cursor,
            resumed=self._resumed,
            fetched=checkpoint.tickets - self._start_tickets,
        )

    def __enter__(self) -> ExportRun:
        try:
            self._save()
        except BaseException:
            with self._bar:
                self._end(failed=True)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self._bar:
            self._end(failed=kind is not None)

    def _end(self, failed: bool) -> None:
        paths = self._paths
        if failed:
            self._sink.close()
            if paths is not None and not self._resumed and self._checkpoint.pages == 0:
                # Nothing was exported: an empty partial file would only invite a useless resume.
                paths.discard()
            return
        if paths is not None:
            self._checkpoint.save(paths.checkpoint)
        self._sink.finish(paths.output if paths else None)
        if paths is not None:
            paths.checkpoint.unlink(missing_ok=True)


def _moving(
    bar: Progress, then: Callable[[ExportResult], None] | None
) -> Callable[[ExportResult], None]:
    """An ``on_page`` that moves ``bar`` (a resumed export's starts at what was written),
    then calls ``then``."""

    def on_page(snapshot: ExportResult) -> None:
        bar.follow(snapshot.tickets, snapshot.pages)
        if snapshot.pages > bar.pages:
            bar.update(snapshot.tickets - bar.tickets)
        if then is not None:
            then(snapshot)

    return on_page


def _open_partial(paths: ExportPaths, args: ExportArgs) -> tuple[Checkpoint, Sink, bool]:
    """Continues the checkpointed partial output, or starts a new one."""
    fmt, org, profile = args.format, args.org_id, args.profile_id
    if args.resume and paths.checkpoint.exists():
        checkpoint = Checkpoint.load(paths.checkpoint)
        checkpoint.check_matches(format=fmt, org_id=org, profile_id=profile)
        if checkpoint.finished and not paths.partial.exists():
            # The earlier run stopped after renaming its output into place.
            paths.checkpoint.unlink()
            return _fresh(paths, args)
        if fmt == "parquet":
            return checkpoint, ParquetSink(paths.partial, parts=checkpoint.parts), True
        if not paths.partial.is_file():
            raise ValueError(f"cannot resume: {paths.partial} is missing; delete the checkpoint")
        sink = FileSink(paths.partial, fmt, append_at=checkpoint.position)
        return checkpoint, sink, True
    return _fresh(paths, args)


def _fresh(paths: ExportPaths, args: ExportArgs) -> tuple[Checkpoint, Sink, bool]:
    """A fresh start: whatever an earlier run left is discarded."""
    paths.checkpoint.unlink(missing_ok=True)
    if paths.partial.is_dir():
        shutil.rmtree(paths.partial)
    checkpoint = Checkpoint(args.format, args.org_id, args.profile_id, args.cursor)
    if args.format == "parquet":
        return checkpoint, ParquetSink(paths.partial, parts=0), False
    return checkpoint, FileSink(paths.partial, args.format, append_at=None), False
