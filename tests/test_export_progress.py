"""``TalqueClient.export(progress=True, resume=True)``: the bar counts the whole file."""

from __future__ import annotations

from pathlib import Path

import pytest

import talque
from talque.testing import FakeServer


def test_a_resumed_export_bar_starts_at_what_was_written(
    server: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "tickets.jsonl"
    server.fail("status", endpoint="list", status=503, skip=3)
    with server.client(max_retries=0) as client:
        with pytest.raises(talque.InternalServerError):
            client.export(server.org_id, output, limit=100)
        capsys.readouterr()
        result = client.export(server.org_id, output, limit=100, resume=True, progress=True)
    assert result.tickets == 1000 and result.resumed
    bar = capsys.readouterr().err.replace("\n", "\r").split("\r")
    final = [part for part in bar if "ticket" in part][-1]
    assert "1000ticket" in final and "10 pages" in final, final
