"""Scenario "import-and-decode": ``import talque`` time against ``import httpx`` and
``import requests`` (each in a fresh interpreter, ``perf_counter`` around the import),
and the per-ticket cost of one big page: ``talque.TalqueClient.list`` of an organization of
1,000 tickets at page size 1,000 (one request: fetch, the core's shape check off the GIL, then
jiter) against ``httpx`` + ``orjson.loads`` posting the same request, both reusing one client
against the fake server in its own process at 0 ms on loopback. The loopback fetch is part of
both figures; the shipped module has no decode-only entry point (an earlier version of this
scenario timed one, ``decode_list_page``, which was removed from the extension).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import common
import sync_peers as sp

NAME = "import-and-decode"
MODULES = ("talque", "httpx", "requests")
PARAMS: dict[str, Any] = {
    "imports": 20,
    "page_tickets": 1000,
    "batches": 30,
    "calls_per_batch": 20,
    "seed": 0,
}
QUICK_PARAMS = dict(PARAMS, imports=3, batches=5, calls_per_batch=5)
PAGE_CLIENTS = ("talque", "httpx")
TARGETS = {"import_talque_over_httpx": 0.5, "page_talque_over_httpx": 1.3}
IMPORT_CODE = (
    "import time, json; t = time.perf_counter(); import {m}; "
    "print(json.dumps({{'module': '{m}', 'import_ms': (time.perf_counter() - t) * 1e3}}))"
)


def _page_fetchers(url: str, limit: int) -> dict[str, Callable[[], int]]:
    """One reused client per side; each call lists the one page and returns its ticket count."""
    import httpx
    import orjson

    import talque

    client = talque.TalqueClient(base_url=url)
    peer = httpx.Client(base_url=url, headers=sp._headers(), timeout=30.0)
    body = orjson.dumps({"orgId": common.ORG_ID, "limit": limit, "cursor": None})

    def page_talque() -> int:
        return sum(1 for _ in client.list(common.ORG_ID, limit=limit))

    def page_httpx() -> int:
        response = peer.post(sp.LIST_PATH, content=body)
        response.raise_for_status()
        return len(orjson.loads(response.content)["tickets"])

    return {"talque": page_talque, "httpx": page_httpx}


def child_main(argv: list[str]) -> int:
    """List the same one-page organization with both clients in alternating batches; the
    median per ticket."""
    parser = argparse.ArgumentParser(description="One measured page run.")
    parser.add_argument("--url", required=True)
    parser.add_argument("--limit", type=int, required=True)
    parser.add_argument("--batches", type=int, required=True)
    parser.add_argument("--calls", type=int, required=True)
    args = parser.parse_args(argv)
    fns = _page_fetchers(args.url, args.limit)
    counts = {name: fn() for name, fn in fns.items()}
    if len(set(counts.values())) != 1:
        raise AssertionError(f"the clients listed different ticket counts: {counts}")
    n = counts["talque"]
    per_ticket: dict[str, list[float]] = {d: [] for d in PAGE_CLIENTS}
    for i in range(args.batches):
        for name in PAGE_CLIENTS if i % 2 == 0 else PAGE_CLIENTS[::-1]:
            fn = fns[name]
            start = time.perf_counter()
            for _ in range(args.calls):
                fn()
            per_ticket[name].append((time.perf_counter() - start) / (args.calls * n) * 1e9)
    common.emit({f"{d}_ns_per_ticket": statistics.median(per_ticket[d]) for d in PAGE_CLIENTS})
    return 0


def run(repeat: int, quick: bool) -> dict[str, Any]:
    params = QUICK_PARAMS if quick else PARAMS
    import_runs = []
    for i in range(params["imports"]):
        k = i % len(MODULES)
        for m in MODULES[k:] + MODULES[:k]:
            import_runs.append(common.run_child(["-c", IMPORT_CODE.format(m=m)]))
    imports = common.summarize(import_runs, ("import_ms",), by="module")
    page_runs = []
    with common.ServerProcess(
        tickets=params["page_tickets"], latency_ms=0, seed=params["seed"]
    ) as server:
        for rep in range(repeat):
            argv = [
                str(Path(__file__).resolve()),
                "--url",
                server.url,
                "--limit",
                str(params["page_tickets"]),
                "--batches",
                str(params["batches"]),
                "--calls",
                str(params["calls_per_batch"]),
            ]
            page_runs.append(dict(common.run_child(argv, server.env), repeat=rep))
    page = {
        f"{d}_ns_per_ticket": common.spread([r[f"{d}_ns_per_ticket"] for r in page_runs])
        for d in PAGE_CLIENTS
    }
    ratios = {
        "import_talque_over_httpx": round(
            imports["talque"]["import_ms"]["median"] / imports["httpx"]["import_ms"]["median"], 3
        ),
        "page_talque_over_httpx": round(
            page["talque_ns_per_ticket"]["median"] / page["httpx_ns_per_ticket"]["median"], 3
        ),
    }
    met = {
        "import_talque_over_httpx": ratios["import_talque_over_httpx"] <= 0.5,
        "page_talque_over_httpx": ratios["page_talque_over_httpx"] <= 1.3,
    }
    return {
        "params": params,
        "repeat": repeat,
        "import_runs": import_runs,
        "imports": imports,
        "page_runs": page_runs,
        "page": page,
        "ratios": ratios,
        "targets": TARGETS,
        "met": met,
    }


def report(result: dict[str, Any]) -> str:
    p, r, met = result["params"], result["ratios"], result["met"]
    rows = [
        [f"import {m}", common.fmt_spread(result["imports"][m]["import_ms"], digits=1) + " ms"]
        for m in MODULES
    ] + [
        [
            f"one page, {sp.PEER_LABEL[d]}",
            common.fmt_spread(result["page"][f"{d}_ns_per_ticket"]) + " ns/ticket",
        ]
        for d in PAGE_CLIENTS
    ]
    table = common.format_table(["what", "median [min-max]"], iter(rows))

    def verdict(key: str) -> str:
        return "met" if met[key] else "MISSED"

    return (
        f"{NAME}: {p['imports']} fresh interpreters per module; one "
        f"{p['page_tickets']:,}-ticket page listed at 0 ms on loopback, "
        f"{result['repeat']} child(ren) x {p['batches']} batches x {p['calls_per_batch']} calls\n"
        f"{table}\n"
        f"import talque/httpx {r['import_talque_over_httpx']:.2f}x (target <= 0.5x: "
        f"{verdict('import_talque_over_httpx')}); one page talque/httpx+orjson "
        f"{r['page_talque_over_httpx']:.2f}x (target <= 1.3x: "
        f"{verdict('page_talque_over_httpx')})"
    )


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
