"""The ``talque_fake_server`` pytest fixture, registered through the ``pytest11`` entry point."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._server import FakeServer


@pytest.fixture
def talque_fake_server() -> Iterator[FakeServer]:
    """A fresh :class:`talque.testing.FakeServer` (1,000 tickets, seed 0) for one test."""
    with FakeServer() as server:
        yield server
