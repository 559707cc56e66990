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

    def __init__(self, enabled: object, *, total: int | None, desc: str) -> None:
        if not isinstance(enabled, bool):
            raise TypeError(f"progress must be a bool, not {type(enabled).__name__}")
        self._bar: Any = None
        if enabled:
            tqdm = require("tqdm.auto", needed_by="progress=True", extra="progress").tqdm
            self._bar = tqdm(total=total, desc=desc, unit="ticket")

    def update(self, count: int) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.close()
