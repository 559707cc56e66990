"""``talque list``: export an organization's tickets."""

from __future__ import annotations

import argparse
import sys
import time

from .._export import export_tickets
from .._export_state import Checkpoint
from .._progress import Progress
from ._connect import client_from_args

__all__ = ["ResumeHint", "run_list"]


class ResumeHint:
    """Where a failed export can continue, kept up to date page by page."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._to_file = args.output is not None
        self.cursor: str | None = args.cursor

    def update(self, checkpoint: Checkpoint) -> None:
        self.cursor = checkpoint.cursor

    def __str__(self) -> str:
        at = f" (at cursor {self.cursor})" if self.cursor is not None else ""
        if self._to_file:
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
    with (
        Progress(shown, total=args.max_items, desc="exporting tickets", count_pages=True) as bar,
        client_from_args(args) as client,
    ):
        result = export_tickets(
            client,
            args.org_id,
            args.output if args.output is not None else sys.stdout.fileno(),
            format=args.format,
            profile_id=args.profile_id,
            limit=args.page_size,
            max_items=args.max_items,
            cursor=args.cursor,
            resume=args.resume,
            on_page=bar.update,
            on_checkpoint=hint.update,
        )
    seconds = time.monotonic() - started
    if not args.quiet:
        where = f" to {result.output}" if result.output is not None else ""
        resumed = " (resumed)" if result.resumed else ""
        # The rate of this run: a resumed export's earlier tickets are not in bar.tickets.
        rate = bar.tickets / seconds if seconds > 0 else 0.0
        print(
            f"talque: exported {result.tickets:,} tickets in {result.pages:,} pages{where}"
            f"{resumed}, {seconds:.1f} s, {rate:,.0f} tickets/s",
            file=sys.stderr,
        )
        if result.cursor is not None:
            more = f"talque: more tickets remain: continue with --cursor {result.cursor}"
            print(more, file=sys.stderr)
    return 0
