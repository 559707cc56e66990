"""The work of the ``talque_dlt_load`` DAG, as plain functions (no Airflow needed to run them).

Keep this file beside ``talque_dlt_load.py`` in your DAGs folder (Airflow puts that folder on
``sys.path``). It needs ``pip install 'talque[dlt]'`` plus dlt's extra for your destination,
e.g. ``dlt[postgres]``.
"""

from __future__ import annotations

import os
from typing import Any

# Where the loaded tickets go; dlt reads the destination's credentials from its own
# configuration (e.g. DESTINATION__POSTGRES__CREDENTIALS), never from this file.
DESTINATION = os.environ.get("TALQUE_DLT_DESTINATION", "duckdb")
DATASET = os.environ.get("TALQUE_DLT_DATASET", "talque")
# For DuckDB, the one database file every organization's pipeline writes to (dlt would name a
# file after each pipeline). Not "talque.duckdb": DuckDB cannot tell a catalog from a schema
# of the same name.
DUCKDB_PATH = os.environ.get("TALQUE_DLT_DUCKDB_PATH", "talque_tickets.duckdb")


def load_org(
    org_id: str,
    *,
    client_id: str | None = None,
    secret: str | None = None,
    base_url: str | None = None,
    destination: Any = None,
    dataset_name: str = DATASET,
    pipelines_dir: str | None = None,
) -> dict[str, Any]:
    """Loads the tickets of ``org_id`` that changed since its last load; returns a summary.

    One dlt pipeline per organization (``talque_<org_id>``): each mapped task has its own
    working folder and incremental state, so tasks of different orgs never share either, and
    a failed org retries alone. All of them merge into the same ``tickets`` table. Credentials
    left as None come from dlt's configuration (``SOURCES__TALQUE__SECRET``, ...).
    """
    # Imported here, not at the top: the scheduler parses the DAG file often, and needs
    # neither dlt nor talque.dlt to do so.
    import dlt

    from talque.dlt import talque_source

    credentials = {
        name: value
        for name, value in (("client_id", client_id), ("secret", secret), ("base_url", base_url))
        if value is not None
    }
    if destination is None:
        destination = DESTINATION
        if destination == "duckdb":
            destination = dlt.destinations.duckdb(DUCKDB_PATH)
    pipeline = dlt.pipeline(
        pipeline_name=f"talque_{org_id}",
        destination=destination,
        dataset_name=dataset_name,
        pipelines_dir=pipelines_dir,
    )
    pipeline.run(talque_source(org_id, **credentials))
    normalized = pipeline.last_trace.last_normalize_info
    rows = 0 if normalized is None else int(normalized.row_counts.get("tickets", 0))
    # Only counts go back to Airflow (into XCom): never the credentials.
    return {"org_id": org_id, "rows_loaded": rows}
