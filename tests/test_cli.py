"""The ``talque`` command: list, read, fake-server, credentials, errors and exit codes."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import talque
from _cli import cli_env, jsonl, leftovers, parse_lines, run_cli, run_on_terminal
from talque.testing import FakeServer


def test_list_writes_json_lines_to_stdout(server: FakeServer) -> None:
    done = run_cli(server, "list", server.org_id, "--page-size", "300")
    assert done.returncode == 0, done.stderr
    lines = parse_lines(done.stdout)
    assert lines == server.tickets()
    assert len(server.requests("list")) == 4
    # Not a terminal: no progress bar, only the one-line summary.
    assert done.stderr.count("\n") == 1
    assert "exported 1,000 tickets in 4 pages" in done.stderr


def test_list_to_a_file_leaves_nothing_else(server: FakeServer, tmp_path: Path) -> None:
    output = tmp_path / "tickets.jsonl"
    done = run_cli(server, "list", server.org_id, "-o", str(output), "-q")
    assert done.returncode == 0, done.stderr
    assert done.stdout == done.stderr == ""
    assert jsonl(output) == server.tickets()
    assert leftovers(output) == []


def test_max_items_stops_exactly_and_says_where_to_continue(server: FakeServer) -> None:
    first = run_cli(server, "list", server.org_id, "--page-size", "100", "--max-items", "250")
    assert first.returncode == 0, first.stderr
    assert len(parse_lines(first.stdout)) == 250
    # The last request asked only for what was missing.
    assert [r["body"]["limit"] for r in server.requests("list")] == [100, 100, 50]
    cursor = re.search(r"--cursor (\S+)", first.stderr)
    assert cursor is not None, first.stderr
    rest = run_cli(server, "list", server.org_id, "--cursor", cursor.group(1))
    assert rest.returncode == 0, rest.stderr
    combined = parse_lines(first.stdout + rest.stdout)
    assert combined == server.tickets()


def test_failure_on_stdout_names_the_error_and_the_cursor(server: FakeServer) -> None:
    server.fail("status", endpoint="list", status=503, skip=2)
    done = run_cli(server, "list", server.org_id, "--max-retries", "0", "--page-size", "100")
    assert done.returncode == 1
    assert len(parse_lines(done.stdout)) == 200
    [line] = done.stderr.splitlines()
    assert line.startswith("talque: error: InternalServerError:")
    cursor = re.search(r"continue with --cursor (\S+)$", line)
    assert cursor is not None, line
    rest = run_cli(server, "list", server.org_id, "--cursor", cursor.group(1), "-q")
    combined = parse_lines(done.stdout + rest.stdout)
    assert combined == server.tickets()


def test_stdout_closed_early_is_not_an_error_message(server: FakeServer) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "talque", "list", server.org_id, "--page-size", "10", "-q"],
        env=cli_env(server),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as reader:
        assert reader.stdout is not None and reader.stderr is not None
        first = reader.stdout.readline()
        reader.stdout.close()
        assert reader.wait(timeout=60) == 1
        assert reader.stderr.read() == b""
    assert json.loads(first) == server.tickets()[0]


def test_progress_bar_only_on_a_terminal(server: FakeServer) -> None:
    code, text = run_on_terminal(server, "list", server.org_id, "--page-size", "100")
    assert code == 0
    assert "exporting tickets: 1000ticket" in text and "10 pages]" in text


def test_read_writes_one_line_per_id_in_order(server: FakeServer, tmp_path: Path) -> None:
    tickets = server.tickets()
    provider = tickets[0]["provider"]
    known = [t["ticketId"] for t in tickets if t["provider"] == provider][:3]
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("missing-1\n\n" + known[2] + "\n", encoding="utf-8")
    done = run_cli(
        server, "read", server.org_id, provider, known[0], known[1], "--ids-file", str(ids_file)
    )
    assert done.returncode == 0, done.stderr
    lines = parse_lines(done.stdout)
    assert [line["ticketId"] for line in lines] == [known[0], known[1], "missing-1", known[2]]
    assert [line["success"] for line in lines] == [True, True, False, True]
    assert lines[0]["model"] == next(t for t in tickets if t["ticketId"] == known[0])
    assert "read 4 ids: 3 found, 1 not" in done.stderr


def test_read_ids_from_stdin_to_an_output_file(server: FakeServer, tmp_path: Path) -> None:
    provider = server.tickets()[0]["provider"]
    ids = [t["ticketId"] for t in server.tickets() if t["provider"] == provider][:250]
    output = tmp_path / "read.jsonl"
    done = run_cli(
        server,
        *("read", server.org_id, provider, "--ids-file", "-", "-o", str(output), "-q"),
        input="\n".join(ids) + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert [line["ticketId"] for line in jsonl(output)] == ids
    assert leftovers(output) == []


def test_secret_from_a_named_env_var_or_a_file(server: FakeServer, tmp_path: Path) -> None:
    env = cli_env(server, MY_SECRET=server.secret)
    del env["TALQUE_SECRET"]
    by_env = run_cli(server, "list", server.org_id, "--secret-env", "MY_SECRET", "-q", env=env)
    assert by_env.returncode == 0, by_env.stderr
    secret_file = tmp_path / "secret"
    secret_file.write_text(server.secret + "\n", encoding="utf-8")
    by_file = run_cli(
        server, "list", server.org_id, "--secret-file", str(secret_file), "-q", env=env
    )
    assert by_file.returncode == 0, by_file.stderr
    assert by_env.stdout == by_file.stdout != ""


def test_wrong_secret_fails_without_showing_it(server: FakeServer) -> None:
    wrong = "not-the-secret-8d1f"
    done = run_cli(server, "list", server.org_id, env=cli_env(server, TALQUE_SECRET=wrong))
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("talque: error: AuthenticationError:")
    assert wrong not in done.stderr + done.stdout


def test_missing_credentials_are_named(server: FakeServer) -> None:
    env = cli_env(server)
    del env["TALQUE_SECRET"]
    done = run_cli(server, "list", server.org_id, env=env)
    assert done.returncode == 1
    assert "TALQUE_SECRET" in done.stderr
    assert server.requests() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "ORG", "--page-size", "0"], "must be at least 1"),
        (["list", "ORG", "--format", "xml"], "invalid choice"),
        (["list", "ORG", "--resume", "--cursor", "c"], "not allowed with"),
        (["list", "ORG", "--resume"], "resume needs an output path"),
        (["list", "ORG", "--format", "parquet"], "parquet output needs an output path"),
        (["read", "ORG", "PROVIDER"], "no ticket ids"),
        (["list", "ORG", "--secret-env", "TALQUE_NOPE_UNSET"], "TALQUE_NOPE_UNSET is unset"),
        (["list", "ORG", "--timeout", "-1"], "timeout must be a positive"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_before_sending(
    server: FakeServer, args: list[str], message: str
) -> None:
    done = run_cli(server, *args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert server.requests() == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals: SIGTERM is TerminateProcess")
def test_fake_server_command_serves_until_terminated() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "talque", "fake-server", "--port", "0", "--tickets", "30"],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            env: dict[str, str] = {}
            for _ in range(4):
                line = proc.stdout.readline()
                if line.startswith("export "):
                    name, _, value = line.removeprefix("export ").strip().partition("=")
                    env[name] = value
            assert env["TALQUE_BASE_URL"].startswith("http://127.0.0.1:")
            with talque.TalqueClient(
                env["TALQUE_CLIENT_ID"], env["TALQUE_SECRET"], base_url=env["TALQUE_BASE_URL"]
            ) as client:
                assert sum(1 for _ in client.list("orgDemo0000000000001")) == 30
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0


def test_console_script_is_installed() -> None:
    script = shutil.which("talque", path=str(Path(sys.executable).parent))
    assert script is not None
    done = subprocess.run(
        [script, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"talque {talque.__version__}"
