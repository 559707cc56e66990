"""Airflow DAG: every night, load each organization's changed tickets into a warehouse with dlt.

Copy this file and ``talque_dlt_tasks.py`` into your DAGs folder. It needs
``pip install 'talque[airflow,dlt]'`` (plus dlt's extra for your destination) and a
``talque_default`` connection, as for ``talque_daily_export.py``. The organizations are a DAG
param, defaulting to the comma-separated ``TALQUE_DLT_ORG_IDS`` environment variable.

Dynamic task mapping gives one ``load_org`` task per organization, which Airflow spreads over
its workers; each loads only the tickets changed since that organization's last successful
load (see talque_dlt_tasks.load_org). DuckDB allows one writer at a time, so with it the
mapped tasks run one after another (``TALQUE_DLT_PARALLEL``, default 1); raise it for
PostgreSQL, BigQuery or Snowflake.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

try:  # Airflow 3
    from airflow.sdk import dag, task
except ImportError:  # Airflow 2.9+
    from airflow.decorators import dag, task

from talque_dlt_tasks import load_org

from talque.airflow import TalqueHook

DAG_ID = "talque_dlt_load"
CONN_ID = TalqueHook.default_conn_name
PARALLEL = int(os.environ.get("TALQUE_DLT_PARALLEL", "1"))


@dag(
    dag_id=DAG_ID,
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2},
    params={"org_ids": os.environ.get("TALQUE_DLT_ORG_IDS", "")},
    tags=["talque", "dlt"],
)
def talque_dlt_load() -> None:
    @task
    def org_ids(params: dict[str, Any] | None = None) -> list[str]:
        ids = [one.strip() for one in (params or {}).get("org_ids", "").split(",")]
        if not any(ids):
            raise ValueError("no org_ids: set the DAG param or TALQUE_DLT_ORG_IDS")
        return [one for one in ids if one]

    @task(max_active_tis_per_dag=PARALLEL)
    def load(org_id: str) -> dict[str, Any]:
        # The hook masks the secret in task logs before anything else sees it.
        settings = TalqueHook(talque_conn_id=CONN_ID).connection_settings()
        return load_org(
            org_id,
            client_id=settings.client_id,
            secret=settings.secret,
            base_url=settings.base_url,
        )

    load.expand(org_id=org_ids())


talque_dlt_load()
