"""Scenario "network": listing over a 100 Mbit/s link from a compressing server, the way
users meet the API (behind a proxy that compresses JSON for clients that ask): talque against
httpx+orjson and requests+json, each with its default ``Accept-Encoding``.

Two compressing servers, each in a network namespace of its own: the fake server itself
(gzip, br, zstd or deflate at level 1, whichever the request accepts), and the plain fake
server behind a gzip-only reverse proxy (``gzip_proxy.py``, level 1 like nginx). tc shapes only
the answers (``shaped_link.py``), so the bytes each client makes the server send decide the
transfer time. Per case: one server (its own ticket count and per-request latency), the three
clients verified once per server to list identical tickets, then ``repeat`` rounds of one
fresh child per client. Bytes on the wire per ticket come from the shaped class's counter. A
fourth child only fetches and gunzips the bytes (``sync_peers.list_bytes``, gzip only): the
ceiling the server and the link allow a gzip client. Needs root.
"""

from __future__ import annotations

import contextlib
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
# The compressing servers: the fake server itself (gzip, br, zstd or deflate at level 1, as
# the request accepts), and the plain fake server behind a gzip-only proxy (nginx's default).
SERVERS = ("fake", "gzip proxy")


def run(repeat: int, quick: bool) -> dict[str, Any]:
    skipped = shaped_link.available()
    if skipped is not None:
        return {"skipped": skipped, "repeat": repeat, "cases": []}
    runs: list[dict[str, Any]] = []
    cases = []
    verified: dict[str, dict[str, Any]] = {}
    with shaped_link.ShapedLink(rate_mbit=RATE_MBIT) as link:
        for served_by in SERVERS:
            for latency, limit, tickets, target in CASES:
                tickets //= QUICK_SCALE if quick else 1
                tags = {"server": served_by, "latency_ms": latency, "limit": limit}
                sel = _case(link, tags, tickets, repeat, verified)
                runs += sel
                cases.append(list_pages.case_result(sel, tags, target, tickets))
    return {
        "params": {
            "rate_mbit": RATE_MBIT,
            "servers": SERVERS,
            "cases": CASES,
        },
        "repeat": repeat,
        "verified": verified,
        "peers": sp.PEER_LABEL,
        "runs": runs,
        "cases": cases,
    }


def _case(
    link: shaped_link.ShapedLink,
    tags: dict[str, Any],
    tickets: int,
    repeat: int,
    verified: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """The runs of one case: a server (compressing itself, or behind the gzip proxy) on
    the shaped link, the clients verified once per scenario, then ``repeat`` rounds."""
    proxied = tags["server"] == "gzip proxy"
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(
            common.ServerProcess(
                tickets=tickets,
                latency_ms=tags["latency_ms"],
                host="127.0.0.1" if proxied else link.server_ip,
                wrapper=link.wrapper,
                compression=not proxied,
            )
        )
        url, port = server.url, server.port
        if proxied:
            proxy = stack.enter_context(
                gzip_proxy.ProxyProcess(listen=link.server_ip, upstream=url, wrapper=link.wrapper)
            )
            url, port = proxy.url, proxy.port
        link.shape_port(port)

        def argv(client: str, *extra: str) -> list[str]:
            return sp.child_argv("list", client, url, "--limit", str(tags["limit"]), *extra)

        if tags["server"] not in verified:  # once per server: same tickets, same order
            verified[tags["server"]] = list_pages.verify_listing(argv, server.env, tickets)
        clients = (*sp.CLIENTS, "bytes")
        return sp.run_alternating(repeat, argv, server.env, tags, link.sent_bytes, clients)


def report(result: dict[str, Any]) -> str:
    if "skipped" in result:
        return f"{NAME}: skipped ({result['skipped']})"
    title = (
        f"{NAME}: {RATE_MBIT} Mbit/s link (tc), compressing servers, {result['repeat']} "
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
            rows.append([case["server"], *row])
    table = common.format_table(
        [
            "server",
            "latency",
            "page",
            "client",
            "tickets",
            "wall s",
            "tickets/s",
            "B/ticket",
            "ratio",
        ],
        iter(rows),
    )
    note = "; ".join(
        f"{server}: all three listed {v['count']:,} identical tickets (sha256 {v['digest'][:12]})"
        for server, v in result["verified"].items()
    )
    return f"{title}\n{table}\n{note}"
