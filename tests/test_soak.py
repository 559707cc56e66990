"""Soak: whole exports through seeded random faults lose and repeat nothing.

The fake server injects a random fault on 10% of the API requests (HTTP 500/502/503, 429
with ``Retry-After`` 0 or 1, a connection reset mid-body, a truncated body, a delay of up to
3 s, longer than the client's timeout). The caller does what the README tells users to do:
iterate, and on a :class:`talque.TalqueError` resume from ``pager.cursor``; for ``read``,
call again with the failed call's ids only. Every ticket must then arrive exactly once and
equal the server's. A truncated body is an ``InvalidResponseError``, which the client does
not retry, so the resume path is exercised on purpose.

The short version runs in the normal suite; ``make soak`` runs the long one (50,000
tickets, 5,000 read ids) and prints the figures that the README's Reliability table shows.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

import talque
from talque.testing import FakeServer

FAULT_RATE = 0.1
FAULT_KINDS = ["status_500", "status_502", "status_503", "status_429", "reset", "truncate", "delay"]
#: Shorter than most random delays (0-3 s), so that delays beyond the timeout happen.
TIMEOUT = 1.0
BATCH_SIZE = 100
#: The ids one ``read`` call carries (several batches); a failed call is repeated whole.
READ_CALL_IDS = 500
#: A caller gives up after this many resumes of one export: far above what 10% faults cause,
#: low enough that a client that never progresses fails the test instead of spinning.
MAX_RESUMES = 200


@dataclass
class Figures:
    """What one soak run measured."""

    name: str
    requests: int = 0
    needed: int = 0
    faults: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    resumes: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    checked: int = 0
    lost: int = 0
    duplicated: int = 0
    wrong: int = 0
    seconds: float = 0.0

    def take_stats(self, server: FakeServer) -> None:
        stats = server.stats()
        self.requests = stats["requests"]
        self.faults = stats["faults_injected"]
        self.by_kind = dict(stats["by_kind"])

    def assert_exact(self) -> None:
        assert (self.lost, self.duplicated, self.wrong) == (0, 0, 0), self
        assert self.checked > 0, self


class RetryCounter(logging.Handler):
    """Counts the client's retries from its DEBUG log ("retrying ... after: cause")."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("retrying "):
            self.retries += 1


@pytest.fixture
def retry_counter() -> Iterator[RetryCounter]:
    logger = logging.getLogger("talque")
    handler = RetryCounter()
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def _start_run(server: FakeServer, seed: int) -> None:
    server.clear_faults()
    server.set_random_faults(0.0)
    server.clear_requests()
    server.set_random_faults(FAULT_RATE, seed, FAULT_KINDS)


def _finish_run(
    server: FakeServer, figures: Figures, counter: RetryCounter, started: float
) -> None:
    figures.seconds = time.monotonic() - started
    server.set_random_faults(0.0)
    figures.take_stats(server)
    figures.retries = counter.retries
    counter.retries = 0


# ---------------------------------------------------------------------------------------
# Checking an export against the ground truth


def _check_listing(
    figures: Figures, received: list[dict[str, Any]], truth: list[dict[str, Any]]
) -> None:
    """Counts lost, repeated and altered tickets, by ``orgTicketId`` (unique per org)."""
    by_id = {ticket["orgTicketId"]: ticket for ticket in truth}
    seen = Counter(ticket["orgTicketId"] for ticket in received)
    figures.checked = len(received)
    figures.lost = sum(1 for key in by_id if key not in seen)
    figures.duplicated = sum(count - 1 for count in seen.values() if count > 1)
    figures.wrong = sum(1 for ticket in received if by_id.get(ticket["orgTicketId"]) != ticket)
    if (figures.lost, figures.duplicated, figures.wrong) == (0, 0, 0):
        # Nothing lost, repeated or altered; the order must be the server's too.
        assert received == truth


def _read_calls(truth: list[dict[str, Any]], count: int) -> list[tuple[str, list[str]]]:
    """``count`` ids of the org, as (provider, ids) calls of at most READ_CALL_IDS ids."""
    by_provider: dict[str, list[str]] = defaultdict(list)
    for ticket in truth[:count]:
        by_provider[ticket["provider"]].append(ticket["ticketId"])
    return [
        (provider, ids[start : start + READ_CALL_IDS])
        for provider, ids in sorted(by_provider.items())
        for start in range(0, len(ids), READ_CALL_IDS)
    ]


def _check_reads(
    figures: Figures,
    calls: list[tuple[str, list[str]]],
    answers: dict[tuple[str, str], list[dict[str, Any]]],
    truth: list[dict[str, Any]],
) -> None:
    by_key = {(ticket["provider"], ticket["ticketId"]): ticket for ticket in truth}
    wanted = [(provider, ticket_id) for provider, ids in calls for ticket_id in ids]
    figures.checked = sum(len(found) for found in answers.values())
    figures.lost = sum(1 for key in wanted if not answers.get(key))
    figures.duplicated = sum(len(found) - 1 for found in answers.values() if len(found) > 1)
    figures.wrong += sum(
        1
        for key, found in answers.items()
        for answer in found
        if answer != {"success": True, "reason": "SUCCESS", "model": by_key.get(key)}
    )
    figures.needed = sum(-(-len(ids) // BATCH_SIZE) for _, ids in calls)


def _record_result(
    answers: dict[tuple[str, str], list[dict[str, Any]]],
    figures: Figures,
    provider: str,
    ids: list[str],
    result: talque.ReadResult,
) -> None:
    if list(result) != ids:
        figures.wrong += 1
    for ticket_id in ids:
        if ticket_id in result:
            answers[(provider, ticket_id)].append(result[ticket_id])


# ---------------------------------------------------------------------------------------
# The four exports, each as a user following the README would write it


def list_sync(
    client: talque.TalqueClient, org_id: str, limit: int, figures: Figures
) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        pager = client.list(org_id, limit=limit, cursor=cursor)
        try:
            for ticket in pager:
                received.append(ticket)
            return received
        except talque.TalqueError as err:
            figures.errors[type(err).__name__] += 1
            figures.resumes += 1
            assert figures.resumes <= MAX_RESUMES, figures.errors
            cursor = pager.cursor


async def list_async(
    client: talque.AsyncTalqueClient, org_id: str, limit: int, figures: Figures
) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        pager = client.list(org_id, limit=limit, cursor=cursor)
        try:
            async for ticket in pager:
                received.append(ticket)
            return received
        except talque.TalqueError as err:
            figures.errors[type(err).__name__] += 1
            figures.resumes += 1
            assert figures.resumes <= MAX_RESUMES, figures.errors
            cursor = pager.cursor


def read_sync(
    client: talque.TalqueClient, org_id: str, calls: list[tuple[str, list[str]]], figures: Figures
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    answers: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for provider, ids in calls:
        while True:
            try:
                result = client.read(org_id, provider, ids)
            except talque.TalqueError as err:
                # Only this call's ids are read again; earlier calls' answers stand.
                figures.errors[type(err).__name__] += 1
                figures.resumes += 1
                assert figures.resumes <= MAX_RESUMES, figures.errors
                continue
            _record_result(answers, figures, provider, ids, result)
            break
    return answers


async def read_async(
    client: talque.AsyncTalqueClient,
    org_id: str,
    calls: list[tuple[str, list[str]]],
    figures: Figures,
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    answers: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)

    async def one(provider: str, ids: list[str]) -> None:
        while True:
            try:
                result = await client.read(org_id, provider, ids)
            except talque.TalqueError as err:
                figures.errors[type(err).__name__] += 1
                figures.resumes += 1
                assert figures.resumes <= MAX_RESUMES, figures.errors
                continue
            _record_result(answers, figures, provider, ids, result)
            return

    await asyncio.gather(*(one(provider, ids) for provider, ids in calls))
    return answers


# ---------------------------------------------------------------------------------------
# One soak: the four exports against one server, each with its own fault seed


def soak(
    server: FakeServer,
    counter: RetryCounter,
    *,
    limit: int,
    read_ids: int,
    max_retries: int,
    seed: int,
    scripted_truncate: bool,
    compression: bool,
) -> list[Figures]:
    truth = server.tickets()
    calls = _read_calls(truth, read_ids)
    options = dict(
        timeout=TIMEOUT, max_retries=max_retries, batch_size=BATCH_SIZE, compression=compression
    )
    results = []

    def begin(name: str, run_seed: int, endpoint: str, skip: int) -> tuple[Figures, float]:
        _start_run(server, run_seed)
        if scripted_truncate:
            # On top of the random faults: one truncated body that surely takes the resume path.
            server.fail("truncate", endpoint=endpoint, skip=skip)
        return Figures(name), time.monotonic()

    figures, started = begin("list, sync", seed, "list", 7)
    with server.client(**options) as client:
        received = list_sync(client, server.org_id, limit, figures)
    _finish_run(server, figures, counter, started)
    figures.needed = -(-len(truth) // limit)
    _check_listing(figures, received, truth)
    results.append(figures)

    figures, started = begin("list, async", seed + 1, "list", 7)
    aclient = talque.AsyncTalqueClient(
        server.client_id, server.secret, base_url=server.url, **options
    )
    received = asyncio.run(list_async(aclient, server.org_id, limit, figures))
    _finish_run(server, figures, counter, started)
    figures.needed = -(-len(truth) // limit)
    _check_listing(figures, received, truth)
    results.append(figures)

    figures, started = begin("read, sync", seed + 2, "read", 3)
    with server.client(**options) as client:
        answers = read_sync(client, server.org_id, calls, figures)
    _finish_run(server, figures, counter, started)
    _check_reads(figures, calls, answers, truth)
    results.append(figures)

    figures, started = begin("read, async", seed + 3, "read", 3)
    answers = asyncio.run(read_async(aclient, server.org_id, calls, figures))
    aclient.close()
    _finish_run(server, figures, counter, started)
    _check_reads(figures, calls, answers, truth)
    results.append(figures)
    return results


def table(results: list[Figures], title: str) -> str:
    head = (
        "| run | requests | needed | faults injected | client retries | resumes | "
        "tickets checked | lost | duplicated | seconds |"
    )
    lines = [title, "", head, "|" + "---|" * 10]
    for f in results:
        lines.append(
            f"| {f.name} | {f.requests} | {f.needed} | {f.faults} | {f.retries} | {f.resumes} | "
            f"{f.checked} | {f.lost} | {f.duplicated} | {f.seconds:.1f} |"
        )
    lines.append("")
    for f in results:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(f.by_kind.items()))
        errors = ", ".join(f"{kind} {n}" for kind, n in sorted(f.errors.items())) or "none"
        lines.append(f"- {f.name}: faults by kind: {kinds}; errors resumed from: {errors}")
    return "\n".join(lines)


def _consistent(f: Figures) -> None:
    """Every request either delivered a needed answer, was retried, or surfaced an error.

    For the sequential listings this is exact. Reads run batches concurrently and a failed
    call cancels its other batches, so there the requests can only exceed the sum.
    """
    if f.name.startswith("list"):
        assert f.requests == f.needed + f.retries + f.resumes, f
    else:
        assert f.requests >= f.needed + f.retries, f


# ---------------------------------------------------------------------------------------
# The tests


# Both ways the client can talk: plain JSON, and compressed answers (the fake server
# compresses whenever the request accepts it, and its truncate fault then cuts a compressed
# body), so that faults on compressed answers lose and repeat nothing either. The faults
# that break the compression itself are scripted in tests/test_compression.py.
COMPRESSION = pytest.mark.parametrize("compression", [False, True], ids=["plain", "compressed"])


@COMPRESSION
def test_soak_short(retry_counter: RetryCounter, compression: bool) -> None:
    """5,000 tickets and 1,000 read ids, sync and async, through 10% random faults."""
    with FakeServer(tickets=5_000, seed=11) as server:
        results = soak(
            server,
            retry_counter,
            limit=100,
            read_ids=1_000,
            max_retries=1,
            seed=1,
            scripted_truncate=True,
            compression=compression,
        )
    for figures in results:
        figures.assert_exact()
        _consistent(figures)
        assert figures.faults > 0 and figures.resumes > 0, figures
    assert sum(f.retries for f in results) > 0
    assert len(results[0].errors) + len(results[1].errors) > 0


@pytest.mark.soak
@pytest.mark.timeout(900)
@COMPRESSION
def test_soak_long(
    retry_counter: RetryCounter, capsys: pytest.CaptureFixture[str], compression: bool
) -> None:
    """50,000 tickets and 5,000 read ids, sync and async, through 10% random faults."""
    started = time.monotonic()
    with FakeServer(tickets=50_000, seed=1) as server:
        results = soak(
            server,
            retry_counter,
            limit=100,
            read_ids=5_000,
            max_retries=2,
            seed=100,
            scripted_truncate=False,
            compression=compression,
        )
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print()
        print(
            table(
                results,
                f"Soak ({'compressed' if compression else 'plain'}): 10% random faults, "
                f"timeout {TIMEOUT} s, max_retries 2 ({elapsed:.0f} s)",
            )
        )
    for figures in results:
        figures.assert_exact()
        _consistent(figures)
