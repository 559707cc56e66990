"""The example DAG's task (examples/dags/talque_dlt_tasks.py) run for real, one call per org.

Airflow is not installed here: a pinned env with both Airflow 3 and dlt would double this
suite's install. The mapped callable is a plain function, so it is tested directly, the way a
mapped task instance calls it (once per organization, each with its own pipeline); the DAG
file itself is checked to compile and to map that function over the organizations.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from conftest import CLIENT_ID, ORG_A, ORG_B, SECRET, loaded_rows, served_rows
from talque.testing import FakeServer

DAGS = Path(__file__).resolve().parents[1] / "examples" / "dags"


@pytest.fixture
def tasks(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(DAGS))
    import talque_dlt_tasks

    return talque_dlt_tasks


def test_one_call_per_org_loads_both_into_one_table(
    fake: FakeServer, destination: Any, tasks: Any, tmp_path: Path
) -> None:
    import dlt

    dataset = f"talque_dag_{tmp_path.name[-8:].lower().replace('-', '_')}"
    summaries = [
        tasks.load_org(
            org_id,
            client_id=CLIENT_ID,
            secret=SECRET,
            base_url=fake.url,
            destination=destination,
            dataset_name=dataset,
            pipelines_dir=str(tmp_path / "pipelines"),
        )
        for org_id in (ORG_A, ORG_B)
    ]

    assert summaries == [
        {"org_id": ORG_A, "rows_loaded": 230},
        {"org_id": ORG_B, "rows_loaded": 40},
    ]
    # A pipeline of its own, only to read the shared table back.
    pipeline = dlt.pipeline(
        "talque_check",
        destination=destination,
        dataset_name=dataset,
        pipelines_dir=str(tmp_path / "check"),
    )
    assert loaded_rows(pipeline) == served_rows(fake, ORG_A, ORG_B)
    assert SECRET not in repr(summaries)


def test_the_dag_file_maps_load_org_over_the_orgs() -> None:
    source = (DAGS / "talque_dlt_load.py").read_text()
    tree = ast.parse(source)
    compile(tree, "talque_dlt_load.py", "exec")
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert "expand" in calls
    assert "from talque_dlt_tasks import load_org" in source


def test_by_default_every_org_goes_into_one_duckdb_file(
    fake: FakeServer, tasks: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dlt

    monkeypatch.chdir(tmp_path)
    for org_id in (ORG_A, ORG_B):
        tasks.load_org(
            org_id,
            client_id=CLIENT_ID,
            secret=SECRET,
            base_url=fake.url,
            pipelines_dir=str(tmp_path / "pipelines"),
        )

    assert [p.name for p in tmp_path.glob("*.duckdb")] == ["talque_tickets.duckdb"]
    pipeline = dlt.pipeline(
        "talque_check",
        destination=dlt.destinations.duckdb(str(tmp_path / "talque_tickets.duckdb")),
        dataset_name="talque",
        pipelines_dir=str(tmp_path / "check"),
    )
    assert loaded_rows(pipeline) == served_rows(fake, ORG_A, ORG_B)
