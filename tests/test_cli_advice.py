"""What the ``talque`` command says after a failure, what it leaves behind, and its bar."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from _cli import cli_env, jsonl, leftovers, run_cli, run_on_terminal
from talque.testing import FakeServer

_BAR = "exporting tickets"


def _refusal(server: FakeServer, kind: str) -> tuple[str, dict[str, str], str]:
    """The org, the environment and the advice expected for a refused request."""
    if kind == "401":
        env = cli_env(server, TALQUE_SECRET="not-the-secret-8d1f")
        return server.org_id, env, "check the credentials"
    if kind == "403":
        return server.forbidden_org_id, cli_env(server), "check the org id"
    if kind == "404":
        return "noSuchOrg00000000000", cli_env(server), "check the org id"
    env = cli_env(server)
    del env["TALQUE_SECRET"]
    return server.org_id, env, "check the credentials"


@pytest.mark.parametrize("kind", ["401", "403", "404", "no-credentials"])
def test_refusals_advise_what_helps_and_leave_nothing(
    server: FakeServer, tmp_path: Path, kind: str
) -> None:
    org, env, advice = _refusal(server, kind)
    output = tmp_path / "tickets.jsonl"
    code, text = run_on_terminal(server, "list", org, "-o", str(output), env=env)
    assert code == 1, text
    [line] = text.splitlines()
    assert line.startswith("talque: error: "), line
    assert advice in line
    assert "--resume" not in line
    # Nothing was exported, so nothing is left to resume, and no bar was drawn.
    assert _BAR not in text
    assert leftovers(output) == [] and not output.exists()


def test_a_failed_first_page_leaves_no_partial_and_says_run_again(
    server: FakeServer, tmp_path: Path
) -> None:
    server.fail("status", endpoint="list", status=503)
    output = tmp_path / "tickets.csv"
    done = run_cli(server, "list", server.org_id, "-o", str(output), "--max-retries", "0")
    assert done.returncode == 1
    assert done.stderr.rstrip().endswith("run the same command again to start over")
    assert leftovers(output) == [] and not output.exists()


def test_a_failure_after_some_pages_keeps_the_partial_for_resume(
    server: FakeServer, tmp_path: Path
) -> None:
    server.fail("status", endpoint="list", status=503, skip=2)
    output = tmp_path / "tickets.jsonl"
    done = run_cli(server, "list", server.org_id, "-o", str(output), "--max-retries", "0")
    assert done.returncode == 1
    assert "run the same command with --resume to continue" in done.stderr
    assert leftovers(output) == ["tickets.jsonl.partial", "tickets.jsonl.partial.json"]


@pytest.mark.parametrize(
    "args",
    [
        ["list", "ORG", "--resume"],
        ["list", "ORG", "--format", "parquet"],
        ["list", "ORG", "--secret-env", "TALQUE_NOPE_UNSET"],
    ],
)
def test_argument_errors_draw_no_bar(server: FakeServer, args: list[str]) -> None:
    code, text = run_on_terminal(server, *args)
    assert code == 2, text
    assert _BAR not in text
    assert server.requests() == []


def test_resume_shows_the_whole_export_and_how_much_was_resumed(
    server: FakeServer, tmp_path: Path
) -> None:
    output = tmp_path / "tickets.jsonl"
    server.fail("status", endpoint="list", status=503, skip=3)
    first = run_cli(
        server,
        *("list", server.org_id, "-o", str(output), "--page-size", "100"),
        "--max-retries",
        "0",
    )
    assert first.returncode == 1
    code, text = run_on_terminal(
        server, "list", server.org_id, "-o", str(output), "--page-size", "100", "--resume"
    )
    assert code == 0, text
    assert jsonl(output) == server.tickets()
    # The bar ends at the whole export (1,000 tickets in 10 pages), not at this run's part.
    parts = text.replace("\n", "\r").split("\r")
    bar = [part for part in parts if _BAR in part]
    assert bar, text
    assert re.search(r"\b1000ticket", bar[-1]) and "10 pages" in bar[-1], bar[-1]
    [summary] = [part for part in parts if "talque: exported" in part]
    assert "exported 1,000 tickets in 10 pages" in summary, summary
    assert "resumed: 300 already written, 700 new" in summary, summary
