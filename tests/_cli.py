"""Running the ``talque`` command in a subprocess against a fake server."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

from talque.testing import FakeServer


def cli_env(server: FakeServer, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TALQUE_")}
    env.update(server.env())
    env.update(extra)
    return env


def run_cli(
    server: FakeServer, *args: str, env: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """Runs ``python -m talque ARGS`` with the server's credentials in the environment."""
    return subprocess.run(
        [sys.executable, "-m", "talque", *args],
        env=env if env is not None else cli_env(server),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


def parse_lines(text: str) -> list[Any]:
    """JSON Lines text parsed. Not ``str.splitlines()``: that also splits at U+2028 and
    other Unicode line breaks, which JSON strings may hold unescaped (the fake's data does).
    """
    return [json.loads(line) for line in text.split("\n") if line]


def jsonl(path: Path) -> list[Any]:
    return parse_lines(path.read_text(encoding="utf-8"))


def leftovers(output: Path) -> list[str]:
    """Files an export left beside its output (partial data, checkpoint)."""
    return sorted(p.name for p in output.parent.iterdir() if p.name != output.name)


def run_on_terminal(
    server: FakeServer, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Runs ``python -m talque ARGS`` with stderr on a pseudo-terminal (where the progress
    bar is drawn); returns the exit status and everything written to that terminal."""
    controller, terminal = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, and tqdm draws nothing in 0 columns.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 160, 0, 0))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "talque", *args],
            env=env if env is not None else cli_env(server),
            stdout=subprocess.DEVNULL,
            stderr=terminal,
            timeout=120,
            check=False,
        )
        os.close(terminal)
        seen = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(controller)
    return done.returncode, seen.decode()
