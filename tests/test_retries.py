"""Retries: which failures are retried, how often, and how long we wait."""

from __future__ import annotations

import email.utils
import time

import pytest

import talque
from talque.testing import FakeServer


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(server: FakeServer, status: int) -> None:
    server.fail("status", endpoint="list", status=status, retry_after="0", times=2)
    with server.client(max_retries=2) as client:
        assert list(client.list(server.org_id, limit=1000)) == server.tickets()
    assert [r["status"] for r in server.requests("list")] == [status, status, 200]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_other_client_errors_are_not_retried(server: FakeServer, status: int) -> None:
    server.fail("status", status=status, times=5)
    with server.client(max_retries=3) as client:
        with pytest.raises(talque.APIStatusError):
            client.read(server.org_id, "pretix", ["a"])
    assert len(server.requests()) == 1


def test_max_retries_is_attempts_after_the_first(server: FakeServer) -> None:
    server.fail("status", status=503, retry_after="0", times=10)
    with server.client(max_retries=3) as client:
        with pytest.raises(talque.InternalServerError) as info:
            client.read(server.org_id, "pretix", ["a"])
    assert info.value.status_code == 503
    assert len(server.requests()) == 4


def test_zero_retries(server: FakeServer) -> None:
    server.fail("status", status=500, times=10)
    with server.client(max_retries=0) as client:
        with pytest.raises(talque.InternalServerError):
            client.read(server.org_id, "pretix", ["a"])
    assert len(server.requests()) == 1


def test_connection_resets_are_retried(server: FakeServer, client: talque.TalqueClient) -> None:
    server.fail("reset", endpoint="list", times=2)
    assert list(client.list(server.org_id, limit=1000)) == server.tickets()
    assert len(server.requests("list")) == 3


def test_connection_resets_exhaust_into_a_connection_error(server: FakeServer) -> None:
    server.fail("reset", times=10)
    with server.client(max_retries=1) as client:
        with pytest.raises(talque.APIConnectionError):
            client.read(server.org_id, "pretix", ["a"])
    assert len(server.requests()) == 2


def test_timeouts_are_retried(server: FakeServer) -> None:
    server.fail("stall", endpoint="list", times=1)
    with server.client(timeout=0.3, max_retries=1) as client:
        assert list(client.list(server.org_id, limit=1000)) == server.tickets()
    assert len(server.requests("list")) == 2


def _seconds_to_read_with_retries(server: FakeServer, max_retries: int) -> float:
    """How long one read of ticket ``a`` takes, through the failures the test scripted; checks
    that it took exactly ``max_retries`` retries."""
    with server.client(max_retries=max_retries) as client:
        started = time.monotonic()
        client.read(server.org_id, "pretix", ["a"])
        elapsed = time.monotonic() - started
    assert len(server.requests()) == 1 + max_retries
    return elapsed


def test_retry_after_seconds_is_honoured(server: FakeServer) -> None:
    server.fail("status", status=429, retry_after="1", endpoint="read")
    assert 0.95 <= _seconds_to_read_with_retries(server, max_retries=1) < 3.0


def test_retry_after_http_date_is_honoured(server: FakeServer) -> None:
    # HTTP dates have one-second resolution, so ask for two seconds from now.
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    server.fail("status", status=503, retry_after=when, endpoint="read")
    assert 0.9 <= _seconds_to_read_with_retries(server, max_retries=1) < 3.5


def test_backoff_without_retry_after_grows(server: FakeServer) -> None:
    server.fail("status", status=500, times=2)
    # Two backoffs of 0.5 s and 1 s, each jittered to at least half.
    assert 0.7 <= _seconds_to_read_with_retries(server, max_retries=2) < 4.0
