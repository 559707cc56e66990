"""list()'s arguments: limit (an int from 1 to 2**32 - 1, an IntEnum sent as a plain int),
profile_id and cursor (non-empty str), each refused with a TypeError/ValueError naming it
before anything is sent; and list() itself sends nothing until its pager is read. org_id
follows the rules of every text argument (tests/test_text_arguments.py)."""

from __future__ import annotations

import enum
from typing import Any

import pytest

import talque
from _arguments import nothing_sent
from talque.testing import FakeServer


class Size(enum.IntEnum):
    SMALL = 7


BAD_LIST_ARGS = [
    pytest.param({"limit": 0}, ValueError, id="limit-0"),
    pytest.param({"limit": -1}, ValueError, id="limit-negative"),
    pytest.param({"limit": True}, TypeError, id="limit-True"),
    pytest.param({"limit": False}, TypeError, id="limit-False"),
    pytest.param({"limit": 1.5}, TypeError, id="limit-float"),
    pytest.param({"limit": 10.0}, TypeError, id="limit-integral-float"),
    pytest.param({"limit": "10"}, TypeError, id="limit-str"),
    pytest.param({"limit": None}, TypeError, id="limit-None"),
    pytest.param({"limit": 2**40}, ValueError, id="limit-huge"),
    pytest.param({"limit": 2**32}, ValueError, id="limit-u32-max-plus-1"),
    pytest.param({"limit": 2**64}, ValueError, id="limit-2**64"),
    pytest.param({"limit": 10**100}, ValueError, id="limit-googol"),
    pytest.param({"limit": -(2**100)}, ValueError, id="limit-huge-negative"),
    pytest.param({"limit": float("nan")}, TypeError, id="limit-nan"),
    pytest.param({"limit": float("inf")}, TypeError, id="limit-inf"),
    pytest.param({"limit": b"10"}, TypeError, id="limit-bytes"),
    pytest.param({"limit": [10]}, TypeError, id="limit-list"),
    pytest.param({"profile_id": 123}, TypeError, id="profile-int"),
    pytest.param({"profile_id": b"p"}, TypeError, id="profile-bytes"),
    pytest.param({"profile_id": ""}, ValueError, id="profile-empty"),
    pytest.param({"cursor": 123}, TypeError, id="cursor-int"),
    pytest.param({"cursor": b"c"}, TypeError, id="cursor-bytes"),
    pytest.param({"cursor": ["c"]}, TypeError, id="cursor-list"),
    pytest.param({"cursor": ""}, ValueError, id="cursor-empty"),
]


@pytest.mark.parametrize(("kwargs", "error"), BAD_LIST_ARGS)
def test_list_rejects_bad_arguments(
    server: FakeServer, client: talque.TalqueClient, kwargs: dict[str, Any], error: type
) -> None:
    with pytest.raises(error, match=next(iter(kwargs))):
        client.list(server.org_id, **kwargs)
    nothing_sent(server)


def test_list_is_lazy(server: FakeServer, client: talque.TalqueClient) -> None:
    pager = client.list(server.org_id, limit=10, prefetch=False)
    assert isinstance(pager, talque.TicketPager)
    nothing_sent(server)
    iterator = iter(pager)
    nothing_sent(server)
    first = next(iterator)
    assert first == server.tickets()[0]
    assert len(server.requests("list")) == 1


def test_list_limit_is_the_page_size_sent(server: FakeServer, client: talque.TalqueClient) -> None:
    # The smallest valid limit works, proving the rejections above are about validity.
    # No look-ahead: a prefetched second request could reach the log before the assertion.
    page = next(client.list(server.org_id, limit=1, prefetch=False).pages())
    assert len(page["tickets"]) == 1
    assert [r["body"]["limit"] for r in server.requests("list")] == [1]


def test_the_largest_limit_is_sent_and_the_server_decides(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    with pytest.raises(talque.BadRequestError):
        next(iter(client.list(server.org_id, limit=2**32 - 1)))
    (entry,) = server.requests("list")
    assert entry["body"]["limit"] == 2**32 - 1


def test_an_int_enum_limit_is_sent_as_a_plain_int(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    page = next(client.list(server.org_id, limit=Size.SMALL, prefetch=False).pages())
    assert len(page["tickets"]) == 7
    assert server.requests("list")[0]["body"]["limit"] == 7
