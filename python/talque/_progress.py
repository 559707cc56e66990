"""Progress bars for long conversions: a tqdm.auto bar counting tickets, or nothing."""

from __future__ import annotations

from typing import Any

from ._extras import require

__all__ = ["Progress"]


class Progress:
    """Counts tickets on a ``tqdm.auto`` bar when ``enabled``, else does nothing.

    ``tqdm.auto`` draws a widget in Jupyter and text on stderr elsewhere. ``total`` is None
    when it is unknown (a listing). Use as a context manager so the bar closes on errors too.
    """

    def __init__(
        self, enabled: object, *, total: int | None, desc: str, count_pages: bool = False
    ) -> None:
        if not isinstance(enabled, bool):
            raise TypeError(f"progress must be a bool, not {type(enabled).__name__}")
        self.tickets = 0
        self.pages = 0
        self._count_pages = count_pages
        self._bar: Any = None
        if enabled:
            tqdm = require("tqdm.auto", needed_by="progress=True", extra="progress").tqdm
            self._bar = tqdm(total=total, desc=desc, unit="ticket")

    def update(self, count: int) -> None:
        """Counts one page (or batch) of ``count`` tickets; with ``count_pages`` the bar
        also shows how many pages so far."""
        self.tickets += count
        self.pages += 1
        if self._bar is not None:
            self._bar.update(count)
            if self._count_pages:
                self._bar.set_postfix_str(f"{self.pages} pages", refresh=False)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.close()
