"""AsyncTalqueClient: the asyncio client, checked against the fake server.

Plain ``asyncio.run`` in sync tests (no pytest-asyncio): that is also how scripts use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

import talque
from _lines import LineReader as _Lines
from talque.testing import FakeServer

LIST = "/api/v1/ticket/list"
READ = "/api/v1/ticket/read"


# ---------------------------------------------------------------------------------------
# Helpers


def _aclient(server: FakeServer, **kwargs: Any) -> talque.AsyncTalqueClient:
    kwargs.setdefault("client_id", server.client_id)
    kwargs.setdefault("secret", server.secret)
    kwargs.setdefault("base_url", server.url)
    kwargs.setdefault("timeout", 5.0)
    return talque.AsyncTalqueClient(**kwargs)


@pytest.fixture
def aclient(server: FakeServer) -> Iterator[talque.AsyncTalqueClient]:
    """An async client of the session's fake server (closed after the test)."""
    client = _aclient(server)
    yield client
    client.close()


def _truth(server: FakeServer) -> dict[tuple[str, str], dict[str, Any]]:
    return {(t["provider"], t["ticketId"]): t for t in server.tickets()}


def _ids_by_provider(server: FakeServer) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for ticket in server.tickets():
        grouped[ticket["provider"]].append(ticket["ticketId"])
    return dict(grouped)


def _biggest_provider(server: FakeServer) -> tuple[str, list[str]]:
    return max(_ids_by_provider(server).items(), key=lambda item: len(item[1]))


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Polls an observable condition (never a fixed sleep) until it holds or time runs out."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


async def _await_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Like ``_wait_for``, inside a running loop."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


async def _collect(pager: talque.AsyncTicketPager) -> list[dict[str, Any]]:
    return [ticket async for ticket in pager]


def _run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(coro)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _probe_until_server_idle(server: FakeServer, timeout: float = 5.0) -> None:
    """Waits until the server handles nothing else: a probe request arrives alone.

    ``in_flight`` of a log entry counts the requests being handled when it arrived, so a
    probe with ``in_flight == 1`` proves every earlier request's handler has ended (for an
    abandoned one: the server noticed the client hang up).
    """
    ticket = server.tickets()[0]
    with server.client(timeout=5.0, max_retries=0) as probe:

        def alone() -> bool:
            probe.read(server.org_id, ticket["provider"], [ticket["ticketId"]])
            return bool(server.requests()[-1]["in_flight"] == 1)

        _wait_for(alone, timeout, "the server to drop the abandoned request")


# ---------------------------------------------------------------------------------------
# read


def test_read_equals_the_ground_truth(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    truth = _truth(server)
    provider, ids = _biggest_provider(server)
    wanted = [ids[3], ids[0], ids[3], "nope-1", ids[1], ids[0], "nope-1"] + ids[4:20]
    expected_keys = list(dict.fromkeys(wanted))

    result = _run(aclient.read(server.org_id, provider, wanted))

    assert isinstance(result, talque.ReadResult) and isinstance(result, dict)
    assert result.org_id == server.org_id and result.provider == provider
    assert list(result) == expected_keys  # request order, each id once
    for ticket_id in expected_keys:
        if ticket_id == "nope-1":
            assert result[ticket_id] == {"success": False, "reason": "NOT_FOUND", "model": None}
        else:
            assert result[ticket_id] == {
                "success": True,
                "reason": "SUCCESS",
                "model": truth[(provider, ticket_id)],
            }
    assert set(result.found) == set(expected_keys) - {"nope-1"}
    (entry,) = server.requests()
    assert entry["path"] == READ and entry["status"] == 200 and entry["completed"] is True
    assert entry["body"] == {
        "orgId": server.org_id,
        "provider": provider,
        "ticketIdList": expected_keys,
    }


def test_read_sends_batches_of_batch_size(server: FakeServer) -> None:
    truth = _truth(server)
    provider, ids = _biggest_provider(server)
    wanted = (ids + [f"missing-{i}" for i in range(95)])[:95]

    async def main() -> talque.ReadResult:
        async with _aclient(server, batch_size=10) as client:
            return await client.read(server.org_id, provider, wanted)

    result = _run(main())
    assert list(result) == wanted
    for ticket_id in wanted:
        model = truth.get((provider, ticket_id))
        assert result[ticket_id]["success"] is (model is not None)
        assert result[ticket_id]["model"] == model
    sent = [entry["body"]["ticketIdList"] for entry in server.requests("read")]
    assert sorted(len(batch) for batch in sent) == [5] + [10] * 9
    assert sorted(i for batch in sent for i in batch) == sorted(wanted)
    assert all(entry["status"] == 200 for entry in server.requests())


def test_read_batches_run_concurrently(server: FakeServer) -> None:
    server.set_latency(100)

    async def main() -> talque.ReadResult:
        async with _aclient(server, batch_size=10, max_concurrency=4) as client:
            return await client.read(server.org_id, "pretix", [f"id{i}" for i in range(80)])

    result = _run(main())
    assert len(result) == 80
    log = server.requests("read")
    assert len(log) == 8
    peak = max(entry["in_flight"] for entry in log)
    assert 1 < peak <= 4, [entry["in_flight"] for entry in log]


def test_read_of_no_ids_sends_nothing(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    result = _run(aclient.read(server.org_id, "pretix", []))
    assert result == {} and isinstance(result, talque.ReadResult)
    assert result.org_id == server.org_id and result.provider == "pretix"
    assert server.requests() == []


# ---------------------------------------------------------------------------------------
# list


def test_list_yields_every_ticket(server: FakeServer, aclient: talque.AsyncTalqueClient) -> None:
    tickets = _run(_collect(aclient.list(server.org_id, limit=100)))
    assert tickets == server.tickets()
    log = server.requests("list")
    assert len(log) == 10
    assert all(entry["body"]["limit"] == 100 and entry["status"] == 200 for entry in log)


def test_list_pages(server: FakeServer, aclient: talque.AsyncTalqueClient) -> None:
    pager = aclient.list(server.org_id, limit=300)

    async def main() -> list[dict[str, Any]]:
        return [page async for page in pager.pages()]

    pages = _run(main())
    assert [len(p["tickets"]) for p in pages] == [300, 300, 300, 100]
    assert [p["more"] for p in pages] == [True, True, True, False]
    assert all(p["orgId"] == server.org_id for p in pages)
    assert [t for p in pages for t in p["tickets"]] == server.tickets()
    assert pager.finished
    sent = [entry["body"].get("cursor") for entry in server.requests("list")]
    assert sent == [None] + [p["cursor"] for p in pages[:-1]]


def test_list_is_lazy(server: FakeServer, aclient: talque.AsyncTalqueClient) -> None:
    pager = aclient.list(server.org_id, limit=50, prefetch=False)
    assert isinstance(pager, talque.AsyncTicketPager)
    assert server.requests() == []
    assert pager.cursor is None and not pager.finished
    assert "AsyncTicketPager(" in repr(pager) and server.requests() == []

    async def first() -> dict[str, Any]:
        tickets = pager.__aiter__()
        try:
            return await tickets.__anext__()  # type: ignore[no-any-return]
        finally:
            await tickets.aclose()  # type: ignore[attr-defined]

    assert _run(first()) == server.tickets()[0]
    assert len(server.requests()) == 1


def test_resume_after_an_error_loses_and_repeats_nothing(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    seen: list[dict[str, Any]] = []
    pager = aclient.list(server.org_id, limit=150)
    # The fourth list request fails with a status that is never retried.
    server.fail("status", endpoint="list", status=400, skip=3)

    async def first_try() -> None:
        async for ticket in pager:
            seen.append(ticket)

    with pytest.raises(talque.BadRequestError):
        _run(first_try())
    assert len(seen) == 450
    assert [entry["status"] for entry in server.requests("list")] == [200, 200, 200, 400]

    seen.extend(_run(_collect(aclient.list(server.org_id, limit=150, cursor=pager.cursor))))
    assert seen == server.tickets()
    log = server.requests("list")
    # The resumed listing asked again for exactly the page that failed.
    assert log[4]["body"].get("cursor") == log[3]["body"].get("cursor")
    assert len(log) == 4 + 4


def test_repeated_cursor_is_an_invalid_response(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    server.fail("repeat_cursor", endpoint="list", skip=1, times=50)
    with pytest.raises(talque.InvalidResponseError, match="cursor"):
        _run(_collect(aclient.list(server.org_id, limit=100)))
    assert 2 <= len(server.requests("list")) <= 3


# ---------------------------------------------------------------------------------------
# Event loops


def test_one_client_across_several_asyncio_runs(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    truth = server.tickets()
    by_key = _truth(server)
    provider, ids = _biggest_provider(server)
    # A pager started in one run and continued in the next ones.
    pager = aclient.list(server.org_id, limit=100)
    seen: list[dict[str, Any]] = []

    async def one_run(index: int) -> None:
        chunk = ids[index * 5 : index * 5 + 5]
        result = await aclient.read(server.org_id, provider, chunk)
        assert [r["model"] for r in result.values()] == [by_key[(provider, i)] for i in chunk]
        async for ticket in pager:
            seen.append(ticket)
            if len(seen) == 150 * (index + 1):
                break

    for index in range(4):
        _run(one_run(index))
    seen.extend(_run(_collect(pager)))
    assert seen == truth
    assert len(server.requests("read")) == 4
    assert len(server.requests("list")) == 10


def test_gather_of_200_concurrent_reads(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    by_key = _truth(server)
    keys = list(by_key)
    jobs = [(keys[i][0], [keys[i][1], f"absent-{i}"]) for i in range(200)]

    server.set_latency(20)  # 200 reads one after the other would take 4 s

    async def main() -> list[talque.ReadResult]:
        return await asyncio.gather(*(aclient.read(server.org_id, p, ids) for p, ids in jobs))

    started = time.monotonic()
    results = _run(main())
    elapsed = time.monotonic() - started
    assert len(results) == 200
    for (provider, ids), result in zip(jobs, results):
        assert result.provider == provider
        assert list(result) == ids
        assert result[ids[0]]["model"] == by_key[(provider, ids[0])]
        assert result[ids[1]] == {"success": False, "reason": "NOT_FOUND", "model": None}
    log = server.requests("read")
    assert len(log) == 200 and all(entry["status"] == 200 for entry in log)
    assert sorted(tuple(e["body"]["ticketIdList"]) for e in log) == sorted(
        tuple(ids) for _, ids in jobs
    )
    peak = max(entry["in_flight"] for entry in log)
    assert peak > 8, peak
    assert elapsed < 2.0, f"{elapsed:.2f} s for 200 concurrent reads"


# ---------------------------------------------------------------------------------------
# Cancellation


def test_wait_for_aborts_the_request_and_the_client_stays_usable(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    ticket = server.tickets()[0]
    server.set_latency(3_000)

    async def main() -> tuple[float, talque.ReadResult]:
        started = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(
                aclient.read(server.org_id, ticket["provider"], [ticket["ticketId"]]), 0.3
            )
        elapsed = time.monotonic() - started
        server.set_latency(0)
        again = await aclient.read(server.org_id, ticket["provider"], [ticket["ticketId"]])
        return elapsed, again

    elapsed, again = _run(main())
    assert elapsed < 1.0, f"wait_for took {elapsed:.2f} s"
    assert again[ticket["ticketId"]]["model"] == ticket
    _probe_until_server_idle(server)
    log = server.requests()
    assert log[0]["path"] == READ
    assert log[0]["status"] is None and log[0]["completed"] is False, log[0]
    assert log[1]["status"] == 200 and log[1]["completed"] is True


def test_cancelled_listing_task_resumes_without_loss_or_repeat(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    truth = server.tickets()
    pager = aclient.list(server.org_id, limit=100, prefetch=False)
    seen: list[dict[str, Any]] = []

    async def iterate() -> None:
        async for ticket in pager:
            seen.append(ticket)
            if len(seen) == 250:
                server.set_latency(3_000)  # the fourth page will hang

    async def main() -> float:
        task = asyncio.create_task(iterate())
        await _await_until(lambda: len(server.requests("list")) == 4, 10, "the fourth page request")
        cancelled = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - cancelled

    elapsed = _run(main())
    assert elapsed < 1.0
    assert seen == truth[:300]
    cursor = pager.cursor
    server.set_latency(0)
    _probe_until_server_idle(server)
    log = server.requests("list")
    assert log[3]["status"] is None and log[3]["completed"] is False, log[3]
    server.clear_requests()

    resumed = _run(_collect(aclient.list(server.org_id, limit=100, cursor=cursor)))
    assert seen + resumed == truth
    # The cancelled pager itself goes on too, in another run, from the page it lost.
    assert seen + _run(_collect(pager)) == truth
    sent = [entry["body"].get("cursor") for entry in server.requests("list")]
    assert sent[0] == sent[7] == cursor and len(sent) == 14


def test_pager_is_usable_right_after_a_cancelled_fetch(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    """The next fetch starts right after the cancellation: no "already fetching" error.

    The window between the cancellation and the end of the aborted fetch is short, so the
    cancellation is repeated to make a late release of the pager show reliably.
    """
    truth = server.tickets()
    pager = aclient.list(server.org_id, limit=250)
    trials = 25
    server.set_latency(3_000)

    async def next_page() -> dict[str, Any]:
        async for page in pager.pages():
            return page
        raise AssertionError("no page")

    async def main() -> tuple[list[dict[str, Any]], float]:
        slowest = 0.0
        for trial in range(trials):
            fetch = asyncio.create_task(next_page())
            await _await_until(
                lambda fetch=fetch, sent=trial + 1: (
                    fetch.done() or len(server.requests("list")) == sent
                ),
                10,
                "the page request",
            )
            if fetch.done():
                fetch.result()  # raises what the fetch raised (it failed before sending)
            started = time.monotonic()
            fetch.cancel()
            with pytest.raises(asyncio.CancelledError):
                await fetch
            slowest = max(slowest, time.monotonic() - started)
        server.set_latency(0)
        return [page async for page in pager.pages()], slowest

    pages, slowest = _run(main())
    assert slowest < 1.0
    assert [len(p["tickets"]) for p in pages] == [250, 250, 250, 250]
    assert [t for p in pages for t in p["tickets"]] == truth
    assert pager.finished
    log = server.requests("list")
    assert len(log) == trials + 4
    assert all(entry["body"].get("cursor") is None for entry in log[: trials + 1])


# ---------------------------------------------------------------------------------------
# Retries


def test_retry_wait_does_not_block_the_event_loop(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    ticket = server.tickets()[0]
    server.fail("status", status=503, retry_after="1")
    ticks = [0]

    async def ticker(stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.sleep(0.01)
            ticks[0] += 1

    async def main() -> tuple[float, talque.ReadResult]:
        stop = asyncio.Event()
        tick_task = asyncio.create_task(ticker(stop))
        started = time.monotonic()
        try:
            result = await aclient.read(server.org_id, ticket["provider"], [ticket["ticketId"]])
        finally:
            stop.set()
            await tick_task
        return time.monotonic() - started, result

    elapsed, result = _run(main())
    assert result[ticket["ticketId"]]["model"] == ticket
    assert elapsed >= 0.9  # Retry-After: 1 was honoured
    assert ticks[0] > 50, f"the loop ticked {ticks[0]} times in {elapsed:.2f} s"
    assert [entry["status"] for entry in server.requests()] == [503, 200]


# ---------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, talque.BadRequestError),
        (401, talque.AuthenticationError),
        (403, talque.PermissionDeniedError),
        (404, talque.NotFoundError),
    ],
)
@pytest.mark.parametrize("call", ["read", "list"])
def test_status_errors_map_like_the_sync_client(
    server: FakeServer, status: int, cls: type, call: str
) -> None:
    server.fail("status", status=status, times=2)
    with server.client(max_retries=0) as sync_client, pytest.raises(cls) as sync_info:
        if call == "read":
            sync_client.read(server.org_id, "pretix", ["a"])
        else:
            list(sync_client.list(server.org_id))

    async def main() -> None:
        async with _aclient(server, max_retries=0) as client:
            if call == "read":
                await client.read(server.org_id, "pretix", ["a"])
            else:
                await _collect(client.list(server.org_id))

    with pytest.raises(cls) as info:
        _run(main())
    assert type(info.value) is type(sync_info.value) is cls
    assert info.value.status_code == status
    assert str(info.value) == str(sync_info.value)
    log = server.requests()
    assert [entry["status"] for entry in log] == [status, status]
    assert all(entry["path"] == (READ if call == "read" else LIST) for entry in log)


def test_real_not_found_and_forbidden(
    server: FakeServer, aclient: talque.AsyncTalqueClient
) -> None:
    with pytest.raises(talque.NotFoundError) as info:
        _run(_collect(aclient.list("orgDoesNotExist000001")))
    assert info.value.reason == "NOT_FOUND" and info.value.message == "orgId does not exist"
    with pytest.raises(talque.PermissionDeniedError):
        _run(aclient.read(server.forbidden_org_id, "pretix", ["a"]))
    assert [entry["status"] for entry in server.requests()] == [404, 403]


def test_connection_refused_is_a_connection_error() -> None:
    client = talque.AsyncTalqueClient(
        "id", "secret", base_url=f"http://127.0.0.1:{_free_port()}", max_retries=0
    )
    try:
        with pytest.raises(talque.APIConnectionError) as info:
            _run(client.read("org", "pretix", ["a"]))
    finally:
        client.close()
    assert not isinstance(info.value, talque.APITimeoutError)


def test_stall_times_out(server: FakeServer) -> None:
    server.fail("stall", times=5)

    async def main() -> None:
        async with _aclient(server, timeout=0.3, max_retries=0) as client:
            await client.read(server.org_id, "pretix", ["a"])

    started = time.monotonic()
    with pytest.raises(talque.APITimeoutError):
        _run(main())
    assert time.monotonic() - started < 2.0
    (entry,) = server.requests()
    assert entry["fault"] == "stall" and entry["completed"] is False


# ---------------------------------------------------------------------------------------
# Validation: before anything is sent


@pytest.mark.parametrize(
    ("args", "exc"),
    [
        (("", "pretix", ["a"]), ValueError),
        ((None, "pretix", ["a"]), TypeError),
        (("org", 5, ["a"]), TypeError),
        (("org", "pretix", "a-single-id"), TypeError),
        (("org", "pretix", ["ok", 3]), TypeError),
        (("org", "pretix", ["ok", ""]), ValueError),
        (("org", "pretix", ["bad\nid"]), ValueError),
    ],
)
def test_read_validates_before_sending(
    server: FakeServer, aclient: talque.AsyncTalqueClient, args: tuple[Any, ...], exc: type
) -> None:
    with pytest.raises(exc):
        _run(aclient.read(*args))
    assert server.requests() == []


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"limit": 0}, ValueError),
        ({"limit": True}, TypeError),
        ({"limit": "10"}, TypeError),
        ({"cursor": 5}, TypeError),
        ({"profile_id": ""}, ValueError),
    ],
)
def test_list_validates_at_call_time(
    server: FakeServer, aclient: talque.AsyncTalqueClient, kwargs: dict[str, Any], exc: type
) -> None:
    with pytest.raises(exc):
        aclient.list(server.org_id, **kwargs)
    with pytest.raises(TypeError):
        aclient.list(42)  # type: ignore[arg-type]
    assert server.requests() == []


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"timeout": 0}, ValueError),
        ({"timeout": "5"}, TypeError),
        ({"max_retries": -1}, ValueError),
        ({"batch_size": 0}, ValueError),
        ({"base_url": "ftp://x"}, ValueError),
    ],
)
def test_constructor_validates(server: FakeServer, kwargs: dict[str, Any], exc: type) -> None:
    with pytest.raises(exc):
        _aclient(server, **kwargs)
    assert server.requests() == []


# ---------------------------------------------------------------------------------------
# Secrets

SECRET = "s3cr3t-ASYNC-do-not-leak"


@pytest.fixture(scope="module")
def secret_server() -> Iterator[FakeServer]:
    with FakeServer(tickets=250, seed=7, client_id="async-client-id", secret=SECRET) as srv:
        yield srv


def test_repr_has_no_secret_and_pickling_is_refused(secret_server: FakeServer) -> None:
    client = _aclient(secret_server)
    try:
        text = repr(client)
        assert "AsyncTalqueClient(" in text and "async-client-id" in text
        assert SECRET not in text and SECRET not in str(vars(client))
        with pytest.raises(TypeError, match="pickle"):
            pickle.dumps(client)
    finally:
        client.close()


REQUEST_LINE = re.compile(r"^POST http://127\.0\.0\.1:\d+/api/v1/ticket/(list|read)\b")
RETRY_LINE = re.compile(r"^retrying\b", re.IGNORECASE)


def test_debug_log_has_a_line_per_request_and_retry_and_no_secret(
    secret_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    srv = secret_server
    srv.clear_requests()
    caplog.set_level(logging.DEBUG, logger="talque")
    tickets = srv.tickets()
    srv.fail("status", endpoint="list", status=503, retry_after="0", times=2)
    srv.fail("status", endpoint="read", status=503, retry_after="0", times=1)
    ids = [t["ticketId"] for t in tickets if t["provider"] == tickets[0]["provider"]][:5]

    async def main() -> tuple[list[dict[str, Any]], talque.ReadResult]:
        async with _aclient(srv, max_retries=3) as client:
            listed = await _collect(client.list(srv.org_id, limit=100))
            result = await client.read(srv.org_id, tickets[0]["provider"], ids)
            return listed, result

    listed, result = _run(main())
    assert listed == tickets
    assert all(result[i]["success"] for i in ids)

    records = [r for r in caplog.records if r.name.startswith("talque")]
    messages = [r.getMessage() for r in records]
    assert all(r.levelno == logging.DEBUG for r in records)
    assert SECRET not in caplog.text
    assert all(SECRET not in repr(r.args) and SECRET not in repr(r.msg) for r in records)
    sent = srv.requests()
    assert len(sent) == 3 + 2 + 1 + 1  # 3 pages + 2 failed attempts; 1 read + 1 failed
    request_lines = [m for m in messages if REQUEST_LINE.match(m)]
    assert len(request_lines) == len(sent), messages
    assert sum("/ticket/list" in m for m in request_lines) == 5
    assert sum("/ticket/read" in m for m in request_lines) == 2
    assert len([m for m in messages if RETRY_LINE.match(m)]) == 3, messages


# ---------------------------------------------------------------------------------------
# Closing


def test_async_with_closes_and_later_calls_raise(server: FakeServer) -> None:
    async def main() -> talque.AsyncTalqueClient:
        async with _aclient(server) as client:
            assert len(await _collect(client.list(server.orgs[1]["org_id"]))) == 25
        return client

    client = _run(main())
    server.clear_requests()
    with pytest.raises(talque.TalqueError, match="closed"):
        _run(client.read(server.org_id, "pretix", ["a"]))
    with pytest.raises(talque.TalqueError, match="closed"):
        client.list(server.org_id)
    assert server.requests() == []


def test_aclose_and_close(server: FakeServer) -> None:
    first = _aclient(server)
    _run(first.aclose())
    with pytest.raises(talque.TalqueError, match="closed"):
        _run(first.read(server.org_id, "pretix", ["a"]))
    second = _aclient(server)
    second.close()
    with pytest.raises(talque.TalqueError, match="closed"):
        _run(second.read(server.org_id, "pretix", ["a"]))
    with pytest.raises(talque.TalqueError, match="closed"):
        second.list(server.org_id)
    assert server.requests() == []


def test_pager_of_a_closed_client_raises_talque_error(server: FakeServer) -> None:
    client = _aclient(server)
    pager = client.list(server.org_id)
    _run(client.aclose())
    # "Further calls raise TalqueError" (aclose's docstring), whichever object they go through.
    with pytest.raises(talque.TalqueError, match="closed"):
        _run(_collect(pager))
    assert server.requests() == []


# ---------------------------------------------------------------------------------------
# An already-running loop (Jupyter-style top-level await)


@pytest.mark.timeout(60)
def test_top_level_await_in_the_asyncio_repl(server: FakeServer) -> None:
    ticket = server.tickets()[0]
    small = server.orgs[1]["org_id"]
    lines = [
        "import talque",
        "c = talque.AsyncTalqueClient()",
        f"r = await c.read({server.org_id!r}, {ticket['provider']!r}, [{ticket['ticketId']!r}, 'nope'])",  # noqa: E501
        f"print('RESULT', len(r), r[{ticket['ticketId']!r}]['model']['orgTicketId'])",
        "n = 0",
        f"async for t in c.list({server.org_id!r}): n += 1",
        "",
        "print('COUNT', n)",
        f"print('GATHER', sum(len(x) for x in await asyncio.gather(*(c.read({small!r}, 'pretix', [str(i)]) for i in range(20)))))",  # noqa: E501
        "await c.aclose()",
        "exit()",
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "asyncio"],
        check=False,
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, **server.env()},
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert f"RESULT 2 {ticket['orgTicketId']}" in out, (out, proc.stderr)
    assert "COUNT 1000" in out, (out, proc.stderr)
    assert "GATHER 20" in out, (out, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(server.requests("read")) == 21
    assert len(server.requests("list")) == 10


# ---------------------------------------------------------------------------------------
# Ctrl-C in asyncio.run

CTRL_C_CHILD = textwrap.dedent(
    """
    import asyncio
    import sys
    import talque

    org_id = sys.argv[1]

    async def main():
        client = talque.AsyncTalqueClient(timeout=60.0, max_retries=0)
        print("calling", flush=True)
        await client.read(org_id, "any", ["some-id"])

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        # Stay alive, so that a connection the client failed to abort would stay open.
        sys.stdin.readline()
        sys.exit(42)
    print("returned", flush=True)
    """
)


@contextlib.contextmanager
def _child(server: FakeServer) -> Iterator[tuple[Any, _Lines]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_CHILD, server.org_id],
        env={**os.environ, **server.env()},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = _Lines(proc.stdout)
    try:
        yield proc, lines
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        lines.join()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.timeout(60)
def test_ctrl_c_in_asyncio_run_interrupts_and_aborts(server: FakeServer) -> None:
    server.set_latency(10_000)
    with _child(server) as (proc, lines):
        assert lines.next(timeout=30) == "calling"
        _wait_for(lambda: len(server.requests()) >= 1, 30, "the child's request")
        signalled = time.monotonic()
        proc.send_signal(signal.SIGINT)
        line = lines.next(timeout=10)
        elapsed = time.monotonic() - signalled
        assert line == "interrupted", proc.stderr.read() if line == "<eof>" else line
        assert elapsed < 1.0, f"KeyboardInterrupt came {elapsed:.2f} s after SIGINT"
        # The child is still alive, yet the server has dropped its request.
        server.set_latency(0)
        _probe_until_server_idle(server)
        assert proc.poll() is None
        proc.stdin.close()
        assert proc.wait(timeout=10) == 42
    entry = server.requests()[0]
    assert entry["path"] == READ
    assert entry["status"] is None and entry["completed"] is False, entry
