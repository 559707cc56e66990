"""Ctrl-C ends a blocking call promptly, whatever moment it arrives at.

An interrupt found by the wait loop's ``check_signals`` was always prompt; one raised while
talque forwarded a log line to Python's logging was swallowed with the handler's error, and
the call waited on for the server. The random runs here are the quick version of the stress
loop; ``make soak`` runs hundreds, on cold caches and a loaded CPU, and prints the tally.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator

import pytest

from _interrupt import Outcome, interrupt_once, random_run
from talque.testing import FakeServer

SOAK_RUNS = int(os.environ.get("TALQUE_INTERRUPT_RUNS", "300"))


@pytest.fixture(scope="module")
def slow_server() -> Iterator[FakeServer]:
    """A server that answers every API request after 30 s: the call is always in flight."""
    with FakeServer(tickets=10, seed=1, latency_ms=30_000) as server:
        yield server


def _check(outcome: Outcome) -> None:
    assert not outcome.hung, f"hung ({outcome.phase}):\n{outcome.stderr}"
    assert "returned" not in outcome.stdout, f"not interrupted ({outcome.phase})"
    assert outcome.interrupted, f"{outcome.phase}: {outcome.returncode}\n{outcome.stderr}"


def test_an_interrupt_raised_inside_a_logging_handler_ends_the_call(
    server: FakeServer, slow_server: FakeServer
) -> None:
    _check(interrupt_once(server, slow_server, self_interrupt=True))


@pytest.mark.parametrize("seed", range(4))
def test_sigint_at_a_random_moment_ends_the_process(
    server: FakeServer, slow_server: FakeServer, seed: int
) -> None:
    outcome = random_run(server, slow_server, random.Random(seed), cold=seed % 2 == 0)
    if outcome.lost_by_python:
        pytest.skip("CPython dropped the interrupt in a GC callback, before talque's call")
    _check(outcome)


@pytest.mark.soak
@pytest.mark.timeout(3600)
def test_hundreds_of_interrupts_on_cold_caches_and_a_loaded_cpu(
    server: FakeServer, slow_server: FakeServer
) -> None:
    # Busy processes, one per core, so that the child competes for the CPU.
    load = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 2)
    ]
    rng = random.Random(int(os.environ.get("TALQUE_INTERRUPT_SEED", "16")))
    outcomes: list[Outcome] = []
    try:
        for _ in range(SOAK_RUNS):
            outcomes.append(random_run(server, slow_server, rng, cold=True))
    finally:
        for proc in load:
            proc.kill()
            proc.wait()
    tally = Counter(_kind(o) for o in outcomes)
    slowest = max(outcomes, key=lambda o: o.exit_seconds)
    print(
        f"\n{len(outcomes)} interrupted runs: {dict(tally)}; "
        f"slowest exit {slowest.exit_seconds:.2f} s ({slowest.phase})"
    )
    for outcome in outcomes:
        if _kind(outcome) != "interrupted":
            print(f"  {_kind(outcome)}: {outcome.phase}, returncode {outcome.returncode}")
    for outcome in outcomes:
        if not outcome.lost_by_python:
            _check(outcome)


def _kind(outcome: Outcome) -> str:
    if outcome.lost_by_python:
        return "lost by CPython before the call"
    if outcome.hung:
        return "hung"
    return "interrupted" if outcome.interrupted else f"rc {outcome.returncode}"
