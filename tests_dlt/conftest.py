"""Tests of talque.dlt against real dlt, DuckDB and PostgreSQL (``make test-dlt``).

`make test-dlt` runs them in their own virtualenv (the talque wheel plus
requirements-dlt.txt) and starts a PostgreSQL server for the run, passing its address in
``TALQUE_TEST_POSTGRES_DSN``. Every test gets a fresh fake Talque server with two
organizations, and a pipeline whose working folder, DuckDB file or PostgreSQL dataset is its
own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import dlt
import pytest

from talque.testing import FakeServer

# A secret that cannot appear in a file, a trace or a table by accident.
SECRET = "Sekr3t-Talque-Dlt-Value-4b1d9a"
CLIENT_ID = "dlt-client-id"
ORG_A = "OrgAlphaTickets00001"
ORG_B = "OrgBetaTickets000002"
DESTINATIONS = ("duckdb", "postgres")

# No usage reports from test runs (dlt sends them by default).
os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"


def pytest_collection_finish(session: pytest.Session) -> None:
    # A suite that collects nothing (a renamed folder, a bad -k) must fail, not pass.
    if not session.items:
        raise pytest.UsageError("tests_dlt collected no tests")


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    orgs = [
        {"org_id": ORG_A, "tickets": 230, "forbidden": False},
        {"org_id": ORG_B, "tickets": 40, "forbidden": False},
    ]
    with FakeServer(seed=7, client_id=CLIENT_ID, secret=SECRET, orgs=orgs) as server:
        yield server


@pytest.fixture(params=DESTINATIONS)
def destination(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A real destination: a DuckDB file, or the PostgreSQL server of `make test-dlt`."""
    if request.param == "duckdb":
        return dlt.destinations.duckdb(str(tmp_path / "talque.duckdb"))
    dsn = os.environ.get("TALQUE_TEST_POSTGRES_DSN")
    if not dsn:
        # Not a skip: a run without PostgreSQL must not look like a run that passed.
        pytest.fail("TALQUE_TEST_POSTGRES_DSN is not set: run the suite with `make test-dlt`")
    return dlt.destinations.postgres(dsn)


@pytest.fixture
def pipeline(destination: Any, tmp_path: Path) -> dlt.Pipeline:
    # A fresh dataset name per test keeps PostgreSQL tests apart on the one shared server.
    return dlt.pipeline(
        pipeline_name="talque_test",
        pipelines_dir=str(tmp_path / "pipelines"),
        destination=destination,
        dataset_name=f"talque_{uuid.uuid4().hex[:12]}",
    )


def loaded_rows(pipeline: dlt.Pipeline) -> list[tuple[Any, ...]]:
    """``(org_id, org_ticket_id, holder__email, mtime)`` of every loaded row, sorted."""
    with pipeline.sql_client() as client:
        rows = client.execute_sql("SELECT org_id, org_ticket_id, holder__email, mtime FROM tickets")
    return sorted(tuple(row) for row in rows)


def served_rows(server: FakeServer, *org_ids: str) -> list[tuple[Any, ...]]:
    """The same tuples from what the fake server serves, ``mtime`` as a UTC datetime."""
    rows = []
    for org_id in org_ids:
        for ticket in server.tickets(org_id):
            mtime = datetime.fromtimestamp(ticket["mtime"] / 1000, tz=timezone.utc)
            rows.append(
                (org_id, ticket["orgTicketId"], (ticket.get("holder") or {}).get("email"), mtime)
            )
    return sorted(rows)


def edit_tickets(server: FakeServer, org_id: str, ticket_ids: list[str]) -> None:
    """Edits tickets on the fake server as a user would: a new holder e-mail, ``mtime`` = now."""
    patches = {
        ticket_id: {"holder": {"email": f"edited.{ticket_id}@example.org"}}
        for ticket_id in ticket_ids
    }
    assert len(server.edit_tickets(patches, org_id=org_id)) == len(ticket_ids)
