"""The pager's notebook view: counts and the first tickets delivered, from memory only."""

from __future__ import annotations

import asyncio
from html import escape

import talque
from talque.testing import FakeServer


def test_pager_html_shows_counts_and_first_tickets_without_a_request(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    pager = client.list(server.org_id, limit=100, prefetch=False)
    fresh = pager._repr_html_()
    assert "tickets fetched" in fresh and "<td>0</td>" in fresh
    taken = [ticket for _, ticket in zip(range(150), pager, strict=False)]
    server.clear_requests()
    html = pager._repr_html_()
    assert server.requests() == []
    assert "<tr><th>tickets fetched</th><td>200</td></tr>" in html
    assert "<tr><th>pages fetched</th><td>2</td></tr>" in html
    for ticket in taken[:5]:
        assert f"<td>{escape(ticket['ticketId'])}</td>" in html
    assert escape(taken[5]["ticketId"]) not in html
    assert "… and 195 more" in html


def test_async_pager_html_counts_pages(server: FakeServer) -> None:
    async def view() -> str:
        aclient = talque.AsyncTalqueClient(server.client_id, server.secret, base_url=server.url)
        async with aclient:
            pager = aclient.list(server.org_id, limit=300)
            async for _page in pager.pages():
                break
            return pager._repr_html_()

    html = asyncio.run(view())
    assert "<tr><th>tickets fetched</th><td>300</td></tr>" in html
