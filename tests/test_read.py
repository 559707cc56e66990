"""client.read: batching, merging, order, missing ids."""

from __future__ import annotations

import json
import logging
import pickle

import pytest

import talque
from talque.testing import FakeServer


def _ids_by_provider(server: FakeServer) -> dict[str, list[str]]:
    by_provider: dict[str, list[str]] = {}
    for ticket in server.tickets():
        by_provider.setdefault(ticket["provider"], []).append(ticket["ticketId"])
    return by_provider


def test_read_returns_every_requested_id_in_order(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    provider, ids = max(_ids_by_provider(server).items(), key=lambda item: len(item[1]))
    wanted = ids[:30] + ["nope-1", "nope-2"]
    result = client.read(server.org_id, provider, wanted)
    assert isinstance(result, talque.ReadResult) and isinstance(result, dict)
    assert list(result) == wanted
    assert result.org_id == server.org_id and result.provider == provider
    by_id = {t["ticketId"]: t for t in server.tickets() if t["provider"] == provider}
    for ticket_id in ids[:30]:
        assert result[ticket_id] == {
            "success": True,
            "reason": "SUCCESS",
            "model": by_id[ticket_id],
        }
    for ticket_id in ("nope-1", "nope-2"):
        assert result[ticket_id] == {"success": False, "reason": "NOT_FOUND", "model": None}
    assert json.loads(json.dumps(result)) == dict(result)


def test_duplicates_are_sent_and_returned_once(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    provider, ids = next(iter(_ids_by_provider(server).items()))
    result = client.read(server.org_id, provider, [ids[1], ids[0], ids[1], ids[0]])
    assert list(result) == [ids[1], ids[0]]
    assert server.requests("read")[0]["body"]["ticketIdList"] == [ids[1], ids[0]]


def test_ids_are_sent_in_batches(server: FakeServer) -> None:
    provider, ids = max(_ids_by_provider(server).items(), key=lambda item: len(item[1]))
    wanted = (ids + [f"x{i}" for i in range(250)])[:250]
    with server.client(batch_size=40) as client:
        result = client.read(server.org_id, provider, wanted)
    assert list(result) == wanted
    sent = [r["body"]["ticketIdList"] for r in server.requests("read")]
    assert sorted(len(batch) for batch in sent) == [10] + [40] * 6
    # Every id went out exactly once, whatever order the concurrent batches arrived in.
    assert sorted(i for batch in sent for i in batch) == sorted(wanted)
    assert all(
        r["body"]["orgId"] == server.org_id and r["body"]["provider"] == provider
        for r in server.requests("read")
    )


def test_default_batch_size_is_100(server: FakeServer, client: talque.TalqueClient) -> None:
    client.read(server.org_id, "pretix", [f"id{i}" for i in range(201)])
    assert sorted(len(r["body"]["ticketIdList"]) for r in server.requests("read")) == [1, 100, 100]


def test_batches_are_in_flight_together(server: FakeServer) -> None:
    server.set_latency(200)
    with server.client(batch_size=10, max_concurrency=4) as client:
        client.read(server.org_id, "pretix", [f"id{i}" for i in range(80)])
    log = server.requests("read")
    assert len(log) == 8
    # The server saw at most four requests at once, and more than one.
    peak = max(entry["in_flight"] for entry in log)
    assert 1 < peak <= 4


def test_empty_ids_send_nothing(server: FakeServer, client: talque.TalqueClient) -> None:
    result = client.read(server.org_id, "pretix", [])
    assert result == {} and result.org_id == server.org_id
    assert server.requests() == []


def test_an_id_missing_from_the_answer_is_reported(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    body = json.dumps(
        {
            "orgId": server.org_id,
            "provider": "pretix",
            "ticketById": {"a": {"success": False, "reason": "NOT_FOUND", "model": None}},
        }
    )
    server.fail("status", endpoint="read", status=200, body=body)
    result = client.read(server.org_id, "pretix", ["a", "b"])
    assert result["a"]["reason"] == "NOT_FOUND"
    assert result["b"] == {"success": False, "reason": "MISSING_FROM_RESPONSE", "model": None}


def test_unknown_fields_and_reasons_pass_through(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    model = {"ticketId": "a", "brandNew": {"nested": [1, 2.5, None, "ü"]}, "big": 2**70}
    body = json.dumps(
        {
            "orgId": server.org_id,
            "provider": "pretix",
            "extra": True,
            "ticketById": {
                "a": {"success": True, "reason": "SOME_NEW_REASON", "model": model, "hint": 1}
            },
        }
    )
    server.fail("status", endpoint="read", status=200, body=body)
    result = client.read(server.org_id, "pretix", ["a"])
    assert result["a"] == {"success": True, "reason": "SOME_NEW_REASON", "model": model, "hint": 1}


def test_read_result_pickles(server: FakeServer, client: talque.TalqueClient) -> None:
    result = client.read(server.org_id, "pretix", ["x"])
    clone = pickle.loads(pickle.dumps(result))
    assert clone == result and clone.org_id == result.org_id and clone.provider == "pretix"
    assert "ReadResult(" in repr(result)


def test_a_failing_batch_fails_the_read(server: FakeServer) -> None:
    server.fail("status", endpoint="read", status=404, skip=1)
    with server.client(batch_size=5, max_concurrency=1) as client:
        with pytest.raises(talque.NotFoundError):
            client.read(server.org_id, "pretix", [f"id{i}" for i in range(20)])


def test_ids_the_server_added_are_dropped_and_logged(
    server: FakeServer, client: talque.TalqueClient, caplog: pytest.LogCaptureFixture
) -> None:
    answer = {"success": False, "reason": "NOT_FOUND", "model": None}
    body = json.dumps(
        {
            "orgId": server.org_id,
            "provider": "pretix",
            "ticketById": {"unasked-1": answer, "b": answer, "a": answer, "unasked-2": answer},
        }
    )
    server.fail("status", endpoint="read", status=200, body=body)
    with caplog.at_level(logging.DEBUG, logger="talque"):
        result = client.read(server.org_id, "pretix", ["b", "a"])
    assert list(result) == ["b", "a"]
    [line] = [r.getMessage() for r in caplog.records if "not requested" in r.getMessage()]
    assert "2 id(s)" in line and "unasked-1" in line and "unasked-2" in line
