"""Airflow learns the `talque` connection type from the package's provider entry point."""

from __future__ import annotations

import importlib.metadata

import talque
from talque._airflow_provider import get_provider_info
from talque.airflow import TalqueHook


def test_the_entry_point_is_installed() -> None:
    points = importlib.metadata.entry_points(group="apache_airflow_provider")
    (point,) = [p for p in points if p.dist is not None and p.dist.name == "talque"]
    assert point.load() is get_provider_info


def test_provider_info_matches_airflows_schema() -> None:
    from airflow._shared.providers_discovery.providers_discovery import (
        _create_provider_info_schema_validator,
    )

    info = get_provider_info()
    _create_provider_info_schema_validator().validate(info)
    assert info["package-name"] == "talque"
    assert info["versions"] == [talque.__version__]


def test_providers_manager_knows_the_connection_type() -> None:
    from airflow.providers_manager import ProvidersManager
    from airflow.sdk.providers_manager_runtime import ProvidersManagerTaskRuntime

    # The API server's view (providers, the connection form) ...
    manager = ProvidersManager()
    assert "talque" in manager.providers
    behaviour = manager.field_behaviours["talque"]
    assert behaviour["relabeling"] == {
        "login": "Client ID",
        "password": "Secret",
        "host": "Base URL",
    }
    assert behaviour == TalqueHook.get_ui_field_behaviour()
    widgets = manager.connection_form_widgets
    assert {"extra__talque__org_id", "extra__talque__timeout", "extra__talque__max_retries"} <= set(
        widgets
    )
    # ... and the task runtime's (which hook class serves a `talque` connection).
    hook = ProvidersManagerTaskRuntime().hooks["talque"]
    assert hook is not None
    assert (hook.hook_class_name, hook.connection_type, hook.hook_name) == (
        "talque.airflow.TalqueHook",
        "talque",
        "Talque",
    )


def test_ui_field_behaviour_matches_airflows_schema() -> None:
    from airflow._shared.providers_discovery.providers_discovery import (
        _create_customized_form_field_behaviours_schema_validator,
    )

    behaviour = TalqueHook.get_ui_field_behaviour()
    _create_customized_form_field_behaviours_schema_validator().validate(behaviour)
    assert "password" not in behaviour["hidden_fields"]
