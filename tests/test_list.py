"""client.list: lazy, complete, exact pagination with resume."""

from __future__ import annotations

import json
import time

import pytest

import talque
from talque.testing import FakeServer


def test_lists_every_ticket_equal_to_what_the_server_holds(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    tickets = list(client.list(server.org_id, limit=100))
    assert tickets == server.tickets()
    assert len(tickets) == 1_000
    assert len({t["orgTicketId"] for t in tickets}) == 1_000


@pytest.mark.parametrize("limit", [1, 7, 100, 1000])
def test_limit_is_the_page_size_sent(
    server: FakeServer, client: talque.TalqueClient, limit: int
) -> None:
    org = server.orgs[1]["org_id"]  # the small org keeps limit=1 quick
    tickets = list(client.list(org, limit=limit))
    assert tickets == server.tickets(org)
    requests = server.requests("list")
    assert all(r["body"]["limit"] == limit for r in requests)
    assert len(requests) == max(1, -(-len(tickets) // limit))


def test_pages_yield_the_api_pages(server: FakeServer, client: talque.TalqueClient) -> None:
    pages = list(client.list(server.org_id, limit=300).pages())
    assert [len(p["tickets"]) for p in pages] == [300, 300, 300, 100]
    assert all(set(p) >= {"orgId", "tickets", "cursor", "more"} for p in pages)
    assert [p["more"] for p in pages] == [True, True, True, False]
    assert pages[-1]["cursor"] is None
    assert [t for p in pages for t in p["tickets"]] == server.tickets()
    # Each request after the first carried the cursor of the page before it.
    sent = [r["body"].get("cursor") for r in server.requests("list")]
    assert sent == [None] + [p["cursor"] for p in pages[:-1]]


def test_list_is_lazy(server: FakeServer, client: talque.TalqueClient) -> None:
    pager = client.list(server.org_id, prefetch=False)
    assert server.requests() == []
    assert pager.cursor is None and not pager.finished
    first = next(iter(pager))
    assert first == server.tickets()[0]
    assert len(server.requests()) == 1


def test_returned_values_are_plain_json(server: FakeServer, client: talque.TalqueClient) -> None:
    tickets = list(client.list(server.org_id, limit=1000))
    # Round-trips through json exactly: only dict/list/str/int/float/bool/None inside.
    assert json.loads(json.dumps(tickets)) == tickets
    assert all(type(t) is dict for t in tickets)
    # Absent optional keys stay absent and nulls stay null, as the server sent them.
    assert any("purchaser" not in t for t in tickets)
    assert any(t.get("purchaser", 0) is None for t in tickets)
    assert any(isinstance(t.get("extData"), int) and t["extData"] > 2**53 for t in tickets) or any(
        "9007199254740993" in json.dumps(t.get("extData")) for t in tickets
    )


def test_profile_filter(server: FakeServer, client: talque.TalqueClient) -> None:
    profile = server.orgs[0]["profile_ids"][0]
    tickets = list(client.list(server.org_id, profile_id=profile))
    assert tickets and tickets == server.tickets(profile_id=profile)
    assert server.requests("list")[0]["body"]["profileId"] == profile


def test_empty_org(server: FakeServer, client: talque.TalqueClient) -> None:
    empty = next(
        org["org_id"] for org in server.orgs if org["ticket_count"] == 0 and not org["forbidden"]
    )
    pager = client.list(empty)
    assert list(pager) == []
    assert pager.finished
    assert len(server.requests()) == 1


def test_resume_after_an_error_loses_and_repeats_nothing(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    seen = []
    pager = client.list(server.org_id, limit=150)
    # The fourth list request fails with a status that is never retried.
    server.fail("status", endpoint="list", status=400, skip=3)
    with pytest.raises(talque.BadRequestError):
        for ticket in pager:
            seen.append(ticket)
    assert len(seen) == 450
    resumed = client.list(server.org_id, limit=150, cursor=pager.cursor)
    seen.extend(resumed)
    assert seen == server.tickets()


def test_resume_with_a_different_page_size(server: FakeServer, client: talque.TalqueClient) -> None:
    pager = client.list(server.org_id, limit=100)
    seen = [t for _, t in zip(range(250), pager)]
    # Stopped mid-page: the cursor points at that page, so resuming repeats its head...
    resumed = list(client.list(server.org_id, limit=333, cursor=pager.cursor))
    assert seen[:200] + resumed == server.tickets()
    # ...while the same pager simply continues where it stopped.
    assert seen + list(pager) == server.tickets()


def test_cursor_after_each_complete_page(server: FakeServer, client: talque.TalqueClient) -> None:
    pager = client.list(server.org_id, limit=400)
    it = iter(pager)
    first_page = [next(it) for _ in range(400)]
    # The page's last ticket was handed out, so the cursor moved to the next page.
    rest = list(client.list(server.org_id, limit=400, cursor=pager.cursor))
    assert first_page + rest == server.tickets()


def test_repeated_cursor_is_an_invalid_response_not_a_loop(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    server.fail("repeat_cursor", endpoint="list", skip=1, times=50)
    pager = client.list(server.org_id, limit=100)
    with pytest.raises(talque.InvalidResponseError, match="cursor"):
        list(pager)
    assert len(server.requests("list")) <= 3


def test_more_without_cursor_is_an_invalid_response(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    server.fail("more_without_cursor", endpoint="list")
    with pytest.raises(talque.InvalidResponseError, match="cursor"):
        list(client.list(server.org_id))
    assert len(server.requests("list")) == 1


def test_foreign_cursor_is_rejected_by_the_server(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    pager = client.list(server.org_id, limit=10)
    next(iter(pager.pages()))
    small = server.orgs[1]["org_id"]
    with pytest.raises(talque.BadRequestError) as info:
        list(client.list(small, cursor=pager.cursor))
    assert info.value.status_code == 400


def test_pager_repr_does_not_touch_the_network(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    pager = client.list(server.org_id, limit=5)
    assert "TicketPager(" in repr(pager) and server.org_id in repr(pager)
    assert server.requests() == []


def test_large_listing_streams() -> None:
    with FakeServer(tickets=20_000, seed=3) as big, big.client() as c:
        count = sum(1 for _ in c.list(big.org_id, limit=1000))
        assert count == 20_000
        assert len(big.requests("list")) == 20


def test_prefetch_requests_the_next_page_early(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    pager = client.list(server.org_id, limit=400)
    it = iter(pager)
    next(it)
    # The first page reached Python, so the second is already on its way.
    deadline = time.monotonic() + 5
    while len(server.requests("list")) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert [r["body"].get("cursor") is None for r in server.requests("list")] == [True, False]
    assert [next(it)["orgTicketId"] for _ in range(399)]
    # Nothing beyond one page of look-ahead.
    assert len(server.requests("list")) <= 3


def test_a_failed_prefetch_surfaces_when_its_page_is_reached(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    server.fail("status", endpoint="list", status=400, skip=2)  # the third page fails
    pager = client.list(server.org_id, limit=300)
    seen = []
    with pytest.raises(talque.BadRequestError):
        for ticket in pager:
            seen.append(ticket)
    # Both complete pages arrived before the error; the cursor fetches the failed page.
    assert len(seen) == 600
    seen.extend(client.list(server.org_id, limit=300, cursor=pager.cursor))
    assert seen == server.tickets()


def test_prefetch_can_be_turned_off(server: FakeServer, client: talque.TalqueClient) -> None:
    pager = client.list(server.org_id, limit=400, prefetch=False)
    next(iter(pager))
    assert len(server.requests("list")) == 1
    with pytest.raises(TypeError):
        client.list(server.org_id, prefetch="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("enabled", [True, False])
def test_parsing_a_page_leaves_the_collector_as_it_was(
    server: FakeServer, client: talque.TalqueClient, enabled: bool
) -> None:
    # On 3.10/3.11 the collector is paused while a page is parsed (src/gc_pause.rs); the
    # application's setting must hold afterwards, and nothing may escape collection.
    import gc

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        pages = list(client.list(server.org_id, limit=1000).pages())
        assert gc.isenabled() is enabled
        ring: list[object] = []
        ring.append(ring)
        pages[0]["tickets"][0]["self"] = pages[0]
        del pages, ring
        assert gc.collect() > 0
    finally:
        (gc.enable if was else gc.disable)()
