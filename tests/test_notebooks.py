"""Notebooks in a real Jupyter kernel: the progress bar without ipywidgets, and the
attendee-analysis example against the fake server."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

from _notebook import execute, from_cells
from talque.testing import FakeServer


@pytest.mark.skipif(
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
    cells = from_cells(setup, convert, "len(frame)", "import sys; sys.executable")
    notebook = execute(cells, tmp_path)
    # The kernel is this interpreter, with this talque and without ipywidgets.
    assert notebook.cells[3].outputs[0]["data"]["text/plain"] == repr(sys.executable)
    outputs = notebook.cells[1].outputs
    # No "IProgress not found" warning and no stream of fragments on stderr: one display
    # output, updated in place, that ends at the whole listing.
    assert [output["output_type"] for output in outputs] == ["display_data"], outputs
    text = outputs[0]["data"]["text/plain"]
    assert "\n" not in text and "\r" not in text
    assert "1000/?" in text or "1000ticket" in text, text
    assert notebook.cells[2].outputs[0]["data"]["text/plain"] == "1000"


def test_attendee_analysis_example_runs_against_the_fake_server(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(__file__).parent.parent / "examples" / "attendee_analysis.ipynb"
    for name, value in {**server.env(), "TALQUE_ORG_ID": server.org_id}.items():
        monkeypatch.setenv(name, value)
    notebook = execute(nbformat.read(path, as_version=4), tmp_path)
    outputs = [
        output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    ]
    assert not [output for output in outputs if output["output_type"] == "error"]
    images = [output for output in outputs if "image/png" in output.get("data", {})]
    assert len(images) == 3
    text = "".join(output.get("text", "") for output in outputs)
    attendees = [ticket for ticket in server.tickets() if not ticket.get("isTest")]
    vips = sum(1 for ticket in attendees if ticket.get("isVip"))
    assert f"({vips:,} of {len(attendees):,})" in text, text
    check_ins = sum(len(ticket.get("checkIns") or []) for ticket in attendees)
    assert f"{check_ins:,} check-ins" in text, text
