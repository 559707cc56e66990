"""Progress bars for long conversions: a tqdm bar counting tickets, or nothing.

In a terminal the bar is tqdm's text on stderr; in a Jupyter notebook it is tqdm's widget
when ipywidgets is installed, and otherwise one line of text that is updated in place.
``tqdm.auto`` would fall back to stderr there, which warns "IProgress not found" and prints
a new fragment of text for every redraw.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

__all__ = ["Progress"]


class _DisplayLine:
    """A file for tqdm that shows only the latest bar, as one notebook output updated in
    place (IPython's display handles), instead of appending every redraw to stderr."""

    def __init__(self) -> None:
        self._handle: Any = None

    def write(self, text: str) -> None:
        line = text.strip("\r\n")
        if not line:
            return
        if self._handle is None:
            # IPython is there: this class is used only inside a Jupyter kernel.
            display: Any = importlib.import_module("IPython.display").display
            self._handle = display({"text/plain": line}, raw=True, display_id=True)
        else:
            self._handle.update({"text/plain": line}, raw=True)

    def flush(self) -> None:
        pass


def _in_notebook() -> bool:
    """Whether this is a Jupyter kernel, detected as tqdm.autonotebook does."""
    return "ipykernel.zmqshell" in sys.modules and "IPython" in sys.modules


def _bar_factory() -> tuple[Any, dict[str, Any]]:
    """The tqdm class to use here, with the extra arguments it needs."""
    if not _in_notebook():
        return importlib.import_module("tqdm.std").tqdm, {}
    if importlib.util.find_spec("ipywidgets") is not None:
        return importlib.import_module("tqdm.notebook").tqdm, {}
    std = importlib.import_module("tqdm.std")
    return std.tqdm, {"file": _DisplayLine(), "ascii": True, "ncols": 100}


class Progress:
    """Counts tickets on a tqdm bar when ``enabled``, else does nothing.

    The bar is a widget in Jupyter (with ipywidgets), one line of text updated in place in
    Jupyter without ipywidgets, and text on stderr elsewhere. ``total`` is None
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
        self._following = False
        self._count_pages = count_pages
        self._total = total
        self._desc = desc
        self._bar: Any = None
        # Imported now, so a missing tqdm fails before anything is fetched.
        self._tqdm: Any = None
        self._options: dict[str, Any] = {}
        if enabled:
            self._tqdm, self._options = _bar_factory()

    def follow(self, tickets: int, pages: int) -> None:
        """Where an export starts (only the first call counts), so a resumed export's bar
        starts at the tickets and pages already written."""
        if self._following:
            return
        self._following = True
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
                total=self._total,
                desc=self._desc,
                unit="ticket",
                initial=self.resumed,
                **self._options,
            )
        self._bar.update(count)
        if self._count_pages:
            self._bar.set_postfix_str(f"{self.pages} pages", refresh=False)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.close()
