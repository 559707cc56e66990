"""``make bench``: runs the benchmark scenarios, prints a table per scenario and saves JSON.

    .venv/bin/python bench/run.py                         # every scenario, 5 repeats
    .venv/bin/python bench/run.py --scenario async-read --repeat 3
    .venv/bin/python bench/run.py --quick                 # a short smoke run (< 60 s)

A scenario is a module with ``NAME``, ``run(repeat, quick) -> dict`` (JSON-ready) and
``report(result) -> str`` (the printed table); add new ones to ``SCENARIOS``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import async_read
import common
import dlt_load
import export_jsonl
import frames
import import_decode
import list_pages
import network
import read_ids
import stream_rss

SCENARIOS = {
    module.NAME: module
    for module in (
        network,
        list_pages,
        read_ids,
        stream_rss,
        import_decode,
        async_read,
        export_jsonl,
        frames,
        dlt_load,
    )
}
RESULTS_DIR = common.BENCH_DIR / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scenario",
        action="append",
        choices=sorted(SCENARIOS),
        help="run only this scenario (repeatable; default: all)",
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="repetitions per scenario (default 5, --quick 1)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="where to save results (default bench/results/latest.json, --quick: quick.json)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller workloads, one repeat: a smoke run"
    )
    args = parser.parse_args(argv)
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 5)
    if repeat < 1:
        parser.error("--repeat must be at least 1")
    json_path = args.json or RESULTS_DIR / ("quick.json" if args.quick else "latest.json")

    machine = common.machine_info()
    print(
        f"machine: {machine['cpu_count']} CPUs, {machine['implementation']} {machine['python']}, "
        f"{machine['platform']}; talque {machine['packages']['talque']}, "
        f"httpx {machine['packages']['httpx']}, orjson {machine['packages']['orjson']}"
    )
    results: dict[str, Any] = {
        "machine": machine,
        "command": " ".join(["bench/run.py", *(argv or sys.argv[1:])]),
        "quick": args.quick,
        "scenarios": {},
    }
    for name in args.scenario or list(SCENARIOS):
        module = SCENARIOS[name]
        started = time.perf_counter()
        result = module.run(repeat=repeat, quick=args.quick)
        result["elapsed_s"] = round(time.perf_counter() - started, 2)
        results["scenarios"][name] = result
        print(f"\n{module.report(result)}\n({name} took {result['elapsed_s']:.1f} s)")
    # Other work on the machine skews every number; the load averages say how much there was.
    machine["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"\nload average: {machine['loadavg_start']} at start, {machine['loadavg_end']} at end")
    common.write_json(json_path, results)
    print(f"\nsaved {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
