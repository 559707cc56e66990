"""Exports: every format round-tripped against the API data, atomic output, exact resume."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import talque
from _cli import cli_env, jsonl, leftovers, run_cli
from _csv_rows import expected_row, read_csv
from talque._talque import CSV_COLUMNS
from talque.testing import FakeServer

FORMATS = ["jsonl", "csv", "parquet"]


def csv_tickets(path: Path) -> list[dict[str, Any]]:
    """The CSV's rows, every cell as written but ``extData`` parsed (it is the server's text
    without whitespace, so it is compared as JSON)."""
    header, rows = read_csv(path.read_bytes())
    assert header == list(CSV_COLUMNS)
    parsed: list[dict[str, Any]] = []
    for row in rows:
        ext_data = row.pop("extData")
        parsed.append({**row, "extData": json.loads(ext_data) if ext_data else ""})
    return parsed


def read_output(path: Path, fmt: str) -> list[Any]:
    """The exported tickets, in a form comparable with :func:`expected`."""
    if fmt == "jsonl":
        return jsonl(path)
    if fmt == "csv":
        return csv_tickets(path)
    return pq.read_table(path).column("ticketId").to_pylist()


def expected(tickets: list[dict[str, Any]], fmt: str) -> list[Any]:
    if fmt == "jsonl":
        return tickets
    if fmt == "csv":
        return [{**expected_row(t), "extData": t.get("extData", "")} for t in tickets]
    return [ticket["ticketId"] for ticket in tickets]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_round_trips_the_api_data(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path, fmt: str
) -> None:
    output = tmp_path / f"tickets.{fmt}"
    result = client.export(server.org_id, output, limit=300)
    assert result == talque.ExportResult(
        output=output, format=fmt, tickets=1000, pages=4, cursor=None, resumed=False, fetched=1000
    )
    assert read_output(output, fmt) == expected(server.tickets(), fmt)
    assert leftovers(output) == []


def test_parquet_schema_and_values(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path
) -> None:
    output = tmp_path / "tickets.parquet"
    client.export(server.org_id, output, limit=1000)
    table = pq.read_table(output)
    assert str(table.schema.field("ctime").type) == "timestamp[ms, tz=UTC]"
    assert str(table.schema.field("checkIns").type.value_type) == "timestamp[ms, tz=UTC]"
    tickets = server.tickets()
    ctimes = [value.value for value in table.column("ctime")]
    assert ctimes == [ticket["ctime"] for ticket in tickets]
    emails = table.column("holder").combine_chunks().field("email").to_pylist()
    assert emails == [ticket["holder"].get("email") for ticket in tickets]


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_org_gives_a_complete_empty_file(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path, fmt: str
) -> None:
    empty = next(org["org_id"] for org in server.orgs if org["ticket_count"] == 0)
    output = tmp_path / f"empty.{fmt}"
    assert client.export(empty, output).tickets == 0
    if fmt == "jsonl":
        assert output.read_bytes() == b""
    elif fmt == "csv":
        assert output.read_text(encoding="utf-8").splitlines() == [",".join(CSV_COLUMNS)]
    else:
        assert pq.read_table(output).num_rows == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_export_leaves_no_output_and_resume_is_exact(
    server: FakeServer, tmp_path: Path, fmt: str
) -> None:
    output = tmp_path / f"tickets.{fmt}"
    output.write_text("yesterday's complete export\n", encoding="utf-8")
    server.fail("status", endpoint="list", status=500, skip=3)
    failed = run_cli(
        server, "list", server.org_id, "-o", str(output), "--max-retries", "0", "--page-size", "100"
    )
    assert failed.returncode == 1
    [line] = failed.stderr.splitlines()
    assert "InternalServerError" in line and "--resume" in line
    # The old file is untouched; the partial output and its checkpoint wait for --resume.
    assert output.read_text(encoding="utf-8") == "yesterday's complete export\n"
    assert leftovers(output) == [f"{output.name}.partial", f"{output.name}.partial.json"]
    server.clear_requests()
    resumed = run_cli(server, "list", server.org_id, "-o", str(output), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "exported 1,000 tickets in 10 pages" in resumed.stderr and "(resumed: " in resumed.stderr
    # Only the failed page and those after it were fetched again.
    assert len(server.requests("list")) == 7
    assert read_output(output, fmt) == expected(server.tickets(), fmt)
    assert leftovers(output) == []


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resume_after_a_kill_mid_export(server: FakeServer, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"tickets.{fmt}"
    server.set_latency(40)
    args = ["list", server.org_id, "-o", str(output), "--page-size", "20", "-q"]
    with subprocess.Popen(
        [sys.executable, "-m", "talque", *args], env=cli_env(server), stderr=subprocess.DEVNULL
    ) as proc:
        _wait_for_pages(output, 5)
        proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no cleanup runs.
    assert not output.exists()
    server.set_latency(0)
    resumed = run_cli(server, *args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert read_output(output, fmt) == expected(server.tickets(), fmt)


def _wait_for_pages(output: Path, pages: int) -> None:
    checkpoint = output.with_name(output.name + ".partial.json")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if checkpoint.exists() and json.loads(checkpoint.read_text())["pages"] >= pages:
            return
        time.sleep(0.02)
    raise AssertionError(f"the export did not reach {pages} pages")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals: Windows has no SIGINT to send")
def test_ctrl_c_stops_with_status_130_and_resume_is_exact(
    server: FakeServer, tmp_path: Path
) -> None:
    output = tmp_path / "tickets.jsonl"
    # Slow pages, so the interrupt lands while a request is in flight.
    server.set_latency(200)
    args = ["list", server.org_id, "-o", str(output), "--page-size", "50"]
    with subprocess.Popen(
        [sys.executable, "-m", "talque", *args],
        env=cli_env(server),
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        _wait_for_pages(output, 2)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    [line] = stderr.splitlines()
    assert line.startswith("talque: error: interrupted; run the same command with --resume")
    assert not output.exists()
    server.set_latency(0)
    resumed = run_cli(server, *args, "--resume", "-q")
    assert resumed.returncode == 0, resumed.stderr
    assert jsonl(output) == server.tickets()


def test_resume_with_nothing_to_resume_starts_fresh(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path
) -> None:
    output = tmp_path / "tickets.jsonl"
    result = client.export(server.org_id, output, resume=True)
    assert (result.tickets, result.resumed) == (1000, False)
    assert jsonl(output) == server.tickets()


def test_resume_refuses_other_arguments(server: FakeServer, tmp_path: Path) -> None:
    output = tmp_path / "tickets.jsonl"
    server.fail("status", endpoint="list", status=500, skip=1)
    run_cli(server, "list", server.org_id, "-o", str(output), "--max-retries", "0")
    small = next(org["org_id"] for org in server.orgs if org["ticket_count"] == 25)
    other = run_cli(server, "list", small, "-o", str(output), "--resume")
    assert other.returncode == 2
    assert "the interrupted export used org_id=" in other.stderr


def test_capped_export_reports_where_to_continue(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path
) -> None:
    first = client.export(server.org_id, tmp_path / "a.jsonl", limit=100, max_items=150)
    assert (first.tickets, first.pages) == (150, 2)
    assert first.cursor is not None
    rest = client.export(server.org_id, tmp_path / "b.jsonl", limit=100, cursor=first.cursor)
    assert rest.cursor is None
    assert jsonl(tmp_path / "a.jsonl") + jsonl(tmp_path / "b.jsonl") == server.tickets()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"format": "xml"}, ValueError),
        ({"limit": 0}, ValueError),
        ({"max_items": -1}, ValueError),
        ({"resume": "yes"}, TypeError),
        ({"resume": True, "cursor": "abc"}, ValueError),
    ],
)
def test_bad_export_arguments_fail_before_sending(
    server: FakeServer, client: talque.TalqueClient, tmp_path: Path, kwargs: Any, error: type
) -> None:
    with pytest.raises(error):
        client.export(server.org_id, tmp_path / "x.jsonl", **kwargs)
    with pytest.raises(TypeError):
        client.export(server.org_id, None)  # type: ignore[arg-type]
    assert server.requests() == []
    assert list(tmp_path.iterdir()) == []


# Installs an import hook under which pyarrow (and pandas, polars) cannot be imported, as on
# a base install, then runs the code that follows it.
_NO_PYARROW = """
import sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pyarrow", "pandas", "polars"):
            raise ImportError(f"{name} is blocked")
        return None
sys.meta_path.insert(0, Blocker())
"""


def test_parquet_needs_no_pyarrow(server: FakeServer, tmp_path: Path) -> None:
    by_api, by_cli = tmp_path / "api.parquet", tmp_path / "cli.parquet"
    code = _NO_PYARROW + (
        "import runpy, talque\n"
        f"with talque.TalqueClient(base_url={server.url!r}) as client:\n"
        f"    client.export({server.org_id!r}, {str(by_api)!r}, format='parquet', limit=300)\n"
        f"sys.argv = ['talque', 'list', {server.org_id!r}, '--format', 'parquet',"
        f" '-o', {str(by_cli)!r}, '-q']\n"
        "try:\n"
        "    runpy.run_module('talque', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "assert 'pyarrow' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=cli_env(server),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    ids = [ticket["ticketId"] for ticket in server.tickets()]
    for output in (by_api, by_cli):
        table = pq.read_table(output)
        assert table.column("ticketId").to_pylist() == ids
        assert str(table.schema.field("ctime").type) == "timestamp[ms, tz=UTC]"
    # Written by the core: zstd, in row groups larger than a page.
    metadata = pq.ParquetFile(by_api).metadata
    assert metadata.row_group(0).column(0).compression == "ZSTD"
    assert metadata.num_row_groups == 1 and metadata.row_group(0).num_rows == 1000
