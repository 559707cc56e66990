"""``--max-items N`` / ``max_items=N`` write exactly N tickets, even from a server that sends
more than the ``limit`` it was asked for: the last page is cut at N, and the cursor given to
continue fetches that page again (repeating the tickets of it already written)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

import talque
from _cli import jsonl, parse_lines, run_cli
from talque.testing import FakeServer


def _oversized_third_page(server: FakeServer, client: talque.TalqueClient) -> str:
    """Scripts the third list request to answer 150 tickets whatever its limit; returns the
    cursor of that page (after the first 200 tickets)."""
    pages = client.list(server.org_id, limit=100, prefetch=False).pages()
    next(pages)
    start = next(pages)["cursor"]
    assert isinstance(start, str)
    big = next(client.list(server.org_id, limit=150, cursor=start, prefetch=False).pages())
    assert len(big["tickets"]) == 150
    server.clear_requests()
    server.fail("status", endpoint="list", status=200, skip=2, body=json.dumps(big))
    return start


def test_cli_cuts_the_last_page_and_continues_from_it(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    start = _oversized_third_page(server, client)
    args = ("list", server.org_id, "--page-size", "100", "--max-items", "250")
    first = run_cli(server, *args)
    assert first.returncode == 0, first.stderr
    assert parse_lines(first.stdout) == server.tickets()[:250]
    assert [r["body"]["limit"] for r in server.requests("list")] == [100, 100, 50]
    cursor = re.search(r"continue with --cursor (\S+)", first.stderr)
    assert cursor is not None and cursor.group(1) == start, first.stderr
    rest = run_cli(server, "list", server.org_id, "--cursor", cursor.group(1), "-q")
    # Continuing fetches the cut page again: its first 50 tickets come twice, none is lost.
    assert parse_lines(rest.stdout) == server.tickets()[200:]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_export_cuts_the_last_page_in_every_format(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path, fmt: str
) -> None:
    start = _oversized_third_page(server, client)
    output = tmp_path / f"tickets.{fmt}"
    result = client.export(server.org_id, output, limit=100, max_items=250)
    assert result.tickets == 250 and result.cursor == start
    if fmt == "jsonl":
        ids = [ticket["ticketId"] for ticket in jsonl(output)]
    else:
        import pyarrow.parquet as pq

        ids = pq.read_table(output).column("ticketId").to_pylist()
    assert ids == [ticket["ticketId"] for ticket in server.tickets()[:250]]


def _list_ids(
    server: FakeServer, mode: str, **kwargs: object
) -> tuple[list[str], str | None, bool]:
    """The ticket ids a capped listing yields in ``mode``, its cursor and ``finished``."""
    if mode == "sync":
        with server.client() as client:
            pager = client.list(server.org_id, **kwargs)  # type: ignore[arg-type]
            ids = [ticket["ticketId"] for ticket in pager]
            return ids, pager.cursor, pager.finished

    async def run() -> tuple[list[str], str | None, bool]:
        async with talque.AsyncTalqueClient(
            server.client_id, server.secret, base_url=server.url
        ) as aio:
            pager = aio.list(server.org_id, **kwargs)  # type: ignore[arg-type]
            ids = [ticket["ticketId"] async for ticket in pager]
            return ids, pager.cursor, pager.finished

    return asyncio.run(run())


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_list_max_items_gives_the_first_tickets_and_where_to_continue(
    server: FakeServer, mode: str
) -> None:
    ids, cursor, finished = _list_ids(server, mode, limit=100, max_items=250)
    everything = [ticket["ticketId"] for ticket in server.tickets()]
    assert ids == everything[:250] and not finished
    # Prefetch stays on, yet nothing is asked beyond the budget.
    assert [r["body"]["limit"] for r in server.requests("list")] == [100, 100, 50]
    rest, _, finished = _list_ids(server, mode, limit=100, cursor=cursor)
    assert rest == everything[250:] and finished


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_list_max_items_cuts_an_oversized_page_and_keeps_its_cursor(
    server: FakeServer, client: talque.TalqueClient, mode: str
) -> None:
    start = _oversized_third_page(server, client)
    ids, cursor, finished = _list_ids(server, mode, limit=100, max_items=250)
    assert ids == [ticket["ticketId"] for ticket in server.tickets()[:250]]
    assert (cursor, finished) == (start, False)


def test_list_max_items_covering_the_listing_finishes_it(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    pager = client.list(server.org_id, limit=400, max_items=5000)
    assert len(list(pager)) == 1000
    assert pager.finished
    assert client.list(server.org_id, max_items=0).to_arrow().num_rows == 0
    with pytest.raises(ValueError, match="max_items"):
        client.list(server.org_id, max_items=-1)
    with pytest.raises(TypeError, match="max_items"):
        client.list(server.org_id, max_items="10")  # type: ignore[arg-type]
