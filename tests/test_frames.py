"""DataFrames and notebooks: to_arrow/to_pandas/to_polars, progress bars and _repr_html_.

Every column is compared with the tickets the fake server served (over real HTTP), through
the fixed schema of talque._frames.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import talque
from talque import _frames
from talque._talque import PERSON_FIELDS, TICKET_FIELDS, TicketTable
from talque.testing import FakeServer

EMPTY_ORG = "orgEmpty000000000001"
SMALL_ORG = "orgSmall000000000001"
PERSON = ("email", "firstName", "lastName", "companyName", "jobTitle", "extUserId", "locale")
TEXT = ("orgTicketId", "ticketId", "provider", "course", "category", "extImageUrl", "mainId")
TEXT += ("purchaseOrderId", "extPurchaseOrderId", "extSurveyId")
TEXTS = ("categories", "tickets", "eventIds", "extEventIds", "vendorIds", "extVendorIds")
FLAGS = ("isTest", "isVip", "isCheckInReset")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

EXPECTED_SCHEMA = (
    "orgTicketId: string, ticketId: string, provider: string, "
    "ctime: timestamp[ms, tz=UTC], mtime: timestamp[ms, tz=UTC], isTest: bool, "
    "course: string, category: string, categories: list<item: string>, "
    "tickets: list<item: string>, isVip: bool, eventIds: list<item: string>, "
    "extEventIds: list<item: string>, vendorIds: list<item: string>, "
    "extVendorIds: list<item: string>, extImageUrl: string, "
    "checkIns: list<item: timestamp[ms, tz=UTC]>, isCheckInReset: bool, mainId: string, "
    "purchaseOrderId: string, extPurchaseOrderId: string, extSurveyId: string, "
    "holder: struct<email: string, firstName: string, lastName: string, companyName: string, "
    "jobTitle: string, extUserId: string, locale: string>, "
    "purchaser: struct<email: string, firstName: string, lastName: string, companyName: string, "
    "jobTitle: string, extUserId: string, locale: string>, extData: string"
)


def _schema_text(schema: pa.Schema) -> str:
    return ", ".join(f"{field.name}: {field.type}" for field in schema)


def _time(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def _json_text(ticket: dict[str, Any]) -> str | None:
    if "extData" not in ticket:
        return None
    return json.dumps(ticket["extData"], ensure_ascii=False, separators=(",", ":"))


def _person(value: Any) -> dict[str, Any] | None:
    return None if value is None else {name: value.get(name) for name in PERSON}


def _expected_row(ticket: dict[str, Any]) -> dict[str, Any]:
    """The row talque's schema makes of a ticket, as pyarrow's to_pylist() shows it."""
    row: dict[str, Any] = {name: ticket.get(name) for name in TEXT + TEXTS + FLAGS}
    for name in ("ctime", "mtime"):
        row[name] = _time(ticket[name]) if ticket.get(name) is not None else None
    row["checkIns"] = [_time(ms) for ms in ticket["checkIns"]]
    row["holder"] = _person(ticket.get("holder"))
    row["purchaser"] = _person(ticket.get("purchaser"))
    row["extData"] = _json_text(ticket)
    return row


def _same_json(row: dict[str, Any], expected: dict[str, Any]) -> bool:
    """extData is the server's compact JSON text, escapes as sent: compare its value."""
    got, want = row.pop("extData"), expected.pop("extData")
    return (got is None and want is None) or (
        got is not None and want is not None and json.loads(got) == json.loads(want)
    )


def _assert_table_matches(table: pa.Table, tickets: list[dict[str, Any]]) -> None:
    assert _schema_text(table.schema) == EXPECTED_SCHEMA
    assert table.num_rows == len(tickets)
    rows = table.to_pylist()
    for row, ticket in zip(rows, tickets):
        expected = _expected_row(ticket)
        assert _same_json(row, expected), ticket["ticketId"]
        assert row == expected, ticket["ticketId"]
    # Timestamps carry the exact milliseconds.
    for name in ("ctime", "mtime"):
        assert table.column(name).cast(pa.int64()).to_pylist() == [t[name] for t in tickets]


def _write_jsonl(path: Path, tickets: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(t) + "\n" for t in tickets), encoding="utf-8")
    return path


def _edge_tickets(server: FakeServer) -> list[dict[str, Any]]:
    """Three generated tickets reshaped into the cases the schema must keep apart."""
    base = [dict(t) for t in server.tickets(SMALL_ORG)[:4]]
    a, b, c, d = base
    a.update(
        ticketId="EDGE-1",
        extData={
            "orderNo": 2**64 + 1,
            "neg": -(2**63) - 7,
            "text": "Zoë 🎟 \u00e9\u4e2d",
            "x": None,
        },
        holder={"email": "zoë@example.com", "firstName": "Zoë", "surprise": "dropped"},
        purchaser=None,
        futureField={"nested": [1, 2]},
        checkIns=[0, 2**41, 1_700_000_000_123],
        categories=[],
    )
    b.update(ticketId="EDGE-2", extData=None, category=None, mainId=None)
    b.pop("purchaser", None)
    c.update(ticketId="EDGE-3", extData=[1, "two", 3.5, True, None, {"k": []}])
    c.pop("extData")
    c.pop("category", None)
    d.update(ticketId="EDGE-4", extData='a "quoted" string', tickets=["😀", "<b>&"])
    return [a, b, c, d]


@pytest.fixture(scope="module")
def edge_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeServer]:
    with FakeServer(tickets=25, seed=7) as seed_server:
        tickets = _edge_tickets(seed_server)
    path = _write_jsonl(tmp_path_factory.mktemp("edge") / "tickets.jsonl", tickets)
    with FakeServer(tickets_file=path) as server:
        yield server


def _aclient(server: FakeServer) -> talque.AsyncTalqueClient:
    return talque.AsyncTalqueClient(
        server.client_id, server.secret, base_url=server.url, timeout=5.0
    )


# ---------------------------------------------------------------------------------------
# The schema


def test_the_schema_is_fixed_and_lazy() -> None:
    assert _schema_text(_frames.ticket_schema()) == EXPECTED_SCHEMA
    assert _frames.TICKET_SCHEMA is _frames.ticket_schema()
    assert all(field.nullable for field in _frames.TICKET_SCHEMA)
    with pytest.raises(AttributeError):
        _frames.NO_SUCH_NAME  # noqa: B018


def test_the_core_table_converts_ticket_json(server: FakeServer) -> None:
    tickets = server.tickets()[:50]
    table = TicketTable()
    assert table.add_json(json.dumps({"tickets": tickets}).encode()) == 50
    assert table.num_rows == 50
    _assert_table_matches(pa.table(table), tickets)
    # The capsule can be taken again: the batches are shared, not moved out.
    assert pa.table(table).num_rows == 50
    empty = pa.table(TicketTable())
    assert empty.num_rows == 0 and empty.schema == _frames.TICKET_SCHEMA


def test_the_schema_derives_from_the_core_table() -> None:
    kinds = {
        "text": "string",
        "time": "timestamp[ms, tz=UTC]",
        "flag": "bool",
        "texts": "list<item: string>",
        "times": "list<item: timestamp[ms, tz=UTC]>",
        "json": "string",
    }
    person = ", ".join(f"{name}: string" for name in PERSON_FIELDS)
    expected = [(name, kinds.get(kind, f"struct<{person}>")) for name, kind in TICKET_FIELDS]
    assert [(field.name, str(field.type)) for field in _frames.ticket_schema()] == expected
    assert PERSON_FIELDS == PERSON


# ---------------------------------------------------------------------------------------
# Arrow


def test_to_arrow_matches_every_ticket_the_server_served(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    pager = client.list(server.org_id, limit=97)
    table = pager.to_arrow()
    _assert_table_matches(table, server.tickets())
    # One record batch per page, concatenated.
    assert table.column("ticketId").num_chunks == len(server.requests("list")) == 11
    assert pager.finished and list(pager) == []


def test_to_arrow_continues_a_partly_consumed_pager(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    pager = client.list(server.org_id, limit=100, prefetch=False)
    taken = [ticket for _, ticket in zip(range(150), pager)]
    table = pager.to_arrow()
    tickets = server.tickets()
    assert taken == tickets[:150]
    _assert_table_matches(table, tickets[150:])


def test_edge_cases_survive_exactly(edge_server: FakeServer) -> None:
    with edge_server.client() as client:
        served = list(client.list(edge_server.org_id))
        table = client.list(edge_server.org_id, limit=3).to_arrow()
    _assert_table_matches(table, served)
    rows = {row["ticketId"]: row for row in table.to_pylist()}
    # Integers beyond 2**53 keep every digit; unicode is kept as is, not escaped.
    ext = rows["EDGE-1"]["extData"]
    assert str(2**64 + 1) in ext and str(-(2**63) - 7) in ext
    assert json.loads(ext)["text"] == "Zoë 🎟 \u00e9\u4e2d"
    assert json.loads(ext)["orderNo"] == 2**64 + 1
    # extData: JSON null is the text "null"; an absent key is a null; a string is JSON text.
    assert rows["EDGE-2"]["extData"] == "null"
    assert rows["EDGE-3"]["extData"] is None
    assert rows["EDGE-4"]["extData"] == '"a \\"quoted\\" string"'
    # Unknown keys (of the ticket and of the holder) are dropped; missing holder keys are null.
    assert "futureField" not in table.column_names
    assert rows["EDGE-1"]["holder"] == {
        **dict.fromkeys(PERSON),
        "email": "zoë@example.com",
        "firstName": "Zoë",
    }
    # A null purchaser and an absent one are both a null struct.
    assert rows["EDGE-1"]["purchaser"] is None and rows["EDGE-2"]["purchaser"] is None
    assert rows["EDGE-1"]["checkIns"] == [_time(0), _time(2**41), _time(1_700_000_000_123)]
    assert rows["EDGE-1"]["categories"] == [] and rows["EDGE-4"]["tickets"] == ["😀", "<b>&"]


def test_an_empty_org_gives_an_empty_table_with_every_column(client: talque.TalqueClient) -> None:
    table = client.list(EMPTY_ORG).to_arrow()
    assert table.num_rows == 0
    assert _schema_text(table.schema) == EXPECTED_SCHEMA


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ctime", "yesterday", 'field "ctime" must be an integer (epoch milliseconds) or null'),
        ("isVip", 1, 'field "isVip" must be true, false or null, not the number 1'),
        ("categories", "VIP", 'field "categories" must be an array of strings or null'),
        ("holder", "Ada", 'field "holder" must be an object or null, not a string'),
        ("holder", {"email": 7}, 'field "holder.email" must be a string or null'),
    ],
)
def test_a_value_of_the_wrong_type_names_ticket_and_field(
    server: FakeServer, tmp_path: Path, field: str, value: object, message: str
) -> None:
    tickets = [dict(t) for t in server.tickets(SMALL_ORG)[:3]]
    tickets[1][field] = value
    path = _write_jsonl(tmp_path / "bad.jsonl", tickets)
    with FakeServer(tickets_file=path) as bad, bad.client() as client:
        with pytest.raises(
            talque.InvalidResponseError, match=r'ticket orgTicketId "[^"]+": '
        ) as info:
            client.list(bad.org_id).to_arrow()
    assert message in str(info.value) and tickets[1]["orgTicketId"] in str(info.value)


# ---------------------------------------------------------------------------------------
# pandas and polars


def test_to_pandas_flattens_structs_and_keeps_ms_utc(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    frame = client.list(server.org_id, limit=250).to_pandas()
    tickets = server.tickets()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(tickets)
    person_columns = [f"{who}.{name}" for who in ("holder", "purchaser") for name in PERSON]
    assert "holder" not in frame.columns and "purchaser" not in frame.columns
    assert [c for c in frame.columns if "." in c] == person_columns
    for name in ("ctime", "mtime"):
        assert str(frame[name].dtype) == "datetime64[ms, UTC]"
        assert frame[name].astype("int64").tolist() == [t[name] for t in tickets]
    for row, ticket in zip(frame.to_dict("records"), tickets):
        expected = _expected_row(ticket)
        for who in ("holder", "purchaser"):
            person = expected[who] or dict.fromkeys(PERSON)
            for name in PERSON:
                got = row[f"{who}.{name}"]
                assert (None if pd.isna(got) else got) == person[name]
        for name in TEXT + ("extData",):
            got = row[name]
            assert (None if not isinstance(got, str) and pd.isna(got) else got) == expected[name]
        for name in TEXTS:
            assert list(row[name]) == expected[name]
        for name in FLAGS:
            assert bool(row[name]) == expected[name]
        assert list(row["checkIns"]) == expected["checkIns"]
    # List cells of timestamps stay UTC-aware: exploded, they convert to another zone.
    assert str(frame["checkIns"].dtype) == "list<item: timestamp[ms, tz=UTC]>[pyarrow]"
    exploded = frame["checkIns"].explode().dropna()
    assert len(exploded) == sum(len(t["checkIns"]) for t in tickets) > 0
    berlin = exploded.dt.tz_convert("Europe/Berlin")
    assert berlin.dt.tz_convert("UTC").tolist() == exploded.tolist()
    assert [stamp.value // 10**6 for stamp in exploded] == [
        ms for t in tickets for ms in t["checkIns"]
    ]


def test_to_pandas_of_an_empty_org_has_every_column_and_dtype(client: talque.TalqueClient) -> None:
    frame = client.list(EMPTY_ORG).to_pandas()
    assert len(frame) == 0 and len(frame.columns) == 25 - 2 + 2 * len(PERSON)
    assert str(frame["ctime"].dtype) == "datetime64[ms, UTC]"
    assert str(frame["mtime"].dtype) == "datetime64[ms, UTC]"
    assert str(frame["isVip"].dtype) == "bool"


def test_to_polars_keeps_structs_and_ms_utc(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    frame = client.list(server.org_id, limit=1000).to_polars()
    tickets = server.tickets()
    assert isinstance(frame, pl.DataFrame) and frame.height == len(tickets)
    assert frame.schema["ctime"] == pl.Datetime("ms", "UTC")
    assert frame.schema["checkIns"] == pl.List(pl.Datetime("ms", "UTC"))
    assert frame.schema["holder"] == pl.Struct(dict.fromkeys(PERSON, pl.String))
    assert frame["ctime"].dt.epoch("ms").to_list() == [t["ctime"] for t in tickets]
    assert frame["holder"].to_list() == [_person(t.get("holder")) for t in tickets]
    assert frame["purchaser"].to_list() == [_person(t.get("purchaser")) for t in tickets]
    assert frame["extData"].to_list() == [_json_text(t) for t in tickets]
    assert frame["eventIds"].to_list() == [t["eventIds"] for t in tickets]
    empty = client.list(EMPTY_ORG).to_polars()
    assert empty.height == 0 and empty.schema == frame.schema


# ---------------------------------------------------------------------------------------
# ReadResult


def test_read_result_frames_hold_the_found_tickets_in_request_order(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    pretix = [t for t in server.tickets() if t["provider"] == "pretix"][:120]
    ids = [t["ticketId"] for t in reversed(pretix)]
    result = client.read(server.org_id, "pretix", ["nope-1", *ids, "nope-2"])
    expected = list(reversed(pretix))
    _assert_table_matches(result.to_arrow(), expected)
    frame = result.to_pandas()
    assert frame["ticketId"].tolist() == ids
    assert str(frame["ctime"].dtype) == "datetime64[ms, UTC]"
    assert result.to_polars()["ticketId"].to_list() == ids
    nothing = client.read(server.org_id, "pretix", ["nope"])
    assert nothing.to_arrow().num_rows == 0 and len(nothing.to_pandas().columns) == 37


# ---------------------------------------------------------------------------------------
# Async


def test_async_pager_and_read_frames(server: FakeServer) -> None:
    tickets = server.tickets()

    async def main() -> tuple[Any, ...]:
        async with _aclient(server) as client:
            table = await client.list(server.org_id, limit=300).to_arrow()
            frame = await client.list(server.org_id).to_pandas()
            polars_frame = await client.list(server.org_id, limit=1000).to_polars()
            pager = client.list(server.org_id, prefetch=False)
            head = []
            async for ticket in pager:  # stop mid-page: to_arrow() takes the rest
                head.append(ticket)
                if len(head) == 30:
                    break
            rest = await pager.to_arrow()
            empty = await client.list(EMPTY_ORG).to_pandas()
            result = await client.read(server.org_id, "pretix", [tickets[0]["ticketId"], "x"])
            return table, frame, polars_frame, head, rest, empty, result

    table, frame, polars_frame, head, rest, empty, result = asyncio.run(main())
    _assert_table_matches(table, tickets)
    assert frame["orgTicketId"].tolist() == [t["orgTicketId"] for t in tickets]
    assert str(frame["mtime"].dtype) == "datetime64[ms, UTC]"
    assert polars_frame["ticketId"].to_list() == [t["ticketId"] for t in tickets]
    assert head == tickets[:30]
    _assert_table_matches(rest, tickets[30:])
    assert len(empty) == 0 and str(empty["ctime"].dtype) == "datetime64[ms, UTC]"
    found = [t for t in tickets[:1] if t["provider"] == "pretix"]
    _assert_table_matches(result.to_arrow(), found)


# ---------------------------------------------------------------------------------------
# Progress bars


def test_progress_draws_a_bar_on_stderr(
    server: FakeServer, client: talque.TalqueClient, capfd: pytest.CaptureFixture[str]
) -> None:
    table = client.list(server.org_id, limit=500).to_arrow(progress=True)
    assert table.num_rows == 1000
    err = capfd.readouterr().err
    assert "1000" in err and "ticket" in err and server.org_id in err
    ids = [t["ticketId"] for t in server.tickets() if t["provider"] == "pretix"][:7]
    client.read(server.org_id, "pretix", ids).to_pandas(progress=True)
    assert "7/7" in capfd.readouterr().err


def test_async_progress(server: FakeServer, capfd: pytest.CaptureFixture[str]) -> None:
    async def main() -> Any:
        async with _aclient(server) as client:
            return await client.list(SMALL_ORG).to_polars(progress=True)

    assert asyncio.run(main()).height == 25
    assert "25" in capfd.readouterr().err


def test_progress_must_be_a_bool(server: FakeServer, client: talque.TalqueClient) -> None:
    with pytest.raises(TypeError, match="progress must be a bool"):
        client.list(server.org_id).to_arrow(progress="yes")  # type: ignore[arg-type]
    assert server.requests() == []


# ---------------------------------------------------------------------------------------
# Optional dependencies


@pytest.mark.parametrize(
    ("method", "missing", "message"),
    [
        ("to_arrow", "pyarrow", "to_arrow() needs pyarrow: pip install 'talque[arrow]'"),
        ("to_pandas", "pandas", "to_pandas() needs pandas: pip install 'talque[pandas]'"),
        ("to_pandas", "pyarrow", "to_pandas() needs pyarrow: pip install 'talque[pandas]'"),
        ("to_polars", "polars", "to_polars() needs polars: pip install 'talque[polars]'"),
    ],
)
def test_a_missing_extra_says_what_to_install_before_fetching(
    server: FakeServer,
    client: talque.TalqueClient,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    missing: str,
    message: str,
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # `import missing` now raises ImportError
    pager = client.list(server.org_id)
    with pytest.raises(ImportError) as info:
        getattr(pager, method)()
    assert str(info.value) == message
    assert server.requests() == []  # nothing fetched, nothing consumed
    assert len(list(pager)) == 1000
    result = talque.ReadResult({}, org_id=server.org_id, provider="pretix")
    with pytest.raises(ImportError, match=re.escape(message)):
        getattr(result, method)()


def test_to_polars_needs_no_pyarrow(
    server: FakeServer, client: talque.TalqueClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # `import pyarrow` now raises ImportError
    frame = client.list(server.org_id, limit=300).to_polars()
    assert frame["ticketId"].to_list() == [t["ticketId"] for t in server.tickets()]
    assert frame.schema["checkIns"] == pl.List(pl.Datetime("ms", "UTC"))


def test_pagers_and_results_are_arrow_streams(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    tickets = server.tickets()
    _assert_table_matches(pa.table(client.list(server.org_id, limit=400)), tickets)
    frame = pl.DataFrame(client.list(server.org_id, limit=1000))
    assert frame["ticketId"].to_list() == [t["ticketId"] for t in tickets]
    pretix = [t for t in tickets if t["provider"] == "pretix"][:20]
    result = client.read(server.org_id, "pretix", [t["ticketId"] for t in pretix])
    # A ReadResult is a dict, which pa.table() would read as columns: take the stream.
    _assert_table_matches(pa.RecordBatchReader.from_stream(result).read_all(), pretix)
    duckdb = pytest.importorskip("duckdb")
    pager = client.list(server.org_id, limit=500)  # noqa: F841 (DuckDB finds it by name)
    counted = duckdb.sql("select count(*), count(distinct ticketId) from pager").fetchall()
    assert counted == [(len(tickets), len(tickets))]


def test_a_missing_tqdm_fails_before_any_request(
    server: FakeServer, client: talque.TalqueClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tqdm is a dependency, so a missing tqdm is a broken install: no extra to suggest.
    for module in ("tqdm.auto", "tqdm.std", "tqdm.notebook"):
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match="tqdm") as info:
        client.list(server.org_id).to_arrow(progress=True)
    assert "talque[" not in str(info.value)
    assert server.requests() == []


def test_import_talque_loads_no_optional_package() -> None:
    heavy = ["pyarrow", "pandas", "polars", "tqdm", "numpy"]
    code = (
        "import sys, talque, talque._frames; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------
# Notebook display


def test_repr_html_never_touches_the_network(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    fresh = client.list(server.org_id)
    html = fresh._repr_html_()
    assert "TicketPager" in html and server.org_id in html and "finished" in html
    repr(fresh)
    assert server.requests() == []
    middle = client.list(server.org_id, limit=100, prefetch=False)
    next(iter(middle))
    seen = server.requests()
    assert len(seen) == 1
    assert "cursor" in middle._repr_html_() and "False" in middle._repr_html_()
    ids = [t["ticketId"] for t in server.tickets() if t["provider"] == "pretix"][:12]
    result = client.read(server.org_id, "pretix", [*ids, "missing"])
    seen = server.requests()
    html = result._repr_html_()
    assert "ReadResult" in html and "SUCCESS" in html and "… and 3 more" in html
    assert server.requests() == seen

    async def async_html() -> str:
        async with _aclient(server) as aclient:
            return aclient.list(server.org_id)._repr_html_()

    assert "AsyncTicketPager" in asyncio.run(async_html())
    assert server.requests() == seen


def test_repr_html_escapes_values(client: talque.TalqueClient) -> None:
    pager = client.list("<script>alert(1)</script>")
    assert "<script>" not in pager._repr_html_() and "&lt;script&gt;" in pager._repr_html_()
    model: Any = {"holder": {"firstName": "<b>Eve</b>", "lastName": "&co"}}
    result = talque.ReadResult(
        {"<i>id</i>": {"success": True, "reason": "<SUCCESS>", "model": model}},
        org_id="o<1>",
        provider="p&q",
    )
    html = result._repr_html_()
    for raw in ("<i>", "<b>", "<SUCCESS>", "o<1>", "p&q"):
        assert raw not in html
    for escaped in ("&lt;i&gt;id&lt;/i&gt;", "&lt;b&gt;Eve&lt;/b&gt; &amp;co", "&lt;SUCCESS&gt;"):
        assert escaped in html
