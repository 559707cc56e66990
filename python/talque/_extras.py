"""Optional dependencies (pyarrow, pandas, polars): imported only when a call needs them.

``import talque`` stays light: these packages load on the first call that uses them, and a
missing one raises an ``ImportError`` that names the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require"]

# Which extra brings each optional package (the extras are in pyproject.toml).
_EXTRA_OF = {"pyarrow": "arrow", "pandas": "pandas", "polars": "polars"}


def require(package: str, *, needed_by: str, extra: str | None = None) -> ModuleType:
    """Imports ``package``, or raises an ``ImportError`` saying which extra installs it.

    ``needed_by`` names what wanted it (``"to_pandas()"``, ``"to_arrow()"``) and ``extra``
    the extra to suggest, by default the package's own.
    """
    try:
        return importlib.import_module(package)
    except ImportError as err:
        hint = extra or _EXTRA_OF.get(package.split(".")[0], package)
        raise ImportError(
            f"{needed_by} needs {package.split('.')[0]}: pip install 'talque[{hint}]'",
            name=package,
        ) from err
