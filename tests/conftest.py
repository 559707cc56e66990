"""Shared fixtures: one fake Talque server per session, reset before every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import talque
from _shared_server import fresh
from talque.testing import FakeServer

SESSION_TICKETS = 1_000


@pytest.fixture(scope="session")
def session_server() -> Iterator[FakeServer]:
    with FakeServer(tickets=SESSION_TICKETS, seed=42) as server:
        yield server


@pytest.fixture
def server(session_server: FakeServer) -> Iterator[FakeServer]:
    """The session's fake server with an empty request log, no faults and no latency."""
    yield from fresh(session_server)


@pytest.fixture
def client(server: FakeServer) -> Iterator[talque.TalqueClient]:
    """A client of the fake server with fast retries (short timeouts keep failures quick)."""
    with server.client(timeout=5.0) as client:
        yield client


@pytest.fixture(params=["sync", "async"])
def client_kind(
    request: pytest.FixtureRequest,
) -> type[talque.TalqueClient | talque.AsyncTalqueClient]:
    """Each client class in turn, for checks whose body is the same for both."""
    return talque.TalqueClient if request.param == "sync" else talque.AsyncTalqueClient
