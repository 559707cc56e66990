"""Every ```python block of README.md runs against the fake server, so the docs cannot rot.

Each block runs on its own, in a fresh namespace, in a scratch directory, with the
``TALQUE_*`` variables pointing at a fake server: a reader can copy any one block. The README
writes the values a reader would replace with their own; ``PLACEHOLDERS`` maps them to the
fake server's (and maps the production host to the fake, so no block can reach the network).
A block with top-level ``await`` (the notebook example) runs on a fresh event loop. A block
that defines ``test_*`` functions (the pytest example) has them called with the fixtures they
name.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from talque.testing import FakeServer

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks() -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in BLOCK.finditer(text)]


def _placeholders(server: FakeServer) -> dict[str, str]:
    return {
        "yourOrgId00000000001": server.org_id,
        "your-client-id": server.client_id,
        "your-secret": server.secret,
        "https://event.talque.com": server.url,
    }


@pytest.fixture(scope="module")
def readme_server() -> Iterator[FakeServer]:
    with FakeServer(tickets=300, seed=11) as server:
        yield server


@contextlib.contextmanager
def _restored_logging() -> Iterator[None]:
    """Undoes a block's logging.basicConfig() and logger levels, which would outlive it."""
    loggers = [logging.getLogger(), logging.getLogger("talque")]
    saved = [(logger, logger.level, logger.handlers[:]) for logger in loggers]
    try:
        yield
    finally:
        for logger, level, handlers in saved:
            logger.setLevel(level)
            for handler in logger.handlers[:]:
                if handler not in handlers:
                    logger.removeHandler(handler)


def test_the_readme_has_python_examples() -> None:
    assert len(_blocks()) >= 8


@pytest.mark.parametrize(
    ("line", "source"), [pytest.param(*block, id=f"README.md:{block[0]}") for block in _blocks()]
)
def test_readme_block_runs(
    line: int,
    source: str,
    readme_server: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    readme_server.clear_faults()
    for name, value in readme_server.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    for placeholder, value in _placeholders(readme_server).items():
        source = source.replace(placeholder, value)
    code = compile(
        source, f"README.md:{line}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
    )
    namespace: dict[str, Any] = {"__name__": "__readme__"}
    with _restored_logging():
        outcome = eval(code, namespace)  # exec, but returns the coroutine of a top-level await
        if inspect.iscoroutine(outcome):
            asyncio.run(outcome)
        for name, function in list(namespace.items()):
            if name.startswith("test_") and inspect.isfunction(function):
                _call_test(function, monkeypatch)


def _call_test(function: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Calls a README test function with the fixtures it names (a fresh fake server)."""
    names = inspect.signature(function).parameters
    with FakeServer() as server:
        fixtures = {"talque_fake_server": server, "monkeypatch": monkeypatch}
        function(**{name: fixtures[name] for name in names})
