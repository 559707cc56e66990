"""Credentials the dlt way (arguments, environment, .dlt/secrets.toml), never stored."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import dlt
import pytest

from conftest import CLIENT_ID, ORG_B, SECRET, loaded_rows, served_rows
from talque.dlt import talque_source
from talque.testing import FakeServer


def files_containing(folder: Path, text: str) -> list[str]:
    """Every file under ``folder`` whose bytes contain ``text`` (the pipeline's working dir)."""
    needle = text.encode()
    return sorted(str(p) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes())


def dataset_containing(pipeline: dlt.Pipeline, text: str) -> list[str]:
    """Every table of the dataset (dlt's own included) with a row whose text holds ``text``."""
    found = []
    with pipeline.sql_client() as client:
        for table in pipeline.default_schema.tables:
            name = client.make_qualified_table_name(table)
            if any(text in repr(row) for row in client.execute_sql(f"SELECT * FROM {name}")):
                found.append(table)
    return found


def test_the_secret_is_in_no_file_trace_state_or_table(
    fake: FakeServer,
    pipeline: dlt.Pipeline,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Once with the credentials as arguments, once from dlt's configuration (environment).
    source = talque_source(ORG_B, client_id=CLIENT_ID, secret=SECRET, base_url=fake.url)
    assert SECRET not in repr(source) and SECRET not in repr(source.resources["tickets"])
    pipeline.run(source)
    monkeypatch.setenv("SOURCES__TALQUE__CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SOURCES__TALQUE__SECRET", SECRET)
    monkeypatch.setenv("SOURCES__TALQUE__BASE_URL", fake.url)
    pipeline.run(talque_source(ORG_B))
    assert loaded_rows(pipeline) == served_rows(fake, ORG_B)

    working_dir = tmp_path / "pipelines"
    # The searches find what is stored: the org id is in the files and the table.
    assert files_containing(working_dir, ORG_B)
    assert "tickets" in dataset_containing(pipeline, ORG_B)
    for text in (SECRET, CLIENT_ID):
        assert files_containing(working_dir, text) == []
        assert dataset_containing(pipeline, text) == []
        assert text not in json.dumps(pipeline.state, default=str)
        assert text not in repr(pipeline.last_trace.asdict())


def test_credentials_from_dlt_secrets_toml(fake: FakeServer, tmp_path: Path) -> None:
    # A fresh interpreter in a project folder: dlt reads .dlt/ from the working directory.
    project = tmp_path / "project"
    (project / ".dlt").mkdir(parents=True)
    (project / ".dlt" / "secrets.toml").write_text(
        textwrap.dedent(
            f"""\
            [sources.talque]
            client_id = "{CLIENT_ID}"
            secret = "{SECRET}"
            base_url = "{fake.url}"
            """
        )
    )
    script = textwrap.dedent(
        f"""\
        import dlt
        from talque.dlt import talque_source

        pipeline = dlt.pipeline(
            "toml", pipelines_dir="pipelines", destination=dlt.destinations.duckdb("t.duckdb")
        )
        pipeline.run(talque_source({ORG_B!r}))
        with pipeline.sql_client() as client:
            print(client.execute_sql("SELECT count(*) FROM tickets")[0][0])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.split()[-1] == str(len(fake.tickets(ORG_B)))
    assert SECRET not in done.stdout + done.stderr
    assert files_containing(project / "pipelines", SECRET) == []


def test_missing_credentials_fail_before_any_request(
    fake: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCES__TALQUE__SECRET", raising=False)
    with pytest.raises(Exception, match="secret") as raised:
        talque_source(ORG_B, client_id=CLIENT_ID, base_url=fake.url)
    assert SECRET not in str(raised.value)
    assert fake.requests() == []
