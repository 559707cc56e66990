"""talque.airflow and talque.dlt without Airflow or dlt installed (the main suite's environment).

The Airflow hook itself is tested against a real Airflow by `make test-airflow` (tests_airflow/),
the dlt source against a real dlt, DuckDB and PostgreSQL by `make test-dlt` (tests_dlt/).
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys

import pytest

from talque._airflow_provider import get_provider_info

# Each integration is the module `talque.NAME`, needs the package NAME and is installed by the
# extra `talque[NAME]`.
INTEGRATIONS = ["airflow", "dlt"]


@pytest.mark.parametrize("name", INTEGRATIONS)
def test_importing_an_integration_says_what_to_install(name: str) -> None:
    if importlib.util.find_spec(name) is not None:
        pytest.skip(f"{name} is installed here")
    with pytest.raises(ImportError, match=rf"pip install 'talque\[{name}\]'"):
        importlib.import_module(f"talque.{name}")


@pytest.mark.parametrize("name", INTEGRATIONS)
def test_importing_talque_imports_no_integration_package(name: str) -> None:
    code = (
        "import sys, talque, talque.testing, talque._airflow_provider\n"
        f"assert not [m for m in sys.modules if m.split('.')[0] == {name!r}]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_provider_info_names_the_connection_type_and_hook() -> None:
    info = get_provider_info()
    assert info["package-name"] == "talque"
    (connection,) = info["connection-types"]
    assert connection["connection-type"] == "talque"
    assert connection["hook-class-name"] == "talque.airflow.TalqueHook"
