"""Scenario "list": list every ticket of a 100,000-ticket org at page size 100 and 1,000,
server latency 0 ms and 20 ms: talque's pager (one page of look-ahead) against an
httpx.Client + orjson peer and a requests.Session + json peer (``sync_peers.py``).

At 20 ms a fourth child only fetches the bytes (``sync_peers.list_bytes``), the ceiling
that the server's latency allows. One fake server per latency, in its own process; one fresh
child per measured run,
rotating which client goes first. The three clients are verified once to return the
same tickets in the same order (count, first/last orgTicketId, a digest of every ticket).

Figures behind two choices in the extension's decode (moved here from its code comments;
measured on the development machine, not re-run since):

- ``src/gc_pause.rs`` (the collector paused while jiter builds a page, on CPython 3.10/3.11):
  over 100,000 tickets at page size 1,000 (fake server in another process, 0 ms latency),
  0.65 s of the client's 2.2 s of CPU was garbage collection, three times the share at page
  size 100; the README's Performance section has the before/after throughput.
- ``src/json.rs`` (jiter's ``StringCacheMode::All``): caching all strings measured 9% fewer
  instructions per page than caching keys only.
"""

from __future__ import annotations

from collections.abc import Iterator
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
METRICS = common.THROUGHPUT_METRICS
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
                    verified = verify_listing(argv, server.env, params["tickets"])
                tags = {"latency_ms": latency, "limit": limit}
                # With latency, the bytes-only client shows the ceiling the server allows.
                clients = (*sp.CLIENTS, "bytes") if latency else sp.CLIENTS
                runs += sp.run_alternating(repeat, argv, server.env, tags, clients=clients)
    cases = []
    for latency in params["latencies_ms"]:
        for limit in params["page_sizes"]:
            sel = [r for r in runs if r["latency_ms"] == latency and r["limit"] == limit]
            tags = {"latency_ms": latency, "limit": limit}
            cases.append(case_result(sel, tags, TARGETS[latency], params["tickets"]))
    return {
        "params": params,
        "repeat": repeat,
        "verified": verified,
        "peers": sp.PEER_LABEL,
        "runs": runs,
        "cases": cases,
    }


def verify_listing(argv: Any, env: dict[str, str], tickets: int) -> dict[str, Any]:
    """All three clients list the same ``tickets`` tickets in the same order; returns the
    count, first and last ``orgTicketId`` and the digest, or raises."""
    outs = {c: common.run_child(argv(c, "--verify"), env) for c in sp.CLIENTS}
    sp.verify_same(outs, ("count", "digest", "first", "last"))
    if outs["talque"]["count"] != tickets:
        raise AssertionError(f"listed {outs['talque']['count']} tickets, not {tickets}")
    return {k: outs["talque"][k] for k in ("count", "first", "last", "digest")}


def case_result(
    runs: list[dict[str, Any]], tags: dict[str, Any], target: float | None, tickets: int
) -> dict[str, Any]:
    """One case's summary: medians per client, the ratios to the peers, the target, and how
    close talque comes to the latency floor (pages x latency: cursors serialize the pages).
    """
    metrics = METRICS + (("wire_bytes",) if "wire_bytes" in runs[0] else ())
    summary = common.summarize(runs, metrics)
    med = {c: summary[c]["tickets_per_s"]["median"] for c in summary}
    ratio = round(med["talque"] / med["httpx"], 3)
    pages = -(-tickets // tags["limit"])
    floor_s = pages * tags["latency_ms"] / 1000
    return {
        **tags,
        "tickets": tickets,
        "summary": summary,
        "ratio_talque_over_httpx": ratio,
        "ratio_talque_over_requests": round(med["talque"] / med["requests"], 3),
        "target": target,
        "met": target is None or ratio >= target,
        "floor_s": floor_s,
        "of_floor": round(floor_s / summary["talque"]["wall_s"]["median"], 3) if floor_s else None,
        "of_ceiling": round(med["talque"] / med["bytes"], 3) if "bytes" in med else None,
    }


def ratio_text(case: dict[str, Any]) -> str:
    text = f"{case['ratio_talque_over_httpx']:.2f}x"
    if case["target"] is not None:
        text += f" (target >= {case['target']}x: {'met' if case['met'] else 'MISSED'})"
    if case.get("of_ceiling") is not None:
        text += f"; {case['of_ceiling']:.2f} of the bytes-only ceiling"
    if case["of_floor"] is not None:
        text += f"; {case['of_floor']:.2f} of the {case['floor_s']:.2f} s latency floor"
    return text


def case_rows(case: dict[str, Any], *columns: tuple[str, float, int]) -> Iterator[list[str]]:
    """The table rows of one case: latency, page, client, each ``(metric, scale, digits)``
    as median [min-max], and the ratio on talque's row."""
    s = case["summary"]
    for c in [c for c in sp.PEER_LABEL if c in s]:
        cells = [common.fmt_spread(s[c][m], scale, digits) for m, scale, digits in columns]
        yield [
            f"{case['latency_ms']} ms",
            str(case["limit"]),
            sp.PEER_LABEL[c],
            *cells,
            ratio_text(case) if c == "talque" else "",
        ]


def report(result: dict[str, Any]) -> str:
    p = result["params"]
    title = (
        f"{NAME}: {p['tickets']:,} tickets, {result['repeat']} repeat(s); tickets/s median "
        "[min-max]; CPU/RSS of the whole child; ratio = talque / httpx+orjson"
    )
    columns = (("tickets_per_s", 1.0, 0), ("cpu_s", 1.0, 2), ("peak_rss_kib", 1 / 1024, 1))
    rows = [row for case in result["cases"] for row in case_rows(case, *columns)]
    table = common.format_table(
        ["latency", "page", "client", "tickets/s", "CPU s", "peak RSS MiB", "ratio"], iter(rows)
    )
    v = result["verified"]
    note = (
        f"verified: all three listed {v['count']:,} identical tickets "
        f"({v['first']} .. {v['last']}, sha256 {v['digest'][:12]})"
    )
    return f"{title}\n{table}\n{note}"
