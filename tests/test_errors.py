"""Every failure surfaces as a typed talque exception carrying the server's words."""

from __future__ import annotations

import pickle
import socket

import pytest

import talque
from talque.testing import FakeServer


def test_unknown_org_is_not_found(server: FakeServer, client: talque.TalqueClient) -> None:
    with pytest.raises(talque.NotFoundError) as info:
        list(client.list("orgDoesNotExist000001"))
    err = info.value
    assert isinstance(err, talque.APIStatusError) and isinstance(err, talque.TalqueError)
    assert err.status_code == 404
    assert err.reason == "NOT_FOUND"
    assert err.message == "orgId does not exist"
    assert "orgId does not exist" in str(err)
    assert '"success":false' in err.body.replace(" ", "")


def test_forbidden_org(server: FakeServer, client: talque.TalqueClient) -> None:
    with pytest.raises(talque.PermissionDeniedError) as info:
        client.read(server.forbidden_org_id, "pretix", ["a"])
    assert info.value.status_code == 403


def test_wrong_secret(server: FakeServer) -> None:
    with server.client(secret="wrong-secret") as client:
        with pytest.raises(talque.AuthenticationError) as info:
            list(client.list(server.org_id))
    assert info.value.status_code == 401
    assert len(server.requests()) == 1  # 401 is never retried


def test_bad_limit_is_a_bad_request(server: FakeServer, client: talque.TalqueClient) -> None:
    with pytest.raises(talque.BadRequestError) as info:
        list(client.list(server.org_id, limit=1_000_000))
    assert info.value.status_code == 400 and info.value.message


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, talque.BadRequestError),
        (401, talque.AuthenticationError),
        (403, talque.PermissionDeniedError),
        (404, talque.NotFoundError),
        (409, talque.APIStatusError),
        (429, talque.RateLimitError),
        (500, talque.InternalServerError),
        (503, talque.InternalServerError),
    ],
)
def test_each_status_maps_to_its_class(server: FakeServer, status: int, cls: type) -> None:
    server.fail("status", status=status, times=10)
    with server.client(max_retries=0) as client:
        with pytest.raises(cls) as info:
            client.read(server.org_id, "pretix", ["a"])
    assert type(info.value) is cls
    assert info.value.status_code == status


def test_exceptions_survive_pickle(server: FakeServer, client: talque.TalqueClient) -> None:
    with pytest.raises(talque.NotFoundError) as info:
        client.read("orgDoesNotExist000001", "pretix", ["a"])
    clone = pickle.loads(pickle.dumps(info.value))
    assert type(clone) is talque.NotFoundError
    assert (clone.status_code, clone.reason, clone.message, clone.body) == (
        info.value.status_code,
        info.value.reason,
        info.value.message,
        info.value.body,
    )
    assert str(clone) == str(info.value)
    for err in (
        talque.APIConnectionError("down"),
        talque.APITimeoutError("slow"),
        talque.InvalidResponseError("bad"),
        talque.TalqueError("base"),
    ):
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is type(err) and str(again) == str(err)


def test_not_json_is_an_invalid_response(server: FakeServer, client: talque.TalqueClient) -> None:
    server.fail("not_json", endpoint="list")
    with pytest.raises(talque.InvalidResponseError, match=r"(?i)content.type|json"):
        list(client.list(server.org_id))
    assert len(server.requests()) == 1  # not retried


@pytest.mark.parametrize("kind", ["bad_json", "truncate"])
def test_malformed_json_is_an_invalid_response(
    server: FakeServer, client: talque.TalqueClient, kind: str
) -> None:
    server.fail(kind, endpoint="list")
    with pytest.raises(talque.InvalidResponseError):
        list(client.list(server.org_id))


@pytest.mark.parametrize(
    "body",
    [
        '{"orgId": "o", "tickets": "nope", "cursor": null, "more": false}',
        '{"orgId": "o", "tickets": [1, 2], "cursor": null, "more": false}',
        '{"orgId": "o", "tickets": [], "cursor": null}',
        '{"orgId": "o", "tickets": [], "cursor": 5, "more": false}',
        "[]",
    ],
)
def test_wrong_shape_is_an_invalid_response(
    server: FakeServer, client: talque.TalqueClient, body: str
) -> None:
    server.fail("status", endpoint="list", status=200, body=body)
    with pytest.raises(talque.InvalidResponseError):
        list(client.list(server.org_id))


def test_connection_refused_is_a_connection_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port any more.
    client = talque.TalqueClient(
        "id", "secret", base_url=f"http://127.0.0.1:{port}", max_retries=1, timeout=2
    )
    with pytest.raises(talque.APIConnectionError) as info:
        client.read("org", "pretix", ["a"])
    assert isinstance(info.value, ConnectionError)
    assert not isinstance(info.value, talque.APITimeoutError)


def test_a_stalled_answer_times_out(server: FakeServer) -> None:
    server.fail("stall", endpoint="list", times=5)
    with server.client(timeout=0.3, max_retries=0) as client:
        with pytest.raises(talque.APITimeoutError) as info:
            list(client.list(server.org_id))
    assert isinstance(info.value, TimeoutError) and isinstance(
        info.value, talque.APIConnectionError
    )


def test_a_trickling_answer_times_out(server: FakeServer) -> None:
    # Bytes keep arriving, but the whole answer takes far longer than the timeout.
    server.fail("trickle", endpoint="list", delay_ms=100, times=5)
    with server.client(timeout=0.5, max_retries=0) as client:
        with pytest.raises(talque.APITimeoutError):
            list(client.list(server.org_id))


def test_a_closed_client_refuses_calls(server: FakeServer) -> None:
    client = server.client()
    client.close()
    with pytest.raises(talque.TalqueError, match="closed"):
        client.read(server.org_id, "pretix", ["a"])
    with pytest.raises(talque.TalqueError, match="closed"):
        client.list(server.org_id)
    assert server.requests() == []
