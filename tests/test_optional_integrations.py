"""talque.airflow without Airflow installed (the main suite's environment).

The hook itself is tested against a real Airflow by `make test-airflow` (tests_airflow/).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from talque._airflow_provider import get_provider_info

no_airflow = pytest.mark.skipif(
    importlib.util.find_spec("airflow") is not None, reason="Airflow is installed here"
)


@no_airflow
def test_importing_talque_airflow_says_what_to_install() -> None:
    with pytest.raises(ImportError, match=r"pip install 'talque\[airflow\]'"):
        import talque.airflow  # noqa: F401


def test_importing_talque_imports_no_airflow() -> None:
    code = (
        "import sys, talque, talque.testing, talque._airflow_provider\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'airflow']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_provider_info_names_the_connection_type_and_hook() -> None:
    info = get_provider_info()
    assert info["package-name"] == "talque"
    (connection,) = info["connection-types"]
    assert connection["connection-type"] == "talque"
    assert connection["hook-class-name"] == "talque.airflow.TalqueHook"
