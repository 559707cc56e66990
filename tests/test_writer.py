"""TicketWriter and CorePager.write_next_page: list pages written straight to a file."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

import talque
from _csv_rows import expected_row, read_csv
from talque._talque import CSV_COLUMNS, CorePager, TicketWriter
from talque.testing import FakeServer

FORMATS = ("jsonl", "csv")


def core_pager(
    client: talque.TalqueClient, org_id: str, limit: int, cursor: str | None = None
) -> CorePager:
    pager: CorePager = client._core.pager(org_id, None, limit, cursor, True)
    return pager


def write_all(pager: CorePager, writer: TicketWriter) -> list[int]:
    """Writes every remaining page; returns the ticket count of each."""
    counts = []
    while (count := pager.write_next_page(writer)) is not None:
        counts.append(count)
    return counts


def export(client: talque.TalqueClient, org_id: str, path: Path, fmt: str, limit: int) -> bytes:
    writer = TicketWriter(str(path), fmt)
    write_all(core_pager(client, org_id, limit), writer)
    writer.close()
    return path.read_bytes()


def test_columns_are_the_documented_tuple() -> None:
    assert isinstance(CSV_COLUMNS, tuple)
    assert len(CSV_COLUMNS) == 40
    assert CSV_COLUMNS[:5] == ("orgTicketId", "ticketId", "provider", "ctime", "ctime_iso")
    assert CSV_COLUMNS[-1] == "extData"


@pytest.mark.parametrize("limit", [150, 1000])
def test_jsonl_export_equals_the_server_tickets(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path, limit: int
) -> None:
    path = tmp_path / "tickets.jsonl"
    writer = TicketWriter(str(path), "jsonl")
    assert (writer.format, writer.position, writer.tickets) == ("jsonl", 0, 0)
    counts = write_all(core_pager(client, server.org_id, limit), writer)
    assert sum(counts) == writer.tickets == 1000
    assert len(counts) == -(-1000 // limit)
    writer.close()
    data = path.read_bytes()
    assert writer.position == len(data)
    lines = data.split(b"\n")
    assert lines.pop() == b""
    assert [json.loads(line) for line in lines] == server.tickets()


def test_csv_export_equals_the_server_tickets(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path
) -> None:
    data = export(client, server.org_id, tmp_path / "tickets.csv", "csv", 300)
    header, rows = read_csv(data)
    assert header == list(CSV_COLUMNS)
    tickets = server.tickets()
    assert len(rows) == len(tickets)
    ext_kinds = set()
    for row, ticket in zip(rows, tickets, strict=True):
        # extData is the server's text without whitespace (digits exact), so compared parsed.
        ext_data = row.pop("extData")
        if "extData" in ticket:
            assert json.loads(ext_data) == ticket["extData"]
        else:
            assert ext_data == ""
        assert row == expected_row(ticket)
        ext_kinds.add(type(ticket.get("extData")).__name__)
    # The fake server's data has extData of several kinds, so the comparison means something.
    assert len(ext_kinds) >= 3, ext_kinds


@pytest.mark.parametrize("fmt", FORMATS)
def test_resume_with_append_at_equals_a_one_shot_export(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path, fmt: str
) -> None:
    whole = export(client, server.org_id, tmp_path / f"whole.{fmt}", fmt, 100)
    path = tmp_path / f"resumed.{fmt}"
    first = TicketWriter(str(path), fmt)
    pager = core_pager(client, server.org_id, 100)
    for _ in range(3):
        assert pager.write_next_page(first) == 100
    position, cursor = first.position, pager.cursor
    assert position == path.stat().st_size
    del first, pager  # A crash: no close(), and half a page of garbage after the last page.
    with path.open("ab") as torn:
        torn.write(b'{"orgTicketId": "half a tick')
    resumed = TicketWriter(str(path), fmt, append_at=position)
    assert resumed.position == position
    counts = write_all(core_pager(client, server.org_id, 100, cursor), resumed)
    assert sum(counts) == resumed.tickets == 700
    resumed.close()
    assert path.read_bytes() == whole
    assert resumed.position == len(whole)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failed_page_leaves_position_and_cursor_at_the_last_complete_page(
    server: FakeServer, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"faulty.{fmt}"
    with server.client(timeout=5.0, max_retries=0) as client:
        whole = export(client, server.org_id, tmp_path / f"whole.{fmt}", fmt, 100)
        # The fourth list request fails: with prefetch, that is the one for page 4.
        server.fail("status", endpoint="list", skip=3, status=500)
        writer = TicketWriter(str(path), fmt)
        pager = core_pager(client, server.org_id, 100)
        for _ in range(3):
            assert pager.write_next_page(writer) == 100
        position, cursor = writer.position, pager.cursor
        with pytest.raises(talque.InternalServerError):
            pager.write_next_page(writer)
        assert (writer.position, writer.tickets, pager.cursor) == (position, 300, cursor)
        assert path.stat().st_size == position
        # The same pager and writer carry on from there, losing and repeating nothing.
        assert sum(write_all(pager, writer)) == 700
        writer.close()
    assert path.read_bytes() == whole


def test_a_page_the_cursor_rejects_is_not_written(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path
) -> None:
    path = tmp_path / "repeat.jsonl"
    writer = TicketWriter(str(path), "jsonl")
    pager = core_pager(client, server.org_id, 100)
    assert pager.write_next_page(writer) == 100
    position, cursor = writer.position, pager.cursor
    server.fail("repeat_cursor", endpoint="list", times=5)
    pager = core_pager(client, server.org_id, 100, cursor)
    with pytest.raises(talque.InvalidResponseError, match="repeated cursor"):
        pager.write_next_page(writer)
    assert (writer.position, writer.tickets, pager.cursor) == (position, 100, cursor)
    assert path.stat().st_size == position
    writer.close()


def empty_org(server: FakeServer) -> str:
    return next(str(org["org_id"]) for org in server.orgs if org["ticket_count"] == 0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_listing_writes_a_zero_ticket_page(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"empty.{fmt}"
    writer = TicketWriter(str(path), fmt)
    pager = core_pager(client, empty_org(server), 100)
    assert pager.write_next_page(writer) == 0
    assert pager.finished
    assert pager.write_next_page(writer) is None
    writer.close()
    expected = (",".join(CSV_COLUMNS) + "\n").encode() if fmt == "csv" else b""
    assert path.read_bytes() == expected
    assert writer.position == len(expected)


def test_a_descriptor_target_is_duplicated_and_left_open(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path
) -> None:
    whole = export(client, server.org_id, tmp_path / "whole.csv", "csv", 250)
    path = tmp_path / "by_fd.csv"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        writer = TicketWriter(fd, "csv")
        assert sum(write_all(core_pager(client, server.org_id, 250), writer)) == 1000
        writer.close()
        assert writer.position == len(whole)
        os.write(fd, b"")  # Still open: the writer wrote to and closed its own duplicate.
    finally:
        os.close(fd)
    assert path.read_bytes() == whole


def test_a_pipe_target(server: FakeServer, client: talque.TalqueClient) -> None:
    small = next(str(org["org_id"]) for org in server.orgs if org["ticket_count"] == 25)
    read_fd, write_fd = os.pipe()
    chunks: list[bytes] = []

    def drain() -> None:
        while chunk := os.read(read_fd, 65536):
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        writer = TicketWriter(write_fd, "jsonl")
        assert write_all(core_pager(client, small, 10), writer) == [10, 10, 5]
        writer.close()
    finally:
        os.close(write_fd)
        reader.join(timeout=10)
        os.close(read_fd)
    lines = b"".join(chunks).splitlines()
    assert [json.loads(line) for line in lines] == server.tickets(small)


def test_disk_full_is_an_oserror_with_its_errno(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    writer = TicketWriter("/dev/full", "jsonl")
    pager = core_pager(client, server.org_id, 100)
    with pytest.raises(OSError) as raised:
        pager.write_next_page(writer)
    assert raised.value.errno == 28  # ENOSPC
    assert (writer.position, writer.tickets, pager.cursor) == (0, 0, None)
    writer.close()


def test_a_torn_descriptor_refuses_further_pages(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        writer = TicketWriter(fd, "jsonl")
        pager = core_pager(client, server.org_id, 100)
        with pytest.raises(OSError):
            pager.write_next_page(writer)
        with pytest.raises(RuntimeError, match="part-way"):
            pager.write_next_page(writer)
        assert pager.cursor is None
        writer.close()
    finally:
        os.close(fd)


def test_close_is_idempotent_and_final(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path
) -> None:
    writer = TicketWriter(tmp_path / "closed.jsonl", "jsonl")
    assert not writer.closed
    writer.close()
    writer.close()
    assert writer.closed
    pager = core_pager(client, server.org_id, 100)
    with pytest.raises(RuntimeError, match="closed"):
        pager.write_next_page(writer)
    assert pager.cursor is None
    assert server.requests("list") == []


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        TicketWriter(str(tmp_path / "x"), "parquet")
    with pytest.raises(ValueError, match="past the end"):
        TicketWriter(str(tmp_path / "x"), "jsonl", append_at=10)
    with pytest.raises(ValueError, match=">= 0"):
        TicketWriter(str(tmp_path / "x"), "jsonl", append_at=-1)
    with pytest.raises(ValueError, match="path target"):
        TicketWriter(1, "jsonl", append_at=0)
    with pytest.raises(TypeError, match="path or a file descriptor"):
        TicketWriter(True, "jsonl")
    with pytest.raises(TypeError, match="path or a file descriptor"):
        TicketWriter(1.5, "jsonl")
    with pytest.raises(FileNotFoundError) as raised:
        TicketWriter(str(tmp_path / "missing" / "x"), "csv")
    assert raised.value.filename == str(tmp_path / "missing" / "x")
    with pytest.raises(OSError) as bad_fd:
        TicketWriter(987654, "csv")
    assert bad_fd.value.errno == 9  # EBADF


def test_append_at_zero_starts_a_csv_with_its_header(tmp_path: Path) -> None:
    path = tmp_path / "zero.csv"
    path.write_bytes(b"partial header")
    writer = TicketWriter(str(path), "csv", append_at=0)
    writer.close()
    assert path.read_bytes() == (",".join(CSV_COLUMNS) + "\n").encode()
