"""Helpers of the argument tests: one call per text argument of read() and list()."""

from __future__ import annotations

from typing import Any

import talque
from talque.testing import FakeServer

PROVIDER = "eventbrite"

# Every text argument a caller passes to read() or list().
TEXT_ARGUMENTS = ["org_id", "provider", "ticket_id", "profile_id", "cursor"]


def nothing_sent(server: FakeServer) -> None:
    assert server.requests() == []


def call_with(client: talque.TalqueClient, org_id: str, where: str, value: str) -> Any:
    """read() or list() with ``value`` as the argument ``where`` and valid others (``org_id``
    for the rest). A ticket id goes after a valid one; list()'s pager is returned unread."""
    if where == "org_id":
        return client.read(value, PROVIDER, ["x"])
    if where == "provider":
        return client.read(org_id, value, ["x"])
    if where == "ticket_id":
        return client.read(org_id, PROVIDER, ["ok", value])
    if where == "profile_id":
        return client.list(org_id, profile_id=value)
    return client.list(org_id, cursor=value)
