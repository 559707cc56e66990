"""Text arguments of read() and list() (org_id, provider, a ticket id, profile_id, cursor):
the rules every one of them shares -- a str, not empty, no control character, no lone
surrogate -- and valid Unicode goes out intact. A rejected argument raises
TypeError/ValueError and sends nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

import talque
from _arguments import TEXT_ARGUMENTS, call_with, nothing_sent
from talque.testing import FakeServer

CONTROL_CHARS = ["\x00", "\x01", "\t", "\n", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f"]

BAD_TEXT = [
    pytest.param(None, TypeError, id="None"),
    pytest.param(123, TypeError, id="int"),
    pytest.param(b"org", TypeError, id="bytes"),
    pytest.param(["org"], TypeError, id="list"),
    pytest.param("", ValueError, id="empty"),
    pytest.param("org\n", ValueError, id="control-char"),
]


@pytest.mark.parametrize(("value", "error"), BAD_TEXT)
@pytest.mark.parametrize("where", ["read-org_id", "read-provider", "list-org_id"])
def test_bad_org_id_and_provider_are_refused(
    server: FakeServer, client: talque.TalqueClient, where: str, value: Any, error: type
) -> None:
    method, name = where.split("-")
    with pytest.raises(error, match=name):
        if method == "list":
            client.list(value)
        else:
            call_with(client, server.org_id, name, value)
    nothing_sent(server)


@pytest.mark.parametrize("char", CONTROL_CHARS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("where", TEXT_ARGUMENTS)
def test_every_control_character_is_refused_everywhere(
    server: FakeServer, client: talque.TalqueClient, char: str, where: str
) -> None:
    with pytest.raises(ValueError, match="control" if where != "ticket_id" else "ticket_ids"):
        call_with(client, server.org_id, where, f"a{char}b")
    nothing_sent(server)


@pytest.mark.parametrize("where", TEXT_ARGUMENTS)
def test_lone_surrogates_are_a_value_error_and_nothing_is_sent(
    server: FakeServer, client: talque.TalqueClient, where: str
) -> None:
    # A str with a lone surrogate cannot be encoded as UTF-8 JSON; UnicodeEncodeError is a
    # ValueError, and it is raised before anything goes out, even when a pager is read.
    with pytest.raises(ValueError):
        list(call_with(client, server.org_id, where, "a\ud800b"))
    nothing_sent(server)


def test_unicode_arguments_go_out_intact(server: FakeServer, client: talque.TalqueClient) -> None:
    org = "org-\U0001f600-\u00e9-\u2028-\ufeff-\U0010ffff"
    with pytest.raises(talque.NotFoundError):
        client.read(org, "prov-\u00e9", ["id-\U0001f600", "id-\u0085"])
    (entry,) = server.requests("read")
    assert entry["body"] == {
        "orgId": org,
        "provider": "prov-\u00e9",
        "ticketIdList": ["id-\U0001f600", "id-\u0085"],
    }
