"""The ``talque_fake_server`` pytest fixture, registered through the ``pytest11`` entry point.

pytest imports this module on every run of everyone who installs talque, so it imports nothing
of talque at module level: the fake server (and with it the extension) is imported only when a
test uses the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._server import FakeServer


@pytest.fixture
def talque_fake_server() -> Iterator[FakeServer]:
    """A fresh :class:`talque.testing.FakeServer` (1,000 tickets, seed 0) for one test."""
    from ._server import FakeServer

    with FakeServer() as server:
        yield server
