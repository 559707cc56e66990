"""Progress bars for long conversions: a tqdm.auto bar counting tickets, or nothing."""

from __future__ import annotations

from typing import Any

from ._extras import require

__all__ = ["Progress"]


class Progress:
    """Counts tickets on a ``tqdm.auto`` bar when ``enabled``, else does nothing.

    ``tqdm.auto`` draws a widget in Jupyter and text on stderr elsewhere. ``total`` is None
    when it is unknown (a listing). The bar appears with the first :meth:`update`, so an
    error before the first answer (bad arguments, refused credentials) draws no bar. Use as
    a context manager so the bar closes on errors too.
    """

    def __init__(
        self, enabled: object, *, total: int | None, desc: str, count_pages: bool = False
    ) -> None:
        if not isinstance(enabled, bool):
            raise TypeError(f"progress must be a bool, not {type(enabled).__name__}")
        self.tickets = 0
        self.pages = 0
        # Tickets counted before this run (a resumed export): the bar starts there.
        self.resumed = 0
        self._count_pages = count_pages
        self._total = total
        self._desc = desc
        self._bar: Any = None
        # Imported now, so a missing tqdm fails before anything is fetched.
        self._tqdm: Any = (
            require("tqdm.auto", needed_by="progress=True", extra="progress").tqdm
            if enabled
            else None
        )

    def start_at(self, tickets: int, pages: int) -> None:
        """Counts ``tickets`` in ``pages`` that an earlier run already delivered."""
        self.tickets = self.resumed = tickets
        self.pages = pages

    def update(self, count: int) -> None:
        """Counts one page (or batch) of ``count`` tickets; with ``count_pages`` the bar
        also shows how many pages so far."""
        self.tickets += count
        self.pages += 1
        if self._tqdm is None:
            return
        if self._bar is None:
            self._bar = self._tqdm(
                total=self._total, desc=self._desc, unit="ticket", initial=self.resumed
            )
        self._bar.update(count)
        if self._count_pages:
            self._bar.set_postfix_str(f"{self.pages} pages", refresh=False)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.close()
