"""The example DAG examples/dags/talque_daily_export.py: it parses, and its task exports."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyarrow.parquet as pq
import pytest

import talque
from conftest import CLIENT_ID, DAGS, SECRET, SetConnection
from talque.testing import FakeServer

DAG_FILE = DAGS / "talque_daily_export.py"


def _dag_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("talque_daily_export", DAG_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.usefixtures("airflow_db")
def test_the_dag_parses_in_a_dagbag() -> None:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAG_FILE))
    assert bag.import_errors == {}
    dag = bag.get_dag("talque_daily_export")
    assert dag is not None
    assert [task.task_id for task in dag.tasks] == ["export_tickets"]
    assert dag.schedule == "@daily"
    assert dag.catchup is False


def _expected_rows(fake: FakeServer) -> list[dict[str, object]]:
    # The client's own Arrow conversion of the same listing: the export must match it.
    with fake.client() as client:
        return client.list(fake.org_id).to_arrow().to_pylist()


def test_the_export_task_writes_the_fakes_tickets(talque_conn: FakeServer, tmp_path: Path) -> None:
    module = _dag_module()
    path = module.export_org_tickets(talque_conn.org_id, tmp_path, "2024-05-01")
    expected_path = tmp_path / f"org_id={talque_conn.org_id}" / "ds=2024-05-01" / "tickets.parquet"
    assert Path(path) == expected_path
    table = pq.read_table(path)
    assert table.column("orgTicketId").to_pylist() == [
        ticket["orgTicketId"] for ticket in talque_conn.tickets()
    ]
    assert table.to_pylist() == _expected_rows(talque_conn)
    assert sorted(p.name for p in expected_path.parent.iterdir()) == ["tickets.parquet"]


def test_a_failed_export_leaves_no_file_and_a_rerun_replaces_the_day(
    set_connection: SetConnection, tmp_path: Path
) -> None:
    module = _dag_module()
    # Three pages of 1,000; the second fails after the first was written.
    with FakeServer(tickets=2500, client_id=CLIENT_ID, secret=SECRET) as fake:
        set_connection(login=CLIENT_ID, password=SECRET, host=fake.url)
        target = module.partition_path(tmp_path, fake.org_id, "2024-05-02")
        fake.fail("status", status=401, skip=1)
        with pytest.raises(talque.AuthenticationError):
            module.export_org_tickets(fake.org_id, tmp_path, "2024-05-02")
        assert len(fake.requests("list")) == 2
        assert not target.exists(), "no half-written file under the final name"
        # The retry resumes: only the failed page and the one after it are fetched.
        fake.clear_requests()
        module.export_org_tickets(fake.org_id, tmp_path, "2024-05-02")
        assert len(fake.requests("list")) == 2
        module.export_org_tickets(fake.org_id, tmp_path, "2024-05-02")
    assert pq.read_table(target).num_rows == 2500
    assert sorted(p.name for p in target.parent.iterdir()) == ["tickets.parquet"]


@pytest.mark.usefixtures("airflow_db")
def test_the_dag_runs_end_to_end(talque_conn: FakeServer, tmp_path: Path) -> None:
    """`dag.test()`: Airflow runs the task in-process for one logical date."""
    from datetime import datetime, timezone

    module = _dag_module()
    run = module.talque_daily_export().test(
        logical_date=datetime(2024, 5, 3, tzinfo=timezone.utc),
        run_conf={"org_id": talque_conn.org_id, "output_dir": str(tmp_path)},
    )
    assert run.state == "success"
    path = module.partition_path(tmp_path, talque_conn.org_id, "2024-05-03")
    assert pq.read_table(path).to_pylist() == _expected_rows(talque_conn)


def test_the_dlt_dag_parses_without_dlt_and_maps_one_task_per_org(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The dlt example imports dlt only inside its task, so it parses where dlt is absent (this
    # suite's virtualenv); tests_dlt runs the task's function against dlt for real.
    from airflow.dag_processing.dagbag import DagBag

    # Airflow's DAG processor puts the DAGs folder on sys.path; a bare DagBag does not.
    monkeypatch.syspath_prepend(str(DAGS))
    bag = DagBag(dag_folder=str(DAGS / "talque_dlt_load.py"))
    assert bag.import_errors == {}
    dag = bag.get_dag("talque_dlt_load")
    assert dag is not None
    assert set(dag.task_ids) == {"org_ids", "load"}
    assert type(dag.get_task("load")).__name__.endswith("MappedOperator")
