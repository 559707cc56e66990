"""A long-lived fake server, handed to each test as if it were new."""

from __future__ import annotations

from collections.abc import Iterator

from talque.testing import FakeServer


def fresh(server: FakeServer) -> Iterator[FakeServer]:
    """Yields ``server`` with no faults, no latency and an empty request log, for a fixture.

    After the test, the faults and latency it set are removed again, so a failing test cannot
    leave them to the next one.
    """
    server.clear_faults()
    server.set_latency(0)
    server.set_random_faults(0.0)
    server.clear_requests()
    yield server
    server.clear_faults()
    server.set_latency(0)
