"""Bad arguments raise TypeError/ValueError before anything is sent."""

from __future__ import annotations

import math
from typing import Any

import pytest

import talque
from talque.testing import FakeServer

PROVIDER = "eventbrite"


def _assert_nothing_sent(server: FakeServer) -> None:
    assert server.requests() == []


# ---------------------------------------------------------------------------------------
# read()

BAD_TICKET_IDS = [
    pytest.param("abc", TypeError, id="str"),
    pytest.param(b"abc", TypeError, id="bytes"),
    pytest.param(bytearray(b"abc"), TypeError, id="bytearray"),
    pytest.param(42, TypeError, id="int"),
    pytest.param(None, TypeError, id="None"),
    pytest.param(object(), TypeError, id="object"),
    pytest.param(["a", 1], TypeError, id="contains-int"),
    pytest.param(["a", None], TypeError, id="contains-None"),
    pytest.param(["a", b"b"], TypeError, id="contains-bytes"),
    pytest.param([("a",)], TypeError, id="contains-tuple"),
    pytest.param([""], ValueError, id="empty-id"),
    pytest.param(["a", ""], ValueError, id="empty-id-after-valid"),
    pytest.param(["a\x00b"], ValueError, id="control-char-id"),
]


@pytest.mark.parametrize(("ticket_ids", "error"), BAD_TICKET_IDS)
def test_read_rejects_bad_ticket_ids(
    server: FakeServer, client: talque.TalqueClient, ticket_ids: Any, error: type
) -> None:
    with pytest.raises(error):
        client.read(server.org_id, PROVIDER, ticket_ids)
    _assert_nothing_sent(server)


def test_read_str_ids_message_explains_the_mistake(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    with pytest.raises(TypeError, match="ticket_ids"):
        client.read(server.org_id, PROVIDER, "TICKET1")
    _assert_nothing_sent(server)


BAD_TEXT = [
    pytest.param(None, TypeError, id="None"),
    pytest.param(123, TypeError, id="int"),
    pytest.param(b"org", TypeError, id="bytes"),
    pytest.param(["org"], TypeError, id="list"),
    pytest.param("", ValueError, id="empty"),
    pytest.param("org\n", ValueError, id="control-char"),
]


@pytest.mark.parametrize(("org_id", "error"), BAD_TEXT)
def test_read_rejects_bad_org_id(
    server: FakeServer, client: talque.TalqueClient, org_id: Any, error: type
) -> None:
    with pytest.raises(error, match="org_id"):
        client.read(org_id, PROVIDER, ["a"])
    _assert_nothing_sent(server)


@pytest.mark.parametrize(("provider", "error"), BAD_TEXT)
def test_read_rejects_bad_provider(
    server: FakeServer, client: talque.TalqueClient, provider: Any, error: type
) -> None:
    with pytest.raises(error, match="provider"):
        client.read(server.org_id, provider, ["a"])
    _assert_nothing_sent(server)


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
    _assert_nothing_sent(server)


def test_read_accepts_any_iterable_of_str(server: FakeServer, client: talque.TalqueClient) -> None:
    # The positive counterpart of the checks above: valid iterables do reach the server.
    ticket = server.tickets()[0]
    ids = (tid for tid in [ticket["ticketId"], ticket["ticketId"]])
    result = client.read(server.org_id, ticket["provider"], ids)
    assert list(result) == [ticket["ticketId"]]
    assert len(server.requests("read")) == 1


# ---------------------------------------------------------------------------------------
# list()

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
    _assert_nothing_sent(server)


@pytest.mark.parametrize(("org_id", "error"), BAD_TEXT)
def test_list_rejects_bad_org_id(
    server: FakeServer, client: talque.TalqueClient, org_id: Any, error: type
) -> None:
    with pytest.raises(error, match="org_id"):
        client.list(org_id)
    _assert_nothing_sent(server)


def test_list_is_lazy(server: FakeServer, client: talque.TalqueClient) -> None:
    pager = client.list(server.org_id, limit=10, prefetch=False)
    assert isinstance(pager, talque.TicketPager)
    _assert_nothing_sent(server)
    iterator = iter(pager)
    _assert_nothing_sent(server)
    first = next(iterator)
    assert first == server.tickets()[0]
    assert len(server.requests("list")) == 1


def test_list_limit_is_the_page_size_sent(server: FakeServer, client: talque.TalqueClient) -> None:
    # The smallest valid limit works, proving the rejections above are about validity.
    # No look-ahead: a prefetched second request could reach the log before the assertion.
    page = next(client.list(server.org_id, limit=1, prefetch=False).pages())
    assert len(page["tickets"]) == 1
    assert [r["body"]["limit"] for r in server.requests("list")] == [1]


# ---------------------------------------------------------------------------------------
# TalqueClient(...)

BAD_CLIENT_ARGS = [
    pytest.param({"timeout": 0}, ValueError, id="timeout-0"),
    pytest.param({"timeout": -1.0}, ValueError, id="timeout-negative"),
    pytest.param({"timeout": math.nan}, ValueError, id="timeout-nan"),
    pytest.param({"timeout": math.inf}, ValueError, id="timeout-inf"),
    pytest.param({"timeout": True}, TypeError, id="timeout-bool"),
    pytest.param({"timeout": "5"}, TypeError, id="timeout-str"),
    pytest.param({"max_retries": -1}, ValueError, id="retries-negative"),
    pytest.param({"max_retries": True}, TypeError, id="retries-bool"),
    pytest.param({"max_retries": 1.0}, TypeError, id="retries-float"),
    pytest.param({"base_url": "ftp://127.0.0.1"}, ValueError, id="url-ftp"),
    pytest.param({"base_url": "127.0.0.1:8080"}, ValueError, id="url-no-scheme"),
    pytest.param({"base_url": "event.talque.com"}, ValueError, id="url-bare-host"),
    pytest.param({"base_url": ""}, ValueError, id="url-empty"),
    pytest.param({"base_url": 8080}, TypeError, id="url-int"),
    pytest.param({"client_id": 123}, TypeError, id="client-id-int"),
    pytest.param({"secret": b"bytes-secret"}, TypeError, id="secret-bytes"),
]


@pytest.mark.parametrize(("kwargs", "error"), BAD_CLIENT_ARGS)
def test_client_rejects_bad_arguments(
    server: FakeServer, kwargs: dict[str, Any], error: type
) -> None:
    with pytest.raises(error):
        server.client(**kwargs)
    _assert_nothing_sent(server)


CONTROL_SECRETS = [
    pytest.param("s3cr3t\nVALUE", id="newline"),
    pytest.param("s3cr3t\rVALUE", id="carriage-return"),
    pytest.param("s3cr3t\x00VALUE", id="nul"),
    pytest.param("s3cr3t\tVALUE", id="tab"),
    pytest.param("s3cr3t\x7fVALUE", id="del"),
    pytest.param("s3cr3tVALUE\r\nX-Injected: 1", id="header-injection"),
]


@pytest.mark.parametrize("secret", CONTROL_SECRETS)
def test_control_characters_in_secret_are_rejected_without_echo(
    server: FakeServer, secret: str
) -> None:
    with pytest.raises(ValueError, match="secret") as info:
        server.client(secret=secret)
    for text in (str(info.value), repr(info.value), repr(info.value.args)):
        assert "s3cr3t" not in text
        assert "VALUE" not in text
    _assert_nothing_sent(server)


@pytest.mark.parametrize("client_id", ["id\nX", "id\x00", "id\r\nX-Injected: 1", "id\x1b[0m"])
def test_control_characters_in_client_id_are_rejected(server: FakeServer, client_id: str) -> None:
    with pytest.raises(ValueError, match="client_id"):
        server.client(client_id=client_id)
    _assert_nothing_sent(server)


def test_empty_credentials_are_rejected(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TALQUE_CLIENT_ID", raising=False)
    monkeypatch.delenv("TALQUE_SECRET", raising=False)
    for kwargs in ({"client_id": ""}, {"secret": ""}):
        with pytest.raises((talque.TalqueError, ValueError)):
            server.client(**kwargs)
    _assert_nothing_sent(server)


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
    _assert_nothing_sent(server)
