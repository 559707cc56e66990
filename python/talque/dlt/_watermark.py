"""The per-organization high-water mark on ``mtime`` that makes loads incremental.

The list endpoint cannot filter by time, so every page is still fetched; what the mark saves
is loading, normalizing and merging the unchanged tickets. A mark is the latest ``mtime``
loaded plus the ids of the tickets at exactly that instant (so a ticket changed in the same
millisecond as the mark is neither lost nor loaded twice). It is kept in dlt's resource state,
one entry per organization, so an organization added to the source later has no mark and
loads all its tickets.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]

__all__ = ["Watermark"]

# The resource's timestamps are in microseconds; the marks are kept in milliseconds, the API's unit.
_US = pa.timestamp("us", tz="UTC")


class Watermark:
    """Filters an organization's pages by its old mark while computing the next one.

    Args:
        state: The organization's entry in the resource state, ``{"mtime": ms, "ids": [...]}``
            (None when it has never been loaded).
        started_ms: When this listing began (ms since the epoch). The next mark never passes
            it: a ticket edited while the listing runs may sit on a page already fetched, so
            its new ``mtime`` must stay after the mark and load next time.
    """

    def __init__(self, state: dict[str, Any] | None, *, started_ms: int) -> None:
        self._mtime: int | None = state["mtime"] if state else None
        self._ids: set[str] = set(state["ids"]) if state else set()
        self._started_ms = started_ms
        self._next_mtime = self._mtime
        self._next_ids = set(self._ids)

    def changed(self, table: pa.Table) -> pa.Table:
        """The rows of ``table`` changed since the old mark; records them for the next one.

        A ticket without ``mtime`` cannot be compared, so it counts as changed every time.
        """
        self._observe(table)
        if self._mtime is None:
            return table
        mtime = table["mtime"]
        mark = pa.scalar(self._mtime * 1000, _US)
        at_mark = pc.and_(
            pc.equal(mtime, mark),
            pc.invert(pc.is_in(table["orgTicketId"], value_set=pa.array(sorted(self._ids)))),
        )
        keep = pc.or_kleene(pc.or_kleene(pc.greater(mtime, mark), at_mark), pc.is_null(mtime))
        return table.filter(pc.fill_null(keep, True))

    def _observe(self, table: pa.Table) -> None:
        times = pc.divide(pc.cast(table["mtime"], pa.int64()), 1000)
        eligible = pc.less_equal(times, self._started_ms)
        latest = pc.max(pc.filter(times, eligible)).as_py()
        if latest is None or (self._next_mtime is not None and latest < self._next_mtime):
            return
        ids = pc.filter(table["orgTicketId"], pc.equal(times, latest)).to_pylist()
        if latest != self._next_mtime:
            self._next_mtime, self._next_ids = latest, set()
        self._next_ids.update(ids)

    def state(self) -> dict[str, Any] | None:
        """The next mark, to store once every page of the listing has been yielded."""
        if self._next_mtime is None:
            return None
        return {"mtime": self._next_mtime, "ids": sorted(self._next_ids)}
