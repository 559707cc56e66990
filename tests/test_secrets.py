"""The secret never leaks; credentials and headers are what the API expects."""

from __future__ import annotations

import json
import logging
import pickle
import re
import socket
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

import talque
from _shared_server import fresh
from talque.testing import FakeServer

SECRET = "s3cr3t-VALUE-do-not-leak"
WRONG_SECRET = "wr0ng-s3cr3t-ALSO-do-not-leak"
CLIENT_ID = "client-ID-for-secret-tests"
SECRETS = (SECRET, WRONG_SECRET)


@pytest.fixture(scope="module")
def module_server() -> Iterator[FakeServer]:
    with FakeServer(tickets=250, seed=7, client_id=CLIENT_ID, secret=SECRET) as server:
        yield server


@pytest.fixture
def srv(module_server: FakeServer) -> Iterator[FakeServer]:
    """The module's fake server with an empty request log, no faults and no latency."""
    yield from fresh(module_server)


@pytest.fixture
def env_free(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("TALQUE_CLIENT_ID", "TALQUE_SECRET", "TALQUE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _headers(entry: dict[str, Any]) -> dict[str, str]:
    return {str(key).lower(): value for key, value in entry["headers"].items()}


def _assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def _assert_clean_exception(exc: BaseException) -> None:
    """Checks every way an exception gets shown, stored or shipped, down its whole chain."""
    seen = 0
    current: Any = exc
    while current is not None and seen < 10:
        _assert_no_secret(str(current))
        _assert_no_secret(repr(current))
        _assert_no_secret(repr(current.args))
        _assert_no_secret(repr(vars(current)))
        blob = pickle.dumps(current)
        for secret in SECRETS:
            assert secret.encode() not in blob
        current = current.__cause__ or current.__context__
        seen += 1
    formatted = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    _assert_no_secret(formatted)
    restored = pickle.loads(pickle.dumps(exc))
    assert type(restored) is type(exc)
    assert str(restored) == str(exc)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------------------------------
# repr, str, pickle of the client


def test_client_repr_and_str_hide_the_secret(srv: FakeServer) -> None:
    with srv.client() as client:
        for text in (repr(client), str(client), format(client)):
            _assert_no_secret(text)
        assert CLIENT_ID in repr(client)
        assert srv.url in repr(client)
        # The Python object does not even hold the secret in an attribute.
        _assert_no_secret(repr(vars(client)))
        pager = client.list(srv.org_id)
        _assert_no_secret(repr(pager))
        _assert_no_secret(repr(vars(pager)))


def test_pickling_a_client_raises_type_error(srv: FakeServer) -> None:
    with srv.client() as client, pytest.raises(TypeError) as info:
        pickle.dumps(client)
        _assert_no_secret(str(info.value))


# ---------------------------------------------------------------------------------------
# Exceptions


def test_401_exception_hides_both_secrets(srv: FakeServer) -> None:
    with (
        srv.client(secret=WRONG_SECRET, max_retries=0) as client,
        pytest.raises(talque.AuthenticationError) as info,
    ):
        client.read(srv.org_id, "any", ["a"])
    assert info.value.status_code == 401
    _assert_clean_exception(info.value)
    entries = srv.requests()
    assert len(entries) == 1
    assert entries[0]["authorized"] is False


def test_401_on_list_hides_the_secret(srv: FakeServer) -> None:
    with (
        srv.client(secret=WRONG_SECRET, max_retries=0) as client,
        pytest.raises(talque.AuthenticationError) as info,
    ):
        list(client.list(srv.org_id))
    _assert_clean_exception(info.value)


def test_403_exception_hides_the_secret(srv: FakeServer) -> None:
    with srv.client(max_retries=0) as client, pytest.raises(talque.PermissionDeniedError) as info:
        list(client.list(srv.forbidden_org_id))
    assert info.value.status_code == 403
    _assert_clean_exception(info.value)


def test_404_exception_hides_the_secret(srv: FakeServer) -> None:
    with srv.client(max_retries=0) as client, pytest.raises(talque.NotFoundError) as info:
        client.read("NoSuchOrg0000000000000", "any", ["a"])
    assert info.value.status_code == 404
    _assert_clean_exception(info.value)


def test_400_exception_hides_the_secret(srv: FakeServer) -> None:
    with srv.client(max_retries=0) as client, pytest.raises(talque.BadRequestError) as info:
        list(client.list(srv.org_id, cursor="not-a-real-cursor"))
    assert info.value.status_code == 400
    _assert_clean_exception(info.value)


def test_5xx_exception_after_retries_hides_the_secret(srv: FakeServer) -> None:
    srv.fail("status", status=503, retry_after="0", times=2)
    with srv.client(max_retries=1) as client, pytest.raises(talque.InternalServerError) as info:
        list(client.list(srv.org_id))
    assert info.value.status_code == 503
    _assert_clean_exception(info.value)


def test_timeout_exception_hides_the_secret(srv: FakeServer) -> None:
    srv.set_latency(3_000)
    with (
        srv.client(timeout=0.2, max_retries=0) as client,
        pytest.raises(talque.APITimeoutError) as info,
    ):
        list(client.list(srv.org_id))
    _assert_clean_exception(info.value)


def test_connection_refused_exception_hides_the_secret() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    with (
        talque.TalqueClient(CLIENT_ID, SECRET, base_url=url, timeout=2.0, max_retries=0) as client,
        pytest.raises(talque.APIConnectionError) as info,
    ):
        client.read("org", "any", ["a"])
    assert not isinstance(info.value, talque.APITimeoutError)
    _assert_clean_exception(info.value)


def test_connection_reset_exception_hides_the_secret(srv: FakeServer) -> None:
    srv.fail("reset")
    with srv.client(max_retries=0) as client, pytest.raises(talque.APIConnectionError) as info:
        list(client.list(srv.org_id))
    _assert_clean_exception(info.value)


# ---------------------------------------------------------------------------------------
# DEBUG logs

REQUEST_LINE = re.compile(r"^POST http://127\.0\.0\.1:\d+/api/v1/ticket/(list|read)\b")
RETRY_LINE = re.compile(r"^retrying\b", re.IGNORECASE)


def _messages(records: list[logging.LogRecord]) -> list[str]:
    return [record.getMessage() for record in records if record.name.startswith("talque")]


def test_debug_log_has_a_line_per_request_and_retry_and_no_secret(
    srv: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="talque")
    tickets = srv.tickets()
    srv.fail("status", endpoint="list", status=503, retry_after="0", times=2)
    srv.fail("status", endpoint="read", status=503, retry_after="0", times=1)
    with srv.client(max_retries=3) as client:
        listed = list(client.list(srv.org_id, limit=100))
        ids = [t["ticketId"] for t in tickets if t["provider"] == tickets[0]["provider"]][:5]
        result = client.read(srv.org_id, tickets[0]["provider"], ids)
    assert listed == tickets
    assert all(result[i]["success"] for i in ids)

    messages = _messages(caplog.records)
    assert all(
        record.levelno == logging.DEBUG
        for record in caplog.records
        if record.name.startswith("talque")
    )
    for message in messages:
        _assert_no_secret(message)
    for record in caplog.records:
        _assert_no_secret(repr(record.args))
        _assert_no_secret(repr(record.msg))
    _assert_no_secret(caplog.text)

    sent = srv.requests()
    # 3 pages plus 2 failed attempts; 1 read plus 1 failed attempt.
    assert len(sent) == 3 + 2 + 1 + 1
    request_lines = [m for m in messages if REQUEST_LINE.match(m)]
    retry_lines = [m for m in messages if RETRY_LINE.match(m)]
    assert len(request_lines) == len(sent), messages
    assert len(retry_lines) == 3, messages
    assert sum("/ticket/list" in m for m in request_lines) == 5
    assert sum("/ticket/read" in m for m in request_lines) == 2


def test_no_debug_lines_when_debug_is_off(
    srv: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="talque")
    with srv.client() as client:
        list(client.list(srv.org_id))
    assert [r for r in caplog.records if r.name.startswith("talque")] == []
    assert srv.requests()


def test_failed_auth_is_logged_without_the_secret(
    srv: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="talque")
    with srv.client(secret=WRONG_SECRET) as client, pytest.raises(talque.AuthenticationError):
        client.read(srv.org_id, "any", ["a"])
    assert _messages(caplog.records)
    _assert_no_secret(caplog.text)
    # 401 is not retried.
    assert len(srv.requests()) == 1


# ---------------------------------------------------------------------------------------
# Credentials from arguments and the environment


def test_missing_credentials_name_the_env_vars(env_free: pytest.MonkeyPatch) -> None:
    with pytest.raises(talque.TalqueError) as info:
        talque.TalqueClient()
    assert "TALQUE_CLIENT_ID" in str(info.value)
    assert "TALQUE_SECRET" in str(info.value)


def test_missing_secret_names_the_env_var(env_free: pytest.MonkeyPatch) -> None:
    env_free.setenv("TALQUE_CLIENT_ID", CLIENT_ID)
    with pytest.raises(talque.TalqueError, match="TALQUE_SECRET"):
        talque.TalqueClient()
    with pytest.raises(talque.TalqueError, match="TALQUE_SECRET"):
        talque.TalqueClient(client_id=CLIENT_ID)


def test_missing_client_id_names_the_env_var(env_free: pytest.MonkeyPatch) -> None:
    env_free.setenv("TALQUE_SECRET", SECRET)
    with pytest.raises(talque.TalqueError, match="TALQUE_CLIENT_ID") as info:
        talque.TalqueClient()
    _assert_clean_exception(info.value)


def test_env_vars_are_the_defaults(srv: FakeServer, env_free: pytest.MonkeyPatch) -> None:
    for name, value in srv.env().items():
        env_free.setenv(name, value)
    assert srv.env() == {
        "TALQUE_BASE_URL": srv.url,
        "TALQUE_CLIENT_ID": CLIENT_ID,
        "TALQUE_SECRET": SECRET,
    }
    with talque.TalqueClient() as client:
        assert client.base_url == srv.url
        assert client.client_id == CLIENT_ID
        assert list(client.list(srv.org_id)) == srv.tickets()
    entries = srv.requests()
    assert entries and all(entry["authorized"] is True for entry in entries)


def test_arguments_win_over_env_vars(srv: FakeServer, env_free: pytest.MonkeyPatch) -> None:
    env_free.setenv("TALQUE_CLIENT_ID", "someone-else")
    env_free.setenv("TALQUE_SECRET", WRONG_SECRET)
    env_free.setenv("TALQUE_BASE_URL", f"http://127.0.0.1:{_free_port()}")
    with talque.TalqueClient(CLIENT_ID, SECRET, base_url=srv.url) as client:
        assert len(list(client.list(srv.org_id))) == 250
    entries = srv.requests()
    assert entries and all(entry["authorized"] is True for entry in entries)
    assert all(_headers(entry)["x-tq-client-id"] == CLIENT_ID for entry in entries)


def test_base_url_defaults_to_production(env_free: pytest.MonkeyPatch) -> None:
    with talque.TalqueClient(CLIENT_ID, SECRET) as client:
        assert client.base_url == "https://event.talque.com"
    assert talque.DEFAULT_BASE_URL == "https://event.talque.com"
    env_free.setenv("TALQUE_BASE_URL", "http://127.0.0.1:9/")
    with talque.TalqueClient(CLIENT_ID, SECRET) as client:
        assert client.base_url == "http://127.0.0.1:9"


# ---------------------------------------------------------------------------------------
# What the server saw


def test_server_saw_user_agent_client_id_and_valid_auth(srv: FakeServer) -> None:
    tickets = srv.tickets()
    with srv.client() as client:
        list(client.list(srv.org_id, limit=100))
        client.read(srv.org_id, tickets[0]["provider"], [tickets[0]["ticketId"]])
    entries = srv.requests()
    assert [entry["path"] for entry in entries] == ["/api/v1/ticket/list"] * 3 + [
        "/api/v1/ticket/read"
    ]
    for entry in entries:
        headers = _headers(entry)
        assert headers["user-agent"].startswith(f"talque-python/{talque.__version__}")
        assert headers["x-tq-client-id"] == CLIENT_ID
        assert entry["authorized"] is True
        # The log itself redacts the secret.
        assert headers.get("x-tq-secret") != SECRET
    _assert_no_secret(json.dumps(entries))


def test_wrong_secret_is_seen_as_unauthorized(srv: FakeServer) -> None:
    with (
        srv.client(secret=WRONG_SECRET, max_retries=0) as client,
        pytest.raises(talque.AuthenticationError),
    ):
        list(client.list(srv.org_id))
    (entry,) = srv.requests()
    assert entry["authorized"] is False
    assert _headers(entry)["x-tq-client-id"] == CLIENT_ID
    _assert_no_secret(json.dumps(entry))
