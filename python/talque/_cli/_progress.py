"""Progress on stderr, only when a person is watching (stderr is a terminal)."""

from __future__ import annotations

import sys
import time
from typing import Any

__all__ = ["Progress"]


class Progress:
    """Counts tickets and pages; draws a tqdm bar on a terminal, else stays silent."""

    def __init__(self, *, total: int | None, quiet: bool) -> None:
        self.tickets = 0
        self.pages = 0
        self.started = time.monotonic()
        self._bar: Any = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, unit=" tickets", unit_scale=True, file=sys.stderr, leave=False
            )

    def page(self, tickets: int) -> None:
        self.tickets += tickets
        self.pages += 1
        if self._bar is not None:
            self._bar.update(tickets)
            self._bar.set_postfix_str(f"{self.pages} pages", refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started
