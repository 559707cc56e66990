"""talque_source into DuckDB and PostgreSQL: full loads, incremental loads, two orgs, failures."""

from __future__ import annotations

from typing import Any

import dlt
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from conftest import CLIENT_ID, ORG_A, ORG_B, SECRET, edit_tickets, loaded_rows, served_rows
from talque.dlt import talque_source
from talque.testing import FakeServer


def source(fake: FakeServer, org_id: Any = (ORG_A, ORG_B), **options: Any) -> Any:
    options.setdefault("limit", 50)
    return talque_source(
        list(org_id), client_id=CLIENT_ID, secret=SECRET, base_url=fake.url, **options
    )


def rows_loaded_by_last_run(pipeline: dlt.Pipeline) -> int:
    """How many ticket rows the last run's normalize step wrote (0 when nothing changed)."""
    info = pipeline.last_trace.last_normalize_info
    return 0 if info is None else int(info.row_counts.get("tickets", 0))


def test_the_first_run_loads_every_ticket_of_both_orgs(
    fake: FakeServer, pipeline: dlt.Pipeline
) -> None:
    pipeline.run(source(fake))

    assert loaded_rows(pipeline) == served_rows(fake, ORG_A, ORG_B)
    assert rows_loaded_by_last_run(pipeline) == 270


def test_the_table_has_the_schema_of_talque(fake: FakeServer, pipeline: dlt.Pipeline) -> None:
    pipeline.run(source(fake, [ORG_B]))

    table = pipeline.default_schema.get_table("tickets")
    columns = table["columns"]
    assert table["write_disposition"] == "merge"
    assert [name for name, column in columns.items() if column.get("primary_key")] == [
        "org_ticket_id"
    ]
    assert columns["org_ticket_id"]["nullable"] is False
    assert columns["org_id"]["nullable"] is False
    for name in ("ctime", "mtime"):
        assert columns[name]["data_type"] == "timestamp"
    assert columns["holder__email"]["data_type"] == "text"
    assert columns["check_ins"]["data_type"] == "json"
    with pipeline.sql_client() as client:
        [(emails,)] = client.execute_sql(
            "SELECT count(*) FROM tickets WHERE holder__email IS NOT NULL"
        )
    assert emails == sum(1 for t in fake.tickets(ORG_B) if (t.get("holder") or {}).get("email"))


def test_a_second_run_loads_only_the_edited_tickets(
    fake: FakeServer, pipeline: dlt.Pipeline
) -> None:
    pipeline.run(source(fake))
    before = loaded_rows(pipeline)
    edited = [t["orgTicketId"] for t in fake.tickets(ORG_A)[10:15]]
    edited.append(fake.tickets(ORG_B)[3]["orgTicketId"])
    edit_tickets(fake, ORG_A, edited[:5])
    edit_tickets(fake, ORG_B, edited[5:])

    fake.clear_requests()
    pipeline.run(source(fake))

    after = loaded_rows(pipeline)
    assert after == served_rows(fake, ORG_A, ORG_B)
    assert len(after) == len(before)
    changed = {row[1] for row in set(after) - set(before)}
    assert changed == set(edited)
    assert rows_loaded_by_last_run(pipeline) == len(edited)
    # The API cannot filter by time: every page is still fetched.
    assert len(fake.requests("list")) == 5 + 1


def test_a_third_run_without_edits_loads_nothing(fake: FakeServer, pipeline: dlt.Pipeline) -> None:
    pipeline.run(source(fake))
    pipeline.run(source(fake))

    assert rows_loaded_by_last_run(pipeline) == 0
    assert loaded_rows(pipeline) == served_rows(fake, ORG_A, ORG_B)


def test_an_org_added_later_loads_all_its_older_tickets(
    fake: FakeServer, pipeline: dlt.Pipeline
) -> None:
    pipeline.run(source(fake, [ORG_A]))
    edit_tickets(fake, ORG_A, [fake.tickets(ORG_A)[0]["orgTicketId"]])

    pipeline.run(source(fake, [ORG_A, ORG_B]))

    assert loaded_rows(pipeline) == served_rows(fake, ORG_A, ORG_B)
    assert rows_loaded_by_last_run(pipeline) == 1 + 40


def test_a_failed_page_raises_and_the_rerun_is_exact(
    fake: FakeServer, pipeline: dlt.Pipeline
) -> None:
    pipeline.run(source(fake))
    state_before = pipeline.state["sources"]["talque"]
    edited = [t["orgTicketId"] for t in fake.tickets(ORG_A)[100:104]]
    edit_tickets(fake, ORG_A, edited)
    # Org A's listing completes (5 pages); org B's first page fails through every retry.
    fake.fail("status", endpoint="list", skip=5, times=1000, status=503)

    with pytest.raises(PipelineStepFailed):
        pipeline.run(source(fake))

    assert pipeline.state["sources"]["talque"] == state_before
    fake.clear_faults()
    pipeline.run(source(fake))
    rows = loaded_rows(pipeline)
    assert rows == served_rows(fake, ORG_A, ORG_B)
    assert len({row[1] for row in rows}) == len(rows)
    assert rows_loaded_by_last_run(pipeline) == len(edited)


def test_a_failed_first_run_stores_no_mark(fake: FakeServer, pipeline: dlt.Pipeline) -> None:
    fake.fail("status", endpoint="list", skip=2, times=1000, status=500)

    with pytest.raises(PipelineStepFailed):
        pipeline.run(source(fake))

    assert "talque" not in pipeline.state.get("sources", {})
    fake.clear_faults()
    pipeline.run(source(fake))
    assert loaded_rows(pipeline) == served_rows(fake, ORG_A, ORG_B)


def test_one_org_id_as_a_string(fake: FakeServer, pipeline: dlt.Pipeline) -> None:
    pipeline.run(talque_source(ORG_B, client_id=CLIENT_ID, secret=SECRET, base_url=fake.url))

    assert loaded_rows(pipeline) == served_rows(fake, ORG_B)


@pytest.mark.parametrize("org_id", [[], [""], "", [ORG_A, 3]])
def test_bad_org_ids_fail_when_the_source_is_made(fake: FakeServer, org_id: Any) -> None:
    with pytest.raises(ValueError, match="org_id"):
        talque_source(org_id, client_id=CLIENT_ID, secret=SECRET, base_url=fake.url)
