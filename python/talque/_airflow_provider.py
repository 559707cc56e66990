"""What Airflow's providers manager learns from the ``apache_airflow_provider`` entry point.

Outside ``talque.airflow`` on purpose: Airflow loads this entry point while it is itself being
imported, and ``talque.airflow`` imports Airflow, so pointing there would be a circular import.
Airflow 3.2+ reads the connection form from here (``ui-field-behaviour``, ``conn-fields``);
older versions ask ``TalqueHook.get_ui_field_behaviour()``, which returns the same.
"""

from __future__ import annotations

import json
from typing import Any

from ._talque import __version__

__all__ = ["CONN_FIELDS", "UI_FIELD_BEHAVIOUR", "get_provider_info"]

DEFAULT_BASE_URL = "https://event.talque.com"

# How the connection form shows a `talque` connection: Airflow's own fields relabelled.
UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden_fields": ["schema", "port"],
    "relabeling": {"login": "Client ID", "password": "Secret", "host": "Base URL"},
    "placeholders": {
        "login": "your Talque API client id",
        "password": "your Talque API secret",
        "host": DEFAULT_BASE_URL,
        "extra": json.dumps({"org_id": "yourOrgId00000000001", "timeout": 30, "max_retries": 3}),
    },
}

# The extras as form fields (Airflow 3.2+), each a JSON schema; empty means the default.
CONN_FIELDS: dict[str, Any] = {
    "org_id": {
        "label": "Organization ID",
        "description": "The org that 'Test' lists one ticket of (optional).",
        "schema": {"type": ["string", "null"]},
    },
    "timeout": {
        "label": "Timeout (seconds)",
        "description": "Seconds allowed for each attempt (default 30).",
        "schema": {"type": ["number", "null"], "exclusiveMinimum": 0},
    },
    "max_retries": {
        "label": "Max retries",
        "description": "Attempts after the first on connection errors, 429 and 5xx (default 3).",
        "schema": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
    },
    "compression": {
        "label": "Compression",
        "description": "Ask for gzip/brotli/zstd/deflate answers (default on).",
        "schema": {"type": ["boolean", "null"]},
    },
}


def get_provider_info() -> dict[str, Any]:
    """The provider description Airflow reads: the ``talque`` connection type and its hook."""
    return {
        "package-name": "talque",
        "name": "Talque",
        "description": "Talque Ticket JSON API: the `talque` connection type and TalqueHook.",
        "versions": [__version__],
        "connection-types": [
            {
                "connection-type": "talque",
                "hook-class-name": "talque.airflow.TalqueHook",
                "hook-name": "Talque",
                "ui-field-behaviour": {
                    "hidden-fields": UI_FIELD_BEHAVIOUR["hidden_fields"],
                    "relabeling": UI_FIELD_BEHAVIOUR["relabeling"],
                    "placeholders": UI_FIELD_BEHAVIOUR["placeholders"],
                },
                "conn-fields": CONN_FIELDS,
            }
        ],
    }
