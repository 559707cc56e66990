"""TypedDicts describing the JSON values talque returns.

They are plain ``dict`` objects at run time, exactly as the server sent them (unknown extra
keys included); these types exist for editors and type checkers. Keys the API documents as
optional may be absent.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, TypedDict

__all__ = ["Holder", "Ticket", "TicketPage", "TicketResult"]


class Holder(TypedDict, total=False):
    """A ticket holder or purchaser. Every key may be absent or null."""

    email: Optional[str]
    firstName: Optional[str]
    lastName: Optional[str]
    companyName: Optional[str]
    jobTitle: Optional[str]
    extUserId: Optional[str]
    locale: Optional[str]


class _TicketRequired(TypedDict):
    orgTicketId: str
    ticketId: str
    ctime: int
    mtime: int
    provider: str
    isTest: bool
    tickets: List[str]
    categories: List[str]
    course: str
    isVip: bool
    eventIds: List[str]
    extEventIds: List[str]
    vendorIds: List[str]
    extVendorIds: List[str]
    checkIns: List[int]
    isCheckInReset: bool
    holder: Holder


class Ticket(_TicketRequired, total=False):
    """One ticket. ``ctime``, ``mtime`` and ``checkIns`` are epoch milliseconds (UTC)."""

    category: Optional[str]
    extImageUrl: Optional[str]
    mainId: Optional[str]
    purchaser: Optional[Holder]
    purchaseOrderId: Optional[str]
    extPurchaseOrderId: Optional[str]
    extSurveyId: Optional[str]
    extData: Any


class TicketResult(TypedDict):
    """The result for one id of a read: ``model`` is the ticket, or None if not found.

    ``reason`` is the API's code (``"SUCCESS"``, ``"NOT_FOUND"``, ...), passed through as
    sent; ``"MISSING_FROM_RESPONSE"`` marks an id the server's answer left out.
    """

    success: bool
    reason: str
    model: Optional[Ticket]


class TicketPage(TypedDict):
    """One page of a listing, as the API sent it."""

    orgId: str
    tickets: List[Ticket]
    cursor: Optional[str]
    more: bool


TicketById = Dict[str, TicketResult]
