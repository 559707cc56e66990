"""Scenario "read": look up 10,000 ids of one provider in batches of 100, server latency
20 ms: talque's ``client.read`` (bounded concurrent batches, its default concurrency)
against sequential httpx+orjson and requests+json peers (one batch after another).

Verified once: all three return equal ``{id: result}`` maps (a digest of the whole map).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import common
import sync_peers as sp

NAME = "read"
PARAMS: dict[str, Any] = {
    "ids": 10_000,
    "batch": 100,
    "latency_ms": 20,
    "tickets": 30_000,
    "seed": 0,
    "provider": "pretix",
}
QUICK_PARAMS = dict(PARAMS, ids=1_000, tickets=5_000)
METRICS = ("ids_per_s", "wall_s", "cpu_s", "peak_rss_kib")
TARGET = 5.0  # talque / sequential peer (issue 5)


def _ids(params: dict[str, Any]) -> list[str]:
    from talque.testing import FakeServer

    # Same seed and count as the server process: the same tickets.
    with FakeServer(tickets=params["tickets"], seed=params["seed"]) as twin:
        ids = [t["ticketId"] for t in twin.tickets() if t["provider"] == params["provider"]]
    if len(ids) < params["ids"]:
        raise RuntimeError(f"only {len(ids)} {params['provider']} tickets; raise 'tickets'")
    return ids[: params["ids"]]


def run(repeat: int, quick: bool) -> dict[str, Any]:
    params = QUICK_PARAMS if quick else PARAMS
    ids = _ids(params)
    with (
        tempfile.TemporaryDirectory(prefix="talque-bench-") as tmp,
        common.ServerProcess.for_params(params) as server,
    ):
        ids_file = os.path.join(tmp, "ids.json")
        Path(ids_file).write_text(json.dumps(ids))

        def argv(client: str, *extra: str) -> list[str]:
            return sp.child_argv(
                "read",
                client,
                server.url,
                "--ids",
                ids_file,
                "--batch",
                str(params["batch"]),
                "--provider",
                params["provider"],
                *extra,
            )

        outs = {c: common.run_child(argv(c, "--verify"), server.env) for c in sp.CLIENTS}
        sp.verify_same(outs, ("count", "found", "digest"))
        if outs["talque"]["found"] != len(ids):
            raise AssertionError(f"found {outs['talque']['found']} of {len(ids)}")
        runs = sp.run_alternating(repeat, argv, server.env, {})
    summary = common.summarize(runs, METRICS)
    med = {c: summary[c]["ids_per_s"]["median"] for c in sp.CLIENTS}
    ratio = round(med["talque"] / med["httpx"], 3)
    return {
        "params": params,
        "repeat": repeat,
        "verified_equal_results": True,
        "peers": sp.PEER_LABEL,
        "runs": runs,
        "summary": summary,
        "ratio_talque_over_httpx": ratio,
        "ratio_talque_over_requests": round(med["talque"] / med["requests"], 3),
        "target": TARGET,
        "met": ratio >= TARGET,
    }


def report(result: dict[str, Any]) -> str:
    p, s = result["params"], result["summary"]
    title = (
        f"{NAME}: {p['ids']:,} ids in batches of {p['batch']}, server latency "
        f"{p['latency_ms']} ms, {result['repeat']} repeat(s); median [min-max]"
    )
    rows = (
        [
            sp.PEER_LABEL[c] + ("" if c == "talque" else " (sequential)"),
            common.fmt_spread(s[c]["ids_per_s"]),
            common.fmt_spread(s[c]["wall_s"], digits=3),
            common.fmt_spread(s[c]["cpu_s"], digits=2),
            common.fmt_spread(s[c]["peak_rss_kib"], 1 / 1024, 1),
        ]
        for c in sp.CLIENTS
    )
    table = common.format_table(["client", "ids/s", "wall s", "CPU s", "peak RSS MiB"], rows)
    verdict = "met" if result["met"] else "MISSED"
    return (
        f"{title}\n{table}\ntalque/httpx+orjson {result['ratio_talque_over_httpx']:.2f}x, "
        f"talque/requests+json {result['ratio_talque_over_requests']:.2f}x "
        f"(target >= {result['target']}x: {verdict}; results verified equal)"
    )
