"""Exporting a listing to a file: JSON Lines, CSV or Parquet, atomic and resumable."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import _validate
from ._export_sinks import FileSink, ParquetSink, Sink
from ._export_state import Checkpoint, ExportPaths
from ._pager import TicketPager

if TYPE_CHECKING:
    from ._client import TalqueClient

__all__ = ["FORMATS", "ExportResult", "export_tickets", "format_for"]

FORMATS = ("jsonl", "csv", "parquet")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote.

    Attributes:
        output: The file written (None for a file descriptor such as stdout).
        format: ``"jsonl"``, ``"csv"`` or ``"parquet"``.
        tickets: Tickets in the output, including those of an earlier, resumed run.
        pages: Pages fetched into the output, including those of a resumed run.
        cursor: Where the listing continues when ``max_items`` stopped it early; None
            when the output holds the whole listing.
        resumed: Whether an interrupted export was continued.
    """

    output: Path | None
    format: str
    tickets: int
    pages: int
    cursor: str | None
    resumed: bool


def format_for(output: str | os.PathLike[str] | None, format: str | None) -> str:
    """The export format: as given, else from the output's suffix, else JSON Lines."""
    if format is not None:
        if format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
        return format
    if output is None:
        return "jsonl"
    return _SUFFIXES.get(Path(output).suffix.lower(), "jsonl")


def export_tickets(
    client: TalqueClient,
    org_id: str,
    output: str | os.PathLike[str] | int,
    *,
    format: str | None = None,
    profile_id: str | None = None,
    limit: int = 100,
    max_items: int | None = None,
    cursor: str | None = None,
    resume: bool = False,
    on_page: Callable[[int], None] | None = None,
    on_checkpoint: Callable[[Checkpoint], None] | None = None,
) -> ExportResult:
    """Writes an org's tickets to ``output`` (a path, or a file descriptor for JSONL/CSV).

    See :meth:`TalqueClient.export`; ``on_page`` is called with each page's ticket count and
    ``on_checkpoint`` with the state after each page (the CLI uses it to say where to resume).
    """
    org = _validate.text("org_id", org_id)
    profile = _validate.optional_text("profile_id", profile_id)
    size = _validate.integer("limit", limit, minimum=1)
    start = _validate.optional_text("cursor", cursor)
    if max_items is not None:
        _validate.integer("max_items", max_items, minimum=0, maximum=2**63 - 1)
    if not isinstance(resume, bool):
        raise TypeError(f"resume must be a bool, not {type(resume).__name__}")
    if isinstance(output, bool) or not isinstance(output, (int, str, os.PathLike)):
        raise TypeError(f"output must be a path or a file descriptor, not {type(output).__name__}")
    if resume and start is not None:
        raise ValueError("pass either cursor= or resume=True: a resume starts from its checkpoint")
    paths: ExportPaths | None = None
    resumed = False
    if isinstance(output, int):
        fmt = format_for(None, format)
        if fmt == "parquet" or resume:
            what = "parquet output" if fmt == "parquet" else "resume"
            raise ValueError(f"{what} needs an output path, not a file descriptor")
        client._check_open()
        checkpoint = Checkpoint(fmt, org, profile, start)
        sink: Sink = FileSink(output, fmt, append_at=None)
    else:
        fmt = format_for(output, format)
        client._check_open()
        paths = ExportPaths(Path(os.fspath(output)))
        checkpoint, sink, resumed = _open_partial(paths, fmt, org, profile, start, resume)
    try:
        _run(client, sink, checkpoint, size, max_items, paths, on_page, on_checkpoint)
    except BaseException:
        sink.close()
        if paths is not None and not resumed and checkpoint.pages == 0:
            # Nothing was exported: an empty partial file would only invite a useless resume.
            paths.discard()
        raise
    sink.close()
    return ExportResult(
        output=paths.output if paths else None,
        format=fmt,
        tickets=checkpoint.tickets,
        pages=checkpoint.pages,
        cursor=None if checkpoint.finished else checkpoint.cursor,
        resumed=resumed,
    )


def _open_partial(
    paths: ExportPaths,
    fmt: str,
    org: str,
    profile: str | None,
    start: str | None,
    resume: bool,
) -> tuple[Checkpoint, Sink, bool]:
    """Continues the checkpointed partial output, or starts a new one."""
    if resume and paths.checkpoint.exists():
        checkpoint = Checkpoint.load(paths.checkpoint)
        checkpoint.check_matches(format=fmt, org_id=org, profile_id=profile)
        if checkpoint.finished and not paths.partial.exists():
            # The earlier run stopped after renaming its output into place.
            paths.checkpoint.unlink()
            return _open_partial(paths, fmt, org, profile, start, resume=False)
        if fmt == "parquet":
            return checkpoint, ParquetSink(paths.partial, parts=checkpoint.parts), True
        if not paths.partial.is_file():
            raise ValueError(f"cannot resume: {paths.partial} is missing; delete the checkpoint")
        sink = FileSink(paths.partial, fmt, append_at=checkpoint.position)
        return checkpoint, sink, True
    # A fresh start: whatever an earlier run left is discarded.
    paths.checkpoint.unlink(missing_ok=True)
    if paths.partial.is_dir():
        shutil.rmtree(paths.partial)
    checkpoint = Checkpoint(fmt, org, profile, start)
    if fmt == "parquet":
        return checkpoint, ParquetSink(paths.partial, parts=0), False
    return checkpoint, FileSink(paths.partial, fmt, append_at=None), False


def _run(
    client: TalqueClient,
    sink: Sink,
    checkpoint: Checkpoint,
    limit: int,
    max_items: int | None,
    paths: ExportPaths | None,
    on_page: Callable[[int], None] | None,
    on_checkpoint: Callable[[Checkpoint], None] | None,
) -> None:
    """Fetches pages into ``sink`` until the listing (or ``max_items``) ends."""
    pager: TicketPager | None = None
    pager_limit = 0
    if paths is not None:
        sink.mark(checkpoint)
        checkpoint.save(paths.checkpoint)
    if on_checkpoint is not None:
        on_checkpoint(checkpoint)
    while not checkpoint.finished:
        remaining = None if max_items is None else max_items - checkpoint.tickets
        if remaining is not None and remaining <= 0:
            break
        # The last page of a capped export asks for exactly what is missing.
        size = limit if remaining is None else min(limit, remaining)
        if pager is None or size != pager_limit:
            pager = client.list(
                checkpoint.org_id,
                profile_id=checkpoint.profile_id,
                limit=size,
                cursor=checkpoint.cursor,
                # A capped export does not look ahead: the page it would request early may
                # need a smaller limit, or not be wanted at all.
                prefetch=max_items is None,
            )
            pager_limit = size
        # A server may send more than the limit asked for: the page is cut at max_items,
        # and the cursor then stays at that page (resuming repeats the tickets kept).
        written = sink.write_next_page(pager._core, remaining)
        if written is None:
            checkpoint.finished = True
            checkpoint.cursor = None
            break
        checkpoint.tickets += written
        checkpoint.pages += 1
        checkpoint.finished = pager.finished
        checkpoint.cursor = None if pager.finished else pager.cursor
        sink.mark(checkpoint)
        if paths is not None:
            checkpoint.save(paths.checkpoint)
        if on_checkpoint is not None:
            on_checkpoint(checkpoint)
        if on_page is not None:
            on_page(written)
    if paths is not None:
        checkpoint.save(paths.checkpoint)
    sink.finish(paths.output if paths else None)
    if paths is not None:
        paths.checkpoint.unlink(missing_ok=True)
