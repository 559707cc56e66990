"""Scenario "stream-rss": peak RSS of a child that streams every ticket (page size 1,000,
counting only) from a 1,000,000-ticket org, against a 100,000-ticket org; talque and,
for comparison, the httpx+orjson peer. Flat memory means RSS(1M) / RSS(100k) ~ 1.
"""

from __future__ import annotations

from typing import Any

import common
import sync_peers as sp

NAME = "stream-rss"
CLIENTS = ("talque", "httpx")
PARAMS: dict[str, Any] = {"sizes": [100_000, 1_000_000], "limit": 1000, "latency_ms": 0, "seed": 0}
QUICK_PARAMS = dict(PARAMS, sizes=[10_000, 100_000])
METRICS = ("peak_rss_kib", "tickets_per_s", "cpu_s", "wall_s")
TARGET = 1.1  # RSS(1M) / RSS(100k) for talque (issue 5)


def run(repeat: int, quick: bool) -> dict[str, Any]:
    params = QUICK_PARAMS if quick else PARAMS
    runs: list[dict[str, Any]] = []
    for size in params["sizes"]:  # one server at a time: the 1M one holds ~1 GB
        with common.ServerProcess(
            tickets=size, latency_ms=params["latency_ms"], seed=params["seed"]
        ) as server:
            for rep in range(repeat):
                for client in CLIENTS if rep % 2 == 0 else CLIENTS[::-1]:
                    argv = sp.child_argv(
                        "list", client, server.url, "--limit", str(params["limit"])
                    )
                    out = common.run_child(argv, server.env)
                    if out["count"] != size:
                        raise AssertionError(f"{client} streamed {out['count']} of {size}")
                    runs.append(dict(out, repeat=rep, tickets=size))
    small, big = params["sizes"]
    summary = {
        str(size): common.summarize([r for r in runs if r["tickets"] == size], METRICS)
        for size in params["sizes"]
    }
    ratios = {
        c: round(
            summary[str(big)][c]["peak_rss_kib"]["median"]
            / summary[str(small)][c]["peak_rss_kib"]["median"],
            3,
        )
        for c in CLIENTS
    }
    return {
        "params": params,
        "repeat": repeat,
        "runs": runs,
        "summary": summary,
        "rss_ratio_big_over_small": ratios,
        "target": TARGET,
        "met": ratios["talque"] <= TARGET,
    }


def report(result: dict[str, Any]) -> str:
    p, s = result["params"], result["summary"]
    small, big = p["sizes"]
    title = (
        f"{NAME}: stream all tickets, page size {p['limit']}, {result['repeat']} repeat(s); "
        "peak RSS (VmHWM) of the whole child, median [min-max]"
    )
    rows = (
        [
            sp.PEER_LABEL[c],
            common.fmt_spread(s[str(small)][c]["peak_rss_kib"], 1 / 1024, 1),
            common.fmt_spread(s[str(big)][c]["peak_rss_kib"], 1 / 1024, 1),
            f"{result['rss_ratio_big_over_small'][c]:.3f}x",
            common.fmt_spread(s[str(big)][c]["tickets_per_s"]),
        ]
        for c in CLIENTS
    )
    table = common.format_table(
        ["client", f"RSS MiB {small:,}", f"RSS MiB {big:,}", "ratio", f"tickets/s {big:,}"], rows
    )
    verdict = "met" if result["met"] else "MISSED"
    return f"{title}\n{table}\ntalque ratio target <= {result['target']}x: {verdict}"
