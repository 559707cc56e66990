"""Runs tests/typecheck/usage.py (which `make lint` type-checks) to prove it right at run time."""

from __future__ import annotations

import importlib.util
from pathlib import Path

USAGE = Path(__file__).resolve().parent / "typecheck" / "usage.py"


def test_the_type_checked_usage_runs() -> None:
    spec = importlib.util.spec_from_file_location("talque_typecheck_usage", USAGE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
