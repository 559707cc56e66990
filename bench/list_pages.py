"""Scenario "list": list every ticket of a 100,000-ticket org at page size 100 and 1,000,
server latency 0 ms and 20 ms: talque's pager (one page of look-ahead) against an
httpx.Client + orjson peer and a requests.Session + json peer (``sync_peers.py``).

One fake server per latency, in its own process; one fresh child per measured run,
rotating which client goes first. The three clients are verified once to return the
same tickets in the same order (count, first/last orgTicketId, a digest of every ticket).
"""

from __future__ import annotations

from typing import Any

import common
import sync_peers as sp

NAME = "list"
PARAMS: dict[str, Any] = {
    "tickets": 100_000,
    "page_sizes": [100, 1000],
    "latencies_ms": [0, 20],
    "seed": 0,
}
QUICK_PARAMS = dict(PARAMS, tickets=10_000)
METRICS = ("tickets_per_s", "wall_s", "cpu_s", "peak_rss_kib")
TARGETS = {0: 2.0, 20: 1.8}  # talque / httpx+orjson tickets per second (issue 5)


def run(repeat: int, quick: bool) -> dict[str, Any]:
    params = QUICK_PARAMS if quick else PARAMS
    runs: list[dict[str, Any]] = []
    verified: dict[str, Any] = {}
    for latency in params["latencies_ms"]:
        with common.ServerProcess(
            tickets=params["tickets"], latency_ms=latency, seed=params["seed"]
        ) as server:
            for limit in params["page_sizes"]:

                def argv(client: str, *extra: str, limit: int = limit) -> list[str]:
                    return sp.child_argv("list", client, server.url, "--limit", str(limit), *extra)

                if not verified:  # once: same tickets, same order, from all three
                    outs = {
                        c: common.run_child(argv(c, "--verify"), server.env) for c in sp.CLIENTS
                    }
                    sp.verify_same(outs, ("count", "digest", "first", "last"))
                    if outs["talque"]["count"] != params["tickets"]:
                        raise AssertionError(f"listed {outs['talque']['count']} tickets")
                    verified = {k: outs["talque"][k] for k in ("count", "first", "last", "digest")}
                tags = {"latency_ms": latency, "limit": limit}
                runs += sp.run_alternating(repeat, argv, server.env, tags)
    cases = []
    for latency in params["latencies_ms"]:
        for limit in params["page_sizes"]:
            sel = [r for r in runs if r["latency_ms"] == latency and r["limit"] == limit]
            summary = common.summarize(sel, METRICS)
            med = {c: summary[c]["tickets_per_s"]["median"] for c in sp.CLIENTS}
            ratio = round(med["talque"] / med["httpx"], 3)
            cases.append(
                {
                    "latency_ms": latency,
                    "limit": limit,
                    "summary": summary,
                    "ratio_talque_over_httpx": ratio,
                    "ratio_talque_over_requests": round(med["talque"] / med["requests"], 3),
                    "target": TARGETS[latency],
                    "met": ratio >= TARGETS[latency],
                }
            )
    return {
        "params": params,
        "repeat": repeat,
        "verified": verified,
        "peers": sp.PEER_LABEL,
        "runs": runs,
        "cases": cases,
    }


def report(result: dict[str, Any]) -> str:
    p = result["params"]
    title = (
        f"{NAME}: {p['tickets']:,} tickets, {result['repeat']} repeat(s); tickets/s median "
        "[min-max]; CPU/RSS of the whole child; ratio = talque / httpx+orjson"
    )
    rows = []
    for case in result["cases"]:
        s = case["summary"]
        for c in sp.CLIENTS:
            rows.append(
                [
                    f"{case['latency_ms']} ms",
                    str(case["limit"]),
                    sp.PEER_LABEL[c],
                    common.fmt_spread(s[c]["tickets_per_s"]),
                    common.fmt_spread(s[c]["cpu_s"], digits=2),
                    common.fmt_spread(s[c]["peak_rss_kib"], 1 / 1024, 1),
                    (
                        f"{case['ratio_talque_over_httpx']:.2f}x (target >= {case['target']}x: "
                        f"{'met' if case['met'] else 'MISSED'})"
                        if c == "talque"
                        else ""
                    ),
                ]
            )
    table = common.format_table(
        ["latency", "page", "client", "tickets/s", "CPU s", "peak RSS MiB", "ratio"], iter(rows)
    )
    v = result["verified"]
    note = (
        f"verified: all three listed {v['count']:,} identical tickets "
        f"({v['first']} .. {v['last']}, sha256 {v['digest'][:12]})"
    )
    return f"{title}\n{table}\n{note}"
