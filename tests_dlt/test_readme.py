"""The README's dlt example runs as written (against the fake server, in a scratch folder)."""

from __future__ import annotations

import re
from pathlib import Path

import dlt
import pytest

from conftest import CLIENT_ID, ORG_A, ORG_B, SECRET, loaded_rows, served_rows
from talque.testing import FakeServer

README = Path(__file__).resolve().parents[1] / "README.md"


def dlt_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Loading into a warehouse (dlt)")[1]
    match = re.search(r"^```py\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert match, "the dlt section has no ```py example"
    return match.group(1)


def test_the_readme_example_loads_both_orgs(
    fake: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = dlt_example()
    for placeholder, org_id in (("yourOrgId00000000001", ORG_A), ("yourOrgId00000000002", ORG_B)):
        assert placeholder in source
        source = source.replace(placeholder, org_id)
    # The example takes its credentials from dlt's configuration, as a reader's would.
    monkeypatch.setenv("SOURCES__TALQUE__CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SOURCES__TALQUE__SECRET", SECRET)
    monkeypatch.setenv("SOURCES__TALQUE__BASE_URL", fake.url)
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt-data"))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    exec(compile(source, "README.md (dlt)", "exec"), namespace)

    pipeline = namespace["pipeline"]
    assert isinstance(pipeline, dlt.Pipeline)
    assert loaded_rows(pipeline) == served_rows(fake, ORG_A, ORG_B)
