"""TypedDicts describing the JSON values talque returns.

They are plain ``dict`` objects at run time, exactly as the server sent them (unknown extra
keys included); these types exist for editors and type checkers. Keys the API documents as
optional may be absent.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["Holder", "Ticket", "TicketPage", "TicketResult"]


class Holder(TypedDict, total=False):
    """A ticket holder or purchaser. Every key may be absent or null."""

    email: str | None
    firstName: str | None
    lastName: str | None
    companyName: str | None
    jobTitle: str | None
    extUserId: str | None
    locale: str | None


class _TicketRequired(TypedDict):
    orgTicketId: str
    ticketId: str
    ctime: int
    mtime: int
    provider: str
    isTest: bool
    tickets: list[str]
    categories: list[str]
    course: str
    isVip: bool
    eventIds: list[str]
    extEventIds: list[str]
    vendorIds: list[str]
    extVendorIds: list[str]
    checkIns: list[int]
    isCheckInReset: bool
    holder: Holder


class Ticket(_TicketRequired, total=False):
    """One ticket. ``ctime``, ``mtime`` and ``checkIns`` are epoch milliseconds (UTC)."""

    category: str | None
    extImageUrl: str | None
    mainId: str | None
    purchaser: Holder | None
    purchaseOrderId: str | None
    extPurchaseOrderId: str | None
    extSurveyId: str | None
    extData: Any


class TicketResult(TypedDict):
    """The result for one id of a read: ``model`` is the ticket, or None if not found.

    ``reason`` is the API's code (``"SUCCESS"``, ``"NOT_FOUND"``, ...), passed through as
    sent; ``"MISSING_FROM_RESPONSE"`` marks an id the server's answer left out.
    """

    success: bool
    reason: str
    model: Ticket | None


class TicketPage(TypedDict):
    """One page of a listing, as the API sent it."""

    orgId: str
    tickets: list[Ticket]
    cursor: str | None
    more: bool
