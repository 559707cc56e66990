"""Serving the fake server from a shell: ``talque fake-server`` and ``python -m talque.testing``.

Both use :func:`fake_server_parser`, built from the option table of the Rust crate
(``crates/talque-fake/src/launch.rs``), which the ``talque-fake`` binary parses as well: one
set of options, names and defaults for all three launchers.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from typing import Any

from .._talque import FAKE_SERVER_OPTIONS_JSON
from ._server import FakeServer

__all__ = ["OPTIONS", "config_from", "fake_server_parser", "serve"]

DESCRIPTION = "Serve the bundled fake Talque Ticket API on loopback until Ctrl-C."

OPTIONS: list[dict[str, Any]] = json.loads(FAKE_SERVER_OPTIONS_JSON)
"""``[{"flag", "field", "kind", "help", "default"}]``, the defaults being the launchers'."""


def _comma_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _json_object(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("expected a JSON object of FakeConfig fields")
    return value


_TYPES: dict[str, Any] = {
    "text": str,
    "integer": int,
    "number": float,
    "list": _comma_list,
    "config": _json_object,
}


def _default_text(option: dict[str, Any]) -> str:
    default = option["default"]
    if option["kind"] in ("off", "config") or default is None:
        return ""
    if isinstance(default, list):
        default = ",".join(default)
    return f" (default {default})"


def fake_server_parser(
    prog: str | None = None, *, add_help: bool = True
) -> argparse.ArgumentParser:
    """The one parser of the fake server's options; ``add_help=False`` for use as a parent."""
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION, add_help=add_help)
    for option in OPTIONS:
        help_text = option["help"] + _default_text(option)
        if option["kind"] == "off":
            parser.add_argument(
                option["flag"],
                dest=option["field"],
                action="store_false",
                default=None,
                help=help_text,
            )
        else:
            parser.add_argument(
                option["flag"],
                dest=option["field"],
                type=_TYPES[option["kind"]],
                default=None,
                metavar="JSON" if option["kind"] == "config" else "VALUE",
                help=help_text,
            )
    return parser


def config_from(args: argparse.Namespace) -> dict[str, Any]:
    """The server's configuration: the launcher defaults, then ``--config``, then each option
    given, as the Rust binary applies them."""
    config = {
        option["field"]: option["default"]
        for option in OPTIONS
        if option["kind"] != "config" and option["default"] is not None
    }
    config.update(getattr(args, "config", None) or {})
    for option in OPTIONS:
        value = getattr(args, option["field"], None)
        if option["kind"] != "config" and value is not None:
            config[option["field"]] = value
    return config


def serve(args: argparse.Namespace) -> int:
    """Starts the server, prints how to reach it, and serves until Ctrl-C or SIGTERM."""
    server = FakeServer(**config_from(args))
    for name, value in server.env().items():
        print(f"export {name}={value}")
    orgs = ", ".join(
        f"{org['org_id']} ({org['ticket_count']} tickets"
        f"{', forbidden' if org['forbidden'] else ''})"
        for org in server.orgs
    )
    print(f"# orgs: {orgs}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    server.stop()
    return 0
