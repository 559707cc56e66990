"""ReadResult: the answer to ``TalqueClient.read``."""

from __future__ import annotations

from typing import Any

from ._types import TicketResult

__all__ = ["ReadResult"]


class ReadResult(dict[str, TicketResult]):
    """A ``dict`` mapping every requested ticket id to its :class:`TicketResult`.

    Keys are the requested ids, deduplicated, in request order. An id the server did not
    answer for is present with ``success`` False and reason ``"MISSING_FROM_RESPONSE"``.

    Attributes:
        org_id: The organization that was read.
        provider: The ticket provider that was read.
    """

    org_id: str
    provider: str

    def __init__(self, results: dict[str, TicketResult], *, org_id: str, provider: str) -> None:
        super().__init__(results)
        self.org_id = org_id
        self.provider = provider

    @property
    def found(self) -> dict[str, TicketResult]:
        """The results whose ``success`` is true."""
        return {key: value for key, value in self.items() if value.get("success")}

    def __repr__(self) -> str:
        found = sum(1 for value in self.values() if value.get("success"))
        return (
            f"ReadResult(org_id={self.org_id!r}, provider={self.provider!r}, "
            f"ids={len(self)}, found={found})"
        )

    def __reduce__(self) -> Any:
        return (_rebuild, (dict(self), self.org_id, self.provider))


def _rebuild(results: dict[str, TicketResult], org_id: str, provider: str) -> ReadResult:
    return ReadResult(results, org_id=org_id, provider=provider)
