"""talque.dlt without dlt installed (the main suite's environment).

The source itself is tested against a real dlt, DuckDB and PostgreSQL by `make test-dlt`
(tests_dlt/).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest


@pytest.mark.skipif(importlib.util.find_spec("dlt") is not None, reason="dlt is installed here")
def test_importing_talque_dlt_says_what_to_install() -> None:
    with pytest.raises(ImportError, match=r"pip install 'talque\[dlt\]'"):
        import talque.dlt  # noqa: F401


def test_importing_talque_imports_no_dlt() -> None:
    code = (
        "import sys, talque, talque.testing\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'dlt']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
