"""Airflow DAG: every day, export one organization's tickets to a Parquet file.

Copy this file into your DAGs folder. It needs ``pip install 'talque[airflow,arrow]'`` and a
``talque_default`` connection (login = client id, password = secret, host = base URL), for
example from the environment::

    AIRFLOW_CONN_TALQUE_DEFAULT='{"conn_type": "talque", "login": "your-client-id",
        "password": "your-secret", "host": "https://event.talque.com"}'

Each run writes ``{output_dir}/org_id={org_id}/ds={ds}/tickets.parquet``: one partition per
logical date, so a rerun or a backfill replaces exactly its own day. The file appears only
when complete (``TalqueClient.export`` writes it under a temporary name in the same folder,
then renames it), so a reader never sees half an export, and a retried task resumes where
the failed try stopped. The org and the folder are DAG params, defaulting to the
``TALQUE_EXPORT_ORG_ID`` and ``TALQUE_EXPORT_DIR`` environment variables.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

try:  # Airflow 3
    from airflow.sdk import dag, task
except ImportError:  # Airflow 2.9+
    from airflow.decorators import dag, task

from talque.airflow import TalqueHook

DAG_ID = "talque_daily_export"
CONN_ID = TalqueHook.default_conn_name


def partition_path(output_dir: str | os.PathLike[str], org_id: str, ds: str) -> Path:
    """Where the export of ``org_id`` for logical date ``ds`` (YYYY-MM-DD) goes."""
    return Path(output_dir) / f"org_id={org_id}" / f"ds={ds}" / "tickets.parquet"


def export_org_tickets(
    org_id: str, output_dir: str | os.PathLike[str], ds: str, conn_id: str = CONN_ID
) -> str:
    """Exports every ticket of ``org_id`` to its ``ds`` partition; returns the file's path.

    A plain function, so it runs (and is tested) without a scheduler.
    """
    if not org_id:
        raise ValueError("no org_id: set the DAG param or the TALQUE_EXPORT_ORG_ID variable")
    if not output_dir:
        raise ValueError("no output_dir: set the DAG param or the TALQUE_EXPORT_DIR variable")
    path = partition_path(output_dir, org_id, ds)
    path.parent.mkdir(parents=True, exist_ok=True)
    hook = TalqueHook(talque_conn_id=conn_id)
    try:
        # Page by page into Parquet parts beside the target, renamed to it only when complete:
        # readers see yesterday's file or today's, never half of one. When a try fails, the
        # task's retry resumes from the last complete page instead of starting over.
        result = hook.get_conn().export(org_id, path, format="parquet", limit=1000, resume=True)
    finally:
        hook.close()
    print(f"exported {result.tickets} tickets of {org_id} to {path}")
    return str(path)


@dag(
    dag_id=DAG_ID,
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2},
    params={
        "org_id": os.environ.get("TALQUE_EXPORT_ORG_ID", ""),
        "output_dir": os.environ.get("TALQUE_EXPORT_DIR", "/tmp/talque-exports"),
    },
    tags=["talque"],
)
def talque_daily_export() -> None:
    @task
    def export_tickets(ds: str | None = None, params: dict[str, Any] | None = None) -> str:
        params = params or {}
        return export_org_tickets(params["org_id"], params["output_dir"], ds or "", CONN_ID)

    export_tickets()


talque_daily_export()
