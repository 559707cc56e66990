"""Scenario "network": listing over a 100 Mbit/s link from a compressing server, the way
users meet the API (behind a proxy that gzips JSON for clients that ask): talque against
httpx+orjson and requests+json, each with its default ``Accept-Encoding``.

The fake server and a gzip reverse proxy (``gzip_proxy.py``, level 1 like nginx) run in a
network namespace of their own; tc shapes only the proxy's answers (``shaped_link.py``), so
the bytes each client makes the server send decide the transfer time. Per case: one server
(its own ticket count and per-request latency), the three clients verified once to list
identical tickets, then ``repeat`` rounds of one fresh child per client. Bytes on the wire
per ticket come from the shaped class's counter. A fourth child only fetches and gunzips the
bytes (``sync_peers.list_bytes``): the ceiling the server and the link allow. Needs root.
"""

from __future__ import annotations

from typing import Any

import common
import gzip_proxy
import list_pages
import shaped_link
import sync_peers as sp

NAME = "network"
RATE_MBIT = 100
# (latency ms, page size, tickets, target ratio vs httpx+orjson): issue 11.
CASES: tuple[tuple[int, int, int, float | None], ...] = (
    (20, 1000, 20_000, 1.3),
    (0, 1000, 50_000, 1.5),
    (20, 100, 10_000, 1.1),
    (0, 100, 10_000, None),
)
QUICK_SCALE = 5


def run(repeat: int, quick: bool) -> dict[str, Any]:
    skipped = shaped_link.available()
    if skipped is not None:
        return {"skipped": skipped, "repeat": repeat, "cases": []}
    runs: list[dict[str, Any]] = []
    cases = []
    verified: dict[str, Any] = {}
    with shaped_link.ShapedLink(rate_mbit=RATE_MBIT) as link:
        for latency, limit, tickets, target in CASES:
            tickets //= QUICK_SCALE if quick else 1
            with (
                common.ServerProcess(
                    tickets=tickets, latency_ms=latency, wrapper=link.wrapper
                ) as server,
                gzip_proxy.ProxyProcess(
                    listen=link.server_ip, upstream=server.url, wrapper=link.wrapper
                ) as proxy,
            ):
                link.shape_port(proxy.port)

                def argv(
                    client: str, *extra: str, limit: int = limit, url: str = proxy.url
                ) -> list[str]:
                    return sp.child_argv("list", client, url, "--limit", str(limit), *extra)

                if not verified:
                    verified = list_pages.verify_listing(argv, server.env, tickets)
                tags = {"latency_ms": latency, "limit": limit}
                clients = (*sp.CLIENTS, "bytes")
                sel = sp.run_alternating(repeat, argv, server.env, tags, link.sent_bytes, clients)
            runs += sel
            cases.append(list_pages.case_result(sel, tags, target, tickets))
    return {
        "params": {
            "rate_mbit": RATE_MBIT,
            "server": "fake server behind bench/gzip_proxy.py (gzip level 1)",
            "cases": CASES,
        },
        "repeat": repeat,
        "verified": verified,
        "peers": sp.PEER_LABEL,
        "runs": runs,
        "cases": cases,
    }


def report(result: dict[str, Any]) -> str:
    if "skipped" in result:
        return f"{NAME}: skipped ({result['skipped']})"
    title = (
        f"{NAME}: {RATE_MBIT} Mbit/s link (tc), compressing server, {result['repeat']} "
        "repeat(s); median [min-max]; ratio = talque / httpx+orjson tickets/s"
    )
    rows = []
    for case in result["cases"]:
        columns = (
            ("wall_s", 1.0, 2),
            ("tickets_per_s", 1.0, 0),
            ("wire_bytes", 1 / case["tickets"], 0),
        )
        for row in list_pages.case_rows(case, *columns):
            row.insert(3, f"{case['tickets']:,}")
            rows.append(row)
    table = common.format_table(
        ["latency", "page", "client", "tickets", "wall s", "tickets/s", "wire B/ticket", "ratio"],
        iter(rows),
    )
    v = result["verified"]
    note = (
        f"verified: all three listed {v['count']:,} identical tickets (sha256 {v['digest'][:12]})"
    )
    return f"{title}\n{table}\n{note}"
