"""Running notebooks in a real Jupyter kernel (nbclient + ipykernel) of this interpreter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

# A kernel start and a few cells; generous for a loaded machine, never a readiness wait.
_TIMEOUT = 300


def execute(notebook: Any, cwd: Path) -> Any:
    """Executes every cell in order (raising on the first error) and returns the notebook
    with its outputs. The kernel inherits this process's environment."""
    client = NotebookClient(
        notebook,
        timeout=_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return notebook


def from_cells(*sources: str) -> Any:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return notebook
