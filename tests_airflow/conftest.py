"""Tests of talque.airflow against a real Apache Airflow (``make test-airflow``).

`make test-airflow` runs them in their own virtualenv (the talque wheel plus
requirements-airflow.txt) with ``AIRFLOW_HOME`` in a temporary folder. Run by hand, this file
makes such a folder itself before Airflow is first imported. Each test gets a fresh fake
Talque server and an ``AIRFLOW_CONN_TALQUE_DEFAULT`` variable pointing at it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from talque.testing import FakeServer

ROOT = Path(__file__).resolve().parents[1]
DAGS = ROOT / "examples" / "dags"
# A secret that cannot appear in a log or repr by accident.
SECRET = "Sekr3t-Talque-Value-9f2c7e"
CLIENT_ID = "airflow-client-id"

if "AIRFLOW_HOME" not in os.environ:
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="talque-airflow-home-")
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS))


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """Airflow's metadata database (SQLite in AIRFLOW_HOME), for DagBag and ``dag.test()``."""
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=170,
    )


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with FakeServer(tickets=250, seed=5, client_id=CLIENT_ID, secret=SECRET) as server:
        yield server


SetConnection = Callable[..., None]


@pytest.fixture
def set_connection(monkeypatch: pytest.MonkeyPatch) -> SetConnection:
    """Sets ``AIRFLOW_CONN_<ID>`` in Airflow's JSON form from connection fields."""

    def set_it(conn_id: str = "talque_default", **fields: Any) -> None:
        fields.setdefault("conn_type", "talque")
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))

    return set_it


@pytest.fixture
def talque_conn(fake: FakeServer, set_connection: SetConnection) -> FakeServer:
    """``talque_default`` pointing at the fake server with good credentials."""
    set_connection(login=CLIENT_ID, password=SECRET, host=fake.url, extra={"timeout": 10})
    return fake
