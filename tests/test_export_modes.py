"""The sync and async exports are one loop on the core pager: the same files, resume,
budget and pagination checks from ``TalqueClient.export`` and ``AsyncTalqueClient.export``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import talque
from _cli import jsonl, leftovers
from talque.testing import FakeServer
from test_export import FORMATS, expected, read_output
from test_max_items import _oversized_third_page

Export = Callable[..., talque.ExportResult]


@pytest.fixture(params=["sync", "async"])
def export(request: pytest.FixtureRequest, server: FakeServer) -> Export:
    """Runs one export with a new client of the mode under test; ``client`` holds the
    client options (such as ``max_retries``)."""

    def run(org_id: str, output: Path, client: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        options = {"base_url": server.url, **(client or {})}
        if request.param == "sync":
            with talque.TalqueClient(server.client_id, server.secret, **options) as sync:
                return sync.export(org_id, output, **kwargs)

        async def run_async() -> talque.ExportResult:
            async with talque.AsyncTalqueClient(server.client_id, server.secret, **options) as aio:
                return await aio.export(org_id, output, **kwargs)

        return asyncio.run(run_async())

    return run


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_from_both_clients(
    server: FakeServer, export: Export, tmp_path: Path, fmt: str
) -> None:
    output = tmp_path / f"tickets.{fmt}"
    snapshots: list[talque.ExportResult] = []
    result = export(server.org_id, output, limit=300, on_page=snapshots.append)
    assert result == talque.ExportResult(
        output=output, format=fmt, tickets=1000, pages=4, cursor=None, resumed=False, fetched=1000
    )
    assert read_output(output, fmt) == expected(server.tickets(), fmt)
    # on_page sees the start and then every page, with where the listing continues.
    assert [(s.tickets, s.pages) for s in snapshots] == [
        (0, 0),
        (300, 1),
        (600, 2),
        (900, 3),
        (1000, 4),
    ]
    assert snapshots[1].cursor is not None and snapshots[-1].cursor is None
    assert leftovers(output) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_resume_after_a_failure_from_both_clients(
    server: FakeServer, export: Export, tmp_path: Path, fmt: str
) -> None:
    output = tmp_path / f"tickets.{fmt}"
    server.fail("status", endpoint="list", status=500, skip=3)
    with pytest.raises(talque.InternalServerError):
        export(server.org_id, output, limit=100, client={"max_retries": 0})
    assert leftovers(output) == [f"{output.name}.partial", f"{output.name}.partial.json"]
    server.clear_requests()
    result = export(server.org_id, output, limit=100, resume=True)
    assert (result.tickets, result.pages, result.fetched, result.resumed) == (1000, 10, 700, True)
    assert len(server.requests("list")) == 7
    assert read_output(output, fmt) == expected(server.tickets(), fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_max_items_cuts_an_oversized_page_with_prefetch_on(
    server: FakeServer, client: talque.TalqueClient, export: Export, tmp_path: Path, fmt: str
) -> None:
    start = _oversized_third_page(server, client)
    output = tmp_path / f"tickets.{fmt}"
    result = export(server.org_id, output, limit=100, max_items=250)
    assert (result.tickets, result.pages, result.cursor) == (250, 3, start)
    # The last request asks for what is missing, and nothing is asked beyond the budget.
    assert [r["body"]["limit"] for r in server.requests("list")] == [100, 100, 50]
    assert read_output(output, fmt) == expected(server.tickets()[:250], fmt)


def test_a_capped_last_page_repeating_a_cursor_is_refused(
    server: FakeServer, client: talque.TalqueClient, export: Export, tmp_path: Path
) -> None:
    start = _oversized_third_page(server, client)
    server.clear_faults()
    big = next(client.list(server.org_id, limit=150, cursor=start, prefetch=False).pages())
    # The oversized capped page points back at itself: following it would loop.
    server.fail(
        "status", endpoint="list", status=200, skip=2, body=json.dumps({**big, "cursor": start})
    )
    output = tmp_path / "tickets.jsonl"
    with pytest.raises(talque.InvalidResponseError, match="repeated cursor"):
        export(server.org_id, output, limit=100, max_items=250)
    checkpoint = json.loads(output.with_name(output.name + ".partial.json").read_text())
    assert (checkpoint["pages"], checkpoint["tickets"], checkpoint["cursor"]) == (2, 200, start)


def test_a_fully_spent_budget_sends_nothing(
    server: FakeServer, export: Export, tmp_path: Path
) -> None:
    output = tmp_path / "tickets.jsonl"
    assert export(server.org_id, output, max_items=0).tickets == 0
    assert server.requests("list") == []
    assert output.read_bytes() == b""


def test_cancelled_async_export_leaves_a_resumable_checkpoint(
    server: FakeServer, tmp_path: Path
) -> None:
    output = tmp_path / "tickets.jsonl"

    async def cancelled_then_resumed() -> talque.ExportResult:
        async with talque.AsyncTalqueClient(
            server.client_id, server.secret, base_url=server.url
        ) as aio:
            tasks: list[asyncio.Task[talque.ExportResult]] = []

            def cancel_at_the_third_page(snapshot: talque.ExportResult) -> None:
                if snapshot.pages == 2:
                    tasks[0].cancel()

            tasks.append(
                asyncio.create_task(
                    aio.export(server.org_id, output, limit=100, on_page=cancel_at_the_third_page)
                )
            )
            with pytest.raises(asyncio.CancelledError):
                await tasks[0]
            checkpoint = json.loads(output.with_name(output.name + ".partial.json").read_text())
            assert (checkpoint["pages"], checkpoint["tickets"]) == (2, 200)
            # The same client goes on: the cancelled fetch was let go.
            return await aio.export(server.org_id, output, limit=100, resume=True)

    result = asyncio.run(cancelled_then_resumed())
    assert (result.tickets, result.fetched, result.resumed) == (1000, 800, True)
    assert jsonl(output) == server.tickets()
