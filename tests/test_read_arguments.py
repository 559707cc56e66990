"""read()'s ticket_ids: what it takes (any iterable of str, str subclasses, mapping keys,
nothing at all) and what it refuses (a single str, non-str ids, empty ids) with a
TypeError/ValueError naming ticket_ids, before anything is sent. org_id and provider follow
the rules of every text argument (tests/test_text_arguments.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import talque
from _arguments import PROVIDER, nothing_sent
from talque.testing import FakeServer

BAD_TICKET_IDS = [
    pytest.param("abc", TypeError, id="str"),
    pytest.param("TICKET1", TypeError, id="str-one-id"),
    pytest.param(b"abc", TypeError, id="bytes"),
    pytest.param(bytearray(b"abc"), TypeError, id="bytearray"),
    pytest.param(memoryview(b"ab"), TypeError, id="memoryview"),
    pytest.param(42, TypeError, id="int"),
    pytest.param(None, TypeError, id="None"),
    pytest.param(object(), TypeError, id="object"),
    pytest.param({"a": 1, "b": 2}.items(), TypeError, id="dict-items"),
    pytest.param(["a", 1], TypeError, id="contains-int"),
    pytest.param(["a", None], TypeError, id="contains-None"),
    pytest.param(["a", b"b"], TypeError, id="contains-bytes"),
    pytest.param([("a",)], TypeError, id="contains-tuple"),
    pytest.param([["a"]], TypeError, id="nested-list"),
    pytest.param([1.5], TypeError, id="float"),
    pytest.param([True], TypeError, id="bool"),
    pytest.param(["a", ...], TypeError, id="ellipsis"),
    pytest.param([""], ValueError, id="empty-id"),
    pytest.param(["a", ""], ValueError, id="empty-id-after-valid"),
    pytest.param(["a\x00b"], ValueError, id="control-char-id"),
]


@pytest.mark.parametrize(("ticket_ids", "error"), BAD_TICKET_IDS)
def test_read_rejects_bad_ticket_ids(
    server: FakeServer, client: talque.TalqueClient, ticket_ids: Any, error: type
) -> None:
    with pytest.raises(error, match="ticket_ids"):
        client.read(server.org_id, PROVIDER, ticket_ids)
    nothing_sent(server)


def test_an_iterator_that_fails_midway_sends_nothing(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    def ids() -> Iterator[str]:
        yield "a"
        raise KeyError("boom")

    with pytest.raises(KeyError):
        client.read(server.org_id, PROVIDER, ids())
    nothing_sent(server)


@pytest.mark.parametrize(
    "empty",
    [
        pytest.param([], id="list"),
        pytest.param((), id="tuple"),
        pytest.param(iter(()), id="iterator"),
    ],
)
def test_read_of_no_ids_sends_nothing(
    server: FakeServer, client: talque.TalqueClient, empty: Any
) -> None:
    result = client.read(server.org_id, PROVIDER, empty)
    assert isinstance(result, talque.ReadResult)
    assert isinstance(result, dict)
    assert dict(result) == {}
    assert result.org_id == server.org_id
    assert result.provider == PROVIDER
    nothing_sent(server)


def test_read_accepts_any_iterable_of_str(server: FakeServer, client: talque.TalqueClient) -> None:
    # The positive counterpart of the checks above: valid iterables do reach the server.
    ticket = server.tickets()[0]
    ids = (tid for tid in [ticket["ticketId"], ticket["ticketId"]])
    result = client.read(server.org_id, ticket["provider"], ids)
    assert list(result) == [ticket["ticketId"]]
    assert len(server.requests("read")) == 1


def test_str_subclasses_and_mapping_keys_are_accepted(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    class Id(str):
        pass

    ticket = server.tickets()[0]
    result = client.read(server.org_id, ticket["provider"], {Id(ticket["ticketId"]): None})
    assert list(result) == [ticket["ticketId"]]
    assert server.requests("read")[0]["body"]["ticketIdList"] == [ticket["ticketId"]]
