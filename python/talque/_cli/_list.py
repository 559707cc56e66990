"""``talque list``: export an organization's tickets."""

from __future__ import annotations

import argparse
import sys
import time

from .._export import ExportResult
from ._connect import client_from_args

__all__ = ["ResumeHint", "run_list"]


class ResumeHint:
    """Where a failed export can continue, kept up to date page by page."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._to_file = args.output is not None
        self.cursor: str | None = args.cursor
        # Pages in the output so far: with none, there is nothing to resume.
        self.pages = 0

    def update(self, snapshot: ExportResult) -> None:
        """The export's ``on_page``: the output so far."""
        self.cursor = snapshot.cursor
        self.pages = snapshot.pages

    def __str__(self) -> str:
        at = f" (at cursor {self.cursor})" if self.cursor is not None else ""
        if self._to_file and self.pages > 0:
            return f"run the same command with --resume to continue{at}"
        if self.cursor is None:
            return "run the same command again to start over"
        return f"continue with --cursor {self.cursor}"


def run_list(args: argparse.Namespace, hint: ResumeHint) -> int:
    if args.output is None:
        sys.stdout.flush()
    # A bar only for a person watching: stderr a terminal, and not --quiet.
    shown = not args.quiet and sys.stderr.isatty()
    started = time.monotonic()
    with client_from_args(args) as client:
        result = client.export(
            args.org_id,
            args.output if args.output is not None else sys.stdout.fileno(),
            format=args.format,
            profile_id=args.profile_id,
            limit=args.page_size,
            max_items=args.max_items,
            cursor=args.cursor,
            resume=args.resume,
            progress=shown,
            on_page=hint.update,
        )
    seconds = time.monotonic() - started
    if not args.quiet:
        print(_summary(result, seconds), file=sys.stderr)
        if result.cursor is not None:
            more = f"talque: more tickets remain: continue with --cursor {result.cursor}"
            print(more, file=sys.stderr)
    return 0


def _summary(result: ExportResult, seconds: float) -> str:
    """One line: the whole export's counts, and the rate of the tickets this run fetched."""
    where = f" to {result.output}" if result.output is not None else ""
    new = result.fetched
    rate = new / seconds if seconds > 0 else 0.0
    earlier = result.tickets - new
    resumed = f" (resumed: {earlier:,} already written, {new:,} new)" if result.resumed else ""
    return (
        f"talque: exported {result.tickets:,} tickets in {result.pages:,} pages{where}"
        f"{resumed}, {seconds:.1f} s, {rate:,.0f} tickets/s"
    )
