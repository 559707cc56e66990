"""What every argument check shares, for the sync and the async client alike: a bad argument
raises TypeError/ValueError at the call, before anything is sent, and before the client
asks whether it is still open."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import pytest

import talque
from _arguments import PROVIDER, nothing_sent
from talque.testing import FakeServer

Call = Callable[[Any, str], Any]

BAD_CALLS = [
    pytest.param(
        lambda c, org: c.read(org, PROVIDER, "abc"), TypeError, "ticket_ids", id="str-ids"
    ),
    pytest.param(lambda c, org: c.read(org, "p\x1b", ["a"]), ValueError, "control", id="escape"),
    pytest.param(
        lambda c, org: c.read(org, PROVIDER, ["a\ud800"]), ValueError, None, id="surrogate"
    ),
    pytest.param(lambda c, org: c.list(org, limit=2**32), ValueError, "limit", id="limit-2**32"),
    pytest.param(lambda c, org: c.list(org, limit=1.0), TypeError, "limit", id="limit-float"),
    pytest.param(lambda c, org: c.list(org, cursor=""), ValueError, "cursor", id="cursor-empty"),
    pytest.param(lambda c, org: c.list(None), TypeError, "org_id", id="org-None"),
]


@pytest.mark.parametrize(("call", "error", "match"), BAD_CALLS)
def test_argument_errors_send_nothing(
    server: FakeServer, client_kind: type, call: Call, error: type, match: str | None
) -> None:
    async def main() -> None:
        client = client_kind(server.client_id, server.secret, base_url=server.url)
        try:
            with pytest.raises(error, match=match):
                # The async client's read() raises when awaited, its list() at the call.
                outcome = call(client, server.org_id)
                if inspect.isawaitable(outcome):
                    await outcome
        finally:
            client.close()

    asyncio.run(main())
    nothing_sent(server)


def test_validation_errors_come_before_a_closed_check(server: FakeServer) -> None:
    # A closed client still reports bad arguments as such, and sends nothing either way.
    client = server.client()
    client.close()
    with pytest.raises(TypeError):
        client.read(server.org_id, PROVIDER, "abc")
    with pytest.raises(talque.TalqueError):
        client.read(server.org_id, PROVIDER, ["abc"])
    with pytest.raises(talque.TalqueError):
        client.list(server.org_id)
    nothing_sent(server)
