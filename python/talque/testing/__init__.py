"""Test your own code against a fake Talque server.

:class:`FakeServer` runs the fake Talque Ticket API (the Rust crate ``talque-fake``) on a
free loopback port inside this process. It is spec-faithful (headers, bodies, error shapes,
opaque cursors), serves seeded synthetic tickets using every field, misbehaves on demand,
and logs every request::

    from talque.testing import FakeServer

    with FakeServer(tickets=5_000) as server:
        client = server.client()
        assert sum(1 for _ in client.list(server.org_id)) == 5_000
        assert server.requests()[0]["path"] == "/api/v1/ticket/list"

With pytest, the ``talque_fake_server`` fixture gives a fresh server per test. From a
shell, ``python -m talque.testing --tickets 50000`` serves until Ctrl-C.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._server import FakeServer

__all__ = ["FakeServer"]


def __getattr__(name: str) -> Any:
    """Import :class:`FakeServer` (and with it the extension) on first use (PEP 562).

    The pytest plugin in this package is loaded on every pytest run of everyone who installs
    talque, so importing the package must not load the extension.
    """
    if name != "FakeServer":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ._server import FakeServer

    globals()[name] = FakeServer
    return FakeServer


def __dir__() -> list[str]:
    """The module's attributes, including :class:`FakeServer` before it is imported."""
    return sorted(set(globals()) | set(__all__))
