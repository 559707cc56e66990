"""Deadline: no call hangs past ``timeout x (max_retries + 1)`` plus the backoff.

Whatever the server does — stall after the headers, trickle the body one byte a second (or
fast enough to beat any idle timeout but never finish), delay its answer or add latency to
every request — ``list`` and ``read``, sync and async, give up with ``APITimeoutError``
within the bound the README documents: each attempt is bounded by ``timeout`` as a whole,
and the wait before retry ``n`` (from 0) is at most ``min(0.5 s x 2^n, 8 s)``.

Each case gets its own fake server and all cases run at once, so the whole test takes about
one bound rather than the sum of them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass

import talque
from talque.testing import FakeServer

TIMEOUT = 0.4
MAX_RETRIES = 2
#: Tolerance for scheduling on a busy machine (twenty cases share the CPUs).
SLACK = 0.75
#: Longer than any bound, so that a fault outlasting the client is the client's problem.
FOREVER_MS = 60_000


def backoff_bound(max_retries: int) -> float:
    """The longest total wait between attempts: 0.5 s doubling, capped at 8 s, per retry."""
    return sum(min(0.5 * 2**retry, 8.0) for retry in range(max_retries))


BOUND = TIMEOUT * (MAX_RETRIES + 1) + backoff_bound(MAX_RETRIES)
#: The shortest a run can take: every attempt times out, and jitter halves the waits at most.
FLOOR = TIMEOUT * (MAX_RETRIES + 1) + backoff_bound(MAX_RETRIES) / 2


@dataclass
class Case:
    behaviour: str
    endpoint: str
    flavour: str
    skip: int = 0
    elapsed: float | None = None
    error: BaseException | None = None
    requests: int = 0
    cursor: str | None = None

    @property
    def name(self) -> str:
        after = ", after one page" if self.skip else ""
        return f"{self.behaviour}{after} / {self.endpoint} / {self.flavour}"


def _misbehave(server: FakeServer, case: Case) -> None:
    times = 1_000  # every attempt, whatever the number of batches
    if case.behaviour == "stall":
        server.fail("stall", times=times, skip=case.skip)
    elif case.behaviour == "trickle 1 byte/s":
        server.fail("trickle", delay_ms=1_000, times=times, skip=case.skip)
    elif case.behaviour == "trickle 1 byte/20 ms":
        # Never idle for long, yet the body would take minutes: only a whole-answer bound helps.
        server.fail("trickle", delay_ms=20, times=times, skip=case.skip)
    elif case.behaviour == "delay":
        server.fail("delay", delay_ms=FOREVER_MS, times=times, skip=case.skip)
    elif case.behaviour == "latency":
        server.set_latency(FOREVER_MS)
    else:  # pragma: no cover - a typo in the table below
        raise AssertionError(case.behaviour)


def _read_ids(server: FakeServer) -> tuple[str, list[str]]:
    """150 ids of one provider: two batches in flight at once."""
    tickets = [t for t in server.tickets() if t["provider"] == "pretix"]
    return "pretix", [t["ticketId"] for t in tickets][:150]


def _run_sync(server: FakeServer, case: Case, provider: str, ids: list[str]) -> None:
    with server.client(timeout=TIMEOUT, max_retries=MAX_RETRIES) as client:
        started = time.monotonic()
        try:
            if case.endpoint == "list":
                pager = client.list(server.org_id, limit=100)
                try:
                    for _ in pager:
                        pass
                finally:
                    case.cursor = pager.cursor
            else:
                client.read(server.org_id, provider, ids)
        except BaseException as err:
            case.error = err
        case.elapsed = time.monotonic() - started


async def _run_async(server: FakeServer, case: Case, provider: str, ids: list[str]) -> None:
    client = talque.AsyncTalqueClient(
        server.client_id,
        server.secret,
        base_url=server.url,
        timeout=TIMEOUT,
        max_retries=MAX_RETRIES,
    )
    started = time.monotonic()
    try:
        if case.endpoint == "list":
            pager = client.list(server.org_id, limit=100)
            try:
                async for _ in pager:
                    pass
            finally:
                case.cursor = pager.cursor
        else:
            await client.read(server.org_id, provider, ids)
    except BaseException as err:
        case.error = err
    case.elapsed = time.monotonic() - started
    await client.aclose()


def _run(case: Case, ready: threading.Barrier) -> None:
    with FakeServer(tickets=300, seed=5) as server:
        provider, ids = _read_ids(server)
        _misbehave(server, case)
        ready.wait(timeout=30)
        if case.flavour == "sync":
            _run_sync(server, case, provider, ids)
        else:
            asyncio.run(_run_async(server, case, provider, ids))
        case.requests = len(server.requests(case.endpoint))


def _cases() -> list[Case]:
    behaviours = ["stall", "trickle 1 byte/s", "trickle 1 byte/20 ms", "delay", "latency"]
    cases = [
        Case(behaviour, endpoint, flavour)
        for behaviour in behaviours
        for endpoint in ("list", "read")
        for flavour in ("sync", "async")
    ]
    # A listing that stalls on its second page gives up as fast, and can resume after page one.
    cases += [Case("stall", "list", flavour, skip=1) for flavour in ("sync", "async")]
    return cases


def test_no_call_outlives_its_deadline() -> None:
    cases = _cases()
    ready = threading.Barrier(len(cases))
    threads = [threading.Thread(target=_run, args=(case, ready), daemon=True) for case in cases]
    for thread in threads:
        thread.start()
    # The watchdog: a call that hangs fails the test here instead of stalling the suite.
    deadline = time.monotonic() + 30 + BOUND + SLACK
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    hung = [case.name for case, thread in zip(cases, threads) if thread.is_alive()]
    assert not hung, f"still running after the deadline: {hung}"

    problems = []
    for case in cases:
        if case.elapsed is None:
            problems.append(f"{case.name}: never ran")
            continue
        if not isinstance(case.error, talque.APITimeoutError) or not isinstance(
            case.error, TimeoutError
        ):
            problems.append(f"{case.name}: expected APITimeoutError, got {case.error!r}")
        if case.elapsed > BOUND + SLACK:
            problems.append(
                f"{case.name}: took {case.elapsed:.2f} s, bound {BOUND:.2f} s + {SLACK} s"
            )
        if case.elapsed < FLOOR - 0.05:
            problems.append(f"{case.name}: gave up after {case.elapsed:.2f} s, before all retries")
        attempts = MAX_RETRIES + 1 + case.skip
        if case.requests < attempts:
            problems.append(f"{case.name}: {case.requests} requests, expected at least {attempts}")
        if case.endpoint == "list" and (case.cursor is not None) != bool(case.skip):
            problems.append(f"{case.name}: resume cursor {case.cursor!r}")
    # Shown with `pytest -s` (as `make soak` runs it): the figures of the README table.
    print(f"\nDeadline: timeout {TIMEOUT} s, max_retries {MAX_RETRIES}, bound {BOUND:.2f} s")
    for case in cases:
        print(
            f"  {case.name}: {type(case.error).__name__} after {case.elapsed:.2f} s, "
            f"{case.requests} requests"
        )
    print(f"  slowest: {max(case.elapsed or 0.0 for case in cases):.2f} s")
    assert not problems, "\n".join(problems)
