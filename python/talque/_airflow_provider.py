"""What Airflow's providers manager learns from the ``apache_airflow_provider`` entry point.

Outside ``talque.airflow`` on purpose: Airflow loads this entry point while it is itself being
imported, and ``talque.airflow`` imports Airflow, so pointing there would be a circular import.
Airflow 3.2+ reads the connection form from here (``ui-field-behaviour``, ``conn-fields``);
older versions ask ``TalqueHook.get_ui_field_behaviour()``, which returns the same.
"""

from __future__ import annotations

import json
from typing import Any

from ._talque import CLIENT_OPTIONS, DEFAULT_BASE_URL, ClientOption, __version__

__all__ = ["CONN_FIELDS", "EXTRA_OPTIONS", "UI_FIELD_BEHAVIOUR", "get_provider_info"]

# The client options a connection's extra may set, with their form labels; kinds, defaults,
# limits and help texts are the core's (CLIENT_OPTIONS).
EXTRA_OPTIONS = {
    "timeout": "Timeout (seconds)",
    "max_retries": "Max retries",
    "compression": "Compression",
}
_OPTIONS = {option.name: option for option in CLIENT_OPTIONS}

# How the connection form shows a `talque` connection: Airflow's own fields relabelled.
UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden_fields": ["schema", "port"],
    "relabeling": {"login": "Client ID", "password": "Secret", "host": "Base URL"},
    "placeholders": {
        "login": "your Talque API client id",
        "password": "your Talque API secret",
        "host": DEFAULT_BASE_URL,
        "extra": json.dumps(
            {
                "org_id": "yourOrgId00000000001",
                "timeout": _OPTIONS["timeout"].default,
                "max_retries": _OPTIONS["max_retries"].default,
            }
        ),
    },
}


def _form_field(option: ClientOption, label: str) -> dict[str, Any]:
    """A client option as a connection form field: a JSON schema with the core's limits."""
    schema: dict[str, Any]
    if option.kind == "seconds":
        schema = {"type": ["number", "null"], "exclusiveMinimum": 0}
    elif option.kind == "integer":
        schema = {
            "type": ["integer", "null"],
            "minimum": option.minimum,
            "maximum": option.maximum,
        }
    else:
        schema = {"type": ["boolean" if option.kind == "bool" else "string", "null"]}
    return {
        "label": label,
        "description": f"{option.help} Default: {json.dumps(option.default)}.",
        "schema": schema,
    }


# The extras as form fields (Airflow 3.2+), each a JSON schema; empty means the default.
CONN_FIELDS: dict[str, Any] = {
    "org_id": {
        "label": "Organization ID",
        "description": "The org that 'Test' lists one ticket of (optional).",
        "schema": {"type": ["string", "null"]},
    },
    **{name: _form_field(_OPTIONS[name], label) for name, label in EXTRA_OPTIONS.items()},
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
