"""Huge but valid arguments: a million ticket ids are sent in batches, ten-megabyte strings
fail with a clean TalqueError -- never a crash, a hang or a secret in the message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import talque
from _arguments import PROVIDER, TEXT_ARGUMENTS, call_with
from talque.testing import FakeServer

TEN_MB = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def roomy() -> Iterator[FakeServer]:
    with FakeServer(tickets=5, seed=9, max_read_ids=50_000) as server:
        yield server


def test_a_million_ids_are_sent_in_batches(roomy: FakeServer) -> None:
    ids = [f"T{i:07d}" for i in range(1_000_000)]
    roomy.clear_requests()
    with roomy.client(batch_size=50_000, max_concurrency=4, max_retries=0) as client:
        result = client.read(roomy.org_id, PROVIDER, ids)
    assert len(result) == 1_000_000
    assert list(result)[:3] == ids[:3] and list(result)[-1] == ids[-1]
    assert all(answer["success"] is False for answer in result.values())
    entries = roomy.requests("read")
    assert len(entries) == 20
    assert all(len(entry["body"]["ticketIdList"]) == 50_000 for entry in entries)
    assert max(entry["in_flight"] for entry in entries) <= 4
    sent = [
        tid
        for entry in sorted(entries, key=lambda e: e["body"]["ticketIdList"][0])
        for tid in entry["body"]["ticketIdList"]
    ]
    assert sent == ids


def test_a_million_copies_of_one_id_are_one_request(roomy: FakeServer) -> None:
    roomy.clear_requests()
    with roomy.client(max_retries=0) as client:
        result = client.read(roomy.org_id, PROVIDER, ["same"] * 1_000_000)
    assert list(result) == ["same"]
    (entry,) = roomy.requests("read")
    assert entry["body"]["ticketIdList"] == ["same"]


@pytest.mark.parametrize("where", TEXT_ARGUMENTS)
def test_ten_megabyte_strings_fail_cleanly(roomy: FakeServer, where: str) -> None:
    # Valid arguments the fake server will not take (its body limit is 1 MiB): a clean
    # API error or connection error, no crash, no hang, and no secret in it.
    with roomy.client(max_retries=0, timeout=30.0) as client:
        with pytest.raises((talque.APIStatusError, talque.APIConnectionError)) as info:
            list(call_with(client, roomy.org_id, where, "x" * TEN_MB))
    assert roomy.secret not in str(info.value) + repr(info.value.args)
    # An error quotes at most a bounded part of what came back.
    assert len(str(info.value)) < 100_000
