"""Notebooks in a real Jupyter kernel, without ipywidgets: the progress bar's fallback."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from _notebook import execute, from_cells
from talque.testing import FakeServer

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ipywidgets") is not None,
    reason="checks the notebook without ipywidgets (requirements-dev.txt leaves it out)",
)


def test_progress_without_ipywidgets_is_one_clean_text_line(
    server: FakeServer, tmp_path: Path
) -> None:
    setup = (
        "import talque\n"
        f"client = talque.TalqueClient({server.client_id!r}, {server.secret!r}, "
        f"base_url={server.url!r})"
    )
    convert = f"frame = client.list({server.org_id!r}, limit=100).to_pandas(progress=True)"
    notebook = execute(from_cells(setup, convert, "len(frame)"), tmp_path)
    outputs = notebook.cells[1].outputs
    # No "IProgress not found" warning and no stream of fragments on stderr: one display
    # output, updated in place, that ends at the whole listing.
    assert [output["output_type"] for output in outputs] == ["display_data"], outputs
    text = outputs[0]["data"]["text/plain"]
    assert "\n" not in text and "\r" not in text
    assert "1000/?" in text or "1000ticket" in text, text
    assert notebook.cells[2].outputs[0]["data"]["text/plain"] == "1000"
