"""Values the schema allows but a typed column cannot hold: one rule for CSV, Arrow and
Parquet (an InvalidResponseError naming the ticket and the field), while JSON Lines keeps
the server's text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import talque
from _local_http import LocalServer, json_reply
from talque.testing import FakeServer

SMALL_ORG = "orgSmall000000000001"

# A field of one ticket, replaced by raw JSON text, and what the error must say.
CASES = [
    ("ctime", "253402300800000", 'field "ctime" holds 253402300800000 ms, outside the years'),
    ("checkIns", "[-377705116800001]", 'field "checkIns" holds -377705116800001 ms'),
    (
        "mtime",
        "1e12",
        'field "mtime" must be an integer (epoch milliseconds) or null, not the '
        "number 1e12 (integers are written without a fraction or exponent)",
    ),
    (
        "course",
        '"\\udc00"',
        'field "course" holds a string with the lone UTF-16 surrogate escape \\udc00',
    ),
    ("tickets", '["ok", "\\ud800"]', 'field "tickets" holds a string with the lone UTF-16'),
]


def _page(server: FakeServer, field: str, raw: str) -> tuple[str, bytes]:
    """A list page of three tickets, one value of the second replaced by the JSON text
    ``raw``; the id of that ticket and the page's bytes, exactly as a server would send them.
    """
    tickets = server.tickets(SMALL_ORG)[:3]
    texts = [json.dumps(ticket) for ticket in tickets]
    texts[1] = json.dumps({**tickets[1], field: "__RAW__"}).replace('"__RAW__"', raw)
    body = '{"orgId": "%s", "tickets": [%s], "cursor": null, "more": false}' % (
        SMALL_ORG,
        ", ".join(texts),
    )
    return str(tickets[1]["orgTicketId"]), body.encode()


@pytest.mark.parametrize(("field", "raw", "message"), CASES)
def test_one_rule_for_csv_arrow_and_parquet(
    server: FakeServer, tmp_path: Path, field: str, raw: str, message: str
) -> None:
    ticket_id, body = _page(server, field, raw)
    expected = f'ticket orgTicketId "{ticket_id}": {message}'
    with (
        LocalServer(json_reply(body)) as local,
        talque.TalqueClient(
            "client", "secret", base_url=local.url, max_retries=0, timeout=10.0
        ) as client,
    ):
        with pytest.raises(talque.InvalidResponseError) as arrow:
            client.list(SMALL_ORG).to_arrow()
        assert expected in str(arrow.value)
        for fmt in ("csv", "parquet"):
            with pytest.raises(talque.InvalidResponseError) as export:
                client.export(SMALL_ORG, tmp_path / f"out.{fmt}")
            assert expected in str(export.value), fmt
            assert not (tmp_path / f"out.{fmt}").exists()
        # JSON Lines keeps the server's text, whatever a typed column could hold.
        lines = tmp_path / "out.jsonl"
        assert client.export(SMALL_ORG, lines).tickets == 3
        assert raw in lines.read_text(encoding="utf-8").splitlines()[1]
