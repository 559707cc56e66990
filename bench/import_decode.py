"""Scenario "import-and-decode": ``import talque`` time against ``import httpx`` and
``import requests`` (each in a fresh interpreter, ``perf_counter`` around the import),
and the per-ticket decode cost with no network: ``talque._talque.decode_list_page(raw)``
(the client's own decode: core shape check off the GIL, then jiter) against
``orjson.loads(raw)`` on the same 1,000-ticket page bytes, fetched once from the fake.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.request
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
DECODERS = ("talque", "orjson")
TARGETS = {"import_talque_over_httpx": 0.5, "decode_talque_over_orjson": 1.3}
IMPORT_CODE = (
    "import time, json; t = time.perf_counter(); import {m}; "
    "print(json.dumps({{'module': '{m}', 'import_ms': (time.perf_counter() - t) * 1e3}}))"
)


def child_main(argv: list[str]) -> int:
    """Decode the same page with both decoders in alternating batches; median per ticket."""
    parser = argparse.ArgumentParser(description="One measured decode run.")
    parser.add_argument("--raw", required=True)
    parser.add_argument("--batches", type=int, required=True)
    parser.add_argument("--calls", type=int, required=True)
    args = parser.parse_args(argv)
    import orjson

    from talque._talque import decode_list_page

    raw = Path(args.raw).read_bytes()
    a, b = decode_list_page(raw), orjson.loads(raw)
    if a != b:
        raise AssertionError("decode_list_page and orjson.loads disagree")
    n = len(b["tickets"])
    fns = {"talque": decode_list_page, "orjson": orjson.loads}
    per_ticket: dict[str, list[float]] = {d: [] for d in DECODERS}
    for i in range(args.batches):
        for name in DECODERS if i % 2 == 0 else DECODERS[::-1]:
            fn = fns[name]
            start = time.perf_counter()
            for _ in range(args.calls):
                fn(raw)
            per_ticket[name].append((time.perf_counter() - start) / (args.calls * n) * 1e9)
    common.emit({f"{d}_ns_per_ticket": statistics.median(per_ticket[d]) for d in DECODERS})
    return 0


def _fetch_page(params: dict[str, Any], path: str) -> None:
    with common.ServerProcess(
        tickets=params["page_tickets"], latency_ms=0, seed=params["seed"]
    ) as server:
        request = urllib.request.Request(
            server.url + sp.LIST_PATH,
            data=f'{{"orgId":"{sp.ORG_ID}","limit":{params["page_tickets"]}}}'.encode(),
            headers={
                "X-TQ-CLIENT-ID": server.env["TALQUE_CLIENT_ID"],
                "X-TQ-SECRET": server.env["TALQUE_SECRET"],
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            Path(path).write_bytes(response.read())


def run(repeat: int, quick: bool) -> dict[str, Any]:
    params = QUICK_PARAMS if quick else PARAMS
    import_runs = []
    for i in range(params["imports"]):
        k = i % len(MODULES)
        for m in MODULES[k:] + MODULES[:k]:
            import_runs.append(common.run_child(["-c", IMPORT_CODE.format(m=m)]))
    imports = common.summarize(import_runs, ("import_ms",), by="module")
    decode_runs = []
    with tempfile.TemporaryDirectory(prefix="talque-bench-") as tmp:
        raw = os.path.join(tmp, "page.json")
        _fetch_page(params, raw)
        page_bytes = os.path.getsize(raw)
        for rep in range(repeat):
            argv = [
                str(Path(__file__).resolve()),
                "--raw",
                raw,
                "--batches",
                str(params["batches"]),
                "--calls",
                str(params["calls_per_batch"]),
            ]
            decode_runs.append(dict(common.run_child(argv), repeat=rep))
    decode = {
        f"{d}_ns_per_ticket": common.spread([r[f"{d}_ns_per_ticket"] for r in decode_runs])
        for d in DECODERS
    }
    ratios = {
        "import_talque_over_httpx": round(
            imports["talque"]["import_ms"]["median"] / imports["httpx"]["import_ms"]["median"], 3
        ),
        "decode_talque_over_orjson": round(
            decode["talque_ns_per_ticket"]["median"] / decode["orjson_ns_per_ticket"]["median"], 3
        ),
    }
    met = {
        "import_talque_over_httpx": ratios["import_talque_over_httpx"] <= 0.5,
        "decode_talque_over_orjson": ratios["decode_talque_over_orjson"] <= 1.3,
    }
    return {
        "params": params,
        "repeat": repeat,
        "page_bytes": page_bytes,
        "import_runs": import_runs,
        "imports": imports,
        "decode_runs": decode_runs,
        "decode": decode,
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
            f"decode_list_page ({d})" if d == "talque" else "orjson.loads",
            common.fmt_spread(result["decode"][f"{d}_ns_per_ticket"]) + " ns/ticket",
        ]
        for d in DECODERS
    ]
    table = common.format_table(["what", "median [min-max]"], iter(rows))

    def verdict(key: str) -> str:
        return "met" if met[key] else "MISSED"

    return (
        f"{NAME}: {p['imports']} fresh interpreters per module; decode of one "
        f"{p['page_tickets']:,}-ticket page ({result['page_bytes']:,} bytes), "
        f"{result['repeat']} child(ren) x {p['batches']} batches x {p['calls_per_batch']} calls\n"
        f"{table}\n"
        f"import talque/httpx {r['import_talque_over_httpx']:.2f}x (target <= 0.5x: "
        f"{verdict('import_talque_over_httpx')}); decode talque/orjson "
        f"{r['decode_talque_over_orjson']:.2f}x (target <= 1.3x: "
        f"{verdict('decode_talque_over_orjson')})"
    )


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
