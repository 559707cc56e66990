"""A process exits cleanly and promptly whatever talque is doing at that moment.

CPython ends a thread that takes the GIL back while the interpreter finalizes; a runtime
thread resolving an asyncio future just as the program ended crashed the process that way
(segfault, abort, bus error: the last test here failed on every run before the fix). A daemon
thread waiting in a sync call takes the GIL back too, and now parks instead. Each case runs in
a child process several times, since the crash depended on thread timing: the child must exit
0, without a fatal-error report, and long before the server answers the request it left in
flight (which would mean exit waited for it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from talque.testing import FakeServer

RUNS = 4
# The slow server answers after 30 s; a child that waits for its request never gets here.
EXIT_LIMIT_S = 20.0

_IN_THREAD = """
import threading, talque
client = talque.TalqueClient()
threading.Thread(target=client.read, args=(ORG, "pretix", ["1"]), daemon=True).start()
"""

_IN_THREAD_LOGGING = (
    "import logging; logging.basicConfig(level=logging.DEBUG, stream=open(os.devnull, 'w'))\n"
    + _IN_THREAD
)

_IN_TASK = """
import asyncio, talque
client = talque.AsyncTalqueClient()
loop = asyncio.new_event_loop()

async def start():
    return asyncio.ensure_future(client.read(ORG, "pretix", ["1"]))

task = loop.run_until_complete(start())
"""

# Results that reach Python just as the program ends (the asyncio REPL crash).
_RESULTS_AT_EXIT = """
import asyncio, talque

async def main():
    client = talque.AsyncTalqueClient()
    await asyncio.gather(*(client.read(ORG, "pretix", [str(i)]) for i in range(20)))
    await client.aclose()

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def slow_server() -> Iterator[FakeServer]:
    """A server that answers every API request after 30 s: a request is always in flight."""
    with FakeServer(tickets=10, seed=1, latency_ms=30_000) as server:
        yield server


def _child(server: FakeServer, body: str) -> subprocess.Popen[str]:
    # The child exits when the test writes a line: only once its request has reached the
    # server, so that it is in flight at exit.
    script = f"import os, sys\nORG = {server.org_id!r}\n{body}\nsys.stdin.readline()\n"
    return subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **server.env()},
    )


def _finish(proc: subprocess.Popen[str]) -> None:
    try:
        _, stderr = proc.communicate("\n", timeout=EXIT_LIMIT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, stderr = proc.communicate()
        pytest.fail(f"the process did not exit while a request was in flight:\n{stderr}")
    assert "Fatal Python error" not in stderr, stderr
    assert proc.returncode == 0, f"exit status {proc.returncode}:\n{stderr}"


def _wait_for_request(server: FakeServer, count: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + EXIT_LIMIT_S
    while len(server.requests("read")) < count:
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the child's request never reached the server"
        time.sleep(0.01)


@pytest.mark.parametrize(
    "body",
    [_IN_THREAD, _IN_THREAD_LOGGING, _IN_TASK],
    ids=["daemon-thread", "daemon-thread-debug-log", "unawaited-task"],
)
def test_exit_with_a_request_in_flight_is_prompt_and_clean(
    slow_server: FakeServer, body: str
) -> None:
    for _ in range(RUNS):
        slow_server.clear_requests()
        proc = _child(slow_server, body)
        _wait_for_request(slow_server, 1, proc)
        _finish(proc)


def test_exit_right_after_async_results_reach_python(server: FakeServer) -> None:
    for _ in range(RUNS * 2):
        proc = _child(server, _RESULTS_AT_EXIT)
        _finish(proc)
