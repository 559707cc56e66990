"""``--max-items N`` / ``max_items=N`` write exactly N tickets, even from a server that sends
more than the ``limit`` it was asked for: the last page is cut at N, and the cursor given to
continue fetches that page again (repeating the tickets of it already written)."""

from __future__ import annotations

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
