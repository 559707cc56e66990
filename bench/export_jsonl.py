"""Scenario "export": write every ticket of a 1,000,000-ticket org to a JSON Lines file.

Two ways, each in a fresh process against the same fake server (page size 1,000, 0 ms):
- ``cli``: ``talque list ORG --output FILE`` (run in-process via ``talque._cli.main``, the
  function the ``talque`` command calls): pages go from the network to the file inside the
  Rust core, no Python object per ticket, atomic rename at the end;
- ``loop``: what a careful engineer writes with the client: ``for ticket in client.list()``
  and ``file.write(orjson.dumps(ticket) + b"\\n")`` into a buffered file.

Both files are checked once to hold the same tickets in the same order (parsed line by line).
Reports tickets/s, peak RSS and CPU per way, medians over the repeats, and the ratio.

    python bench/export_jsonl.py --way cli|loop --url U --out FILE   (one measured child)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import common

NAME = "export"
WAYS = ("cli", "loop")
LABEL = {"cli": "talque list --output (Rust writer)", "loop": "client.list + orjson loop"}
PARAMS: dict[str, Any] = {"tickets": 1_000_000, "limit": 1000, "latency_ms": 0, "seed": 0}
QUICK_PARAMS = dict(PARAMS, tickets=50_000)
METRICS = common.THROUGHPUT_METRICS


def export_cli(url: str, out: Path, limit: int) -> None:
    from talque._cli import main

    argv = ["list", common.ORG_ID, "--base-url", url, "--page-size", str(limit)]
    argv += ["-o", str(out), "-q"]
    if main(argv) != 0:
        raise RuntimeError("talque list failed")


def export_loop(url: str, out: Path, limit: int) -> None:
    import orjson

    import talque

    with talque.TalqueClient(base_url=url) as client, open(out, "wb") as file:
        for ticket in client.list(common.ORG_ID, limit=limit):
            file.write(orjson.dumps(ticket) + b"\n")


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="One measured export.")
    parser.add_argument("--way", choices=WAYS, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    (export_cli if args.way == "cli" else export_loop)(args.url, args.out, args.limit)
    wall = time.perf_counter() - start
    with open(args.out, "rb") as file:
        count = sum(1 for _ in file)
    common.emit(
        {
            "way": args.way,
            "count": count,
            "tickets_per_s": round(count / wall, 1),
            "wall_s": round(wall, 4),
            "bytes": args.out.stat().st_size,
            **common.process_usage(),
        }
    )
    return 0


def _same_tickets(a: Path, b: Path) -> int:
    """Both files hold equal tickets in the same order; returns the count."""
    import orjson

    count = 0
    with open(a, "rb") as fa, open(b, "rb") as fb:
        for line_a, line_b in zip(fa, fb, strict=True):
            if orjson.loads(line_a) != orjson.loads(line_b):
                raise AssertionError(f"ticket {count} differs between the two exports")
            count += 1
    return count


def run(repeat: int, quick: bool) -> dict[str, Any]:
    params = QUICK_PARAMS if quick else PARAMS
    runs: list[dict[str, Any]] = []
    with (
        common.ServerProcess.for_params(params) as server,
        tempfile.TemporaryDirectory(prefix="talque-bench-") as tmp,
    ):
        outs = {way: Path(tmp) / f"{way}.jsonl" for way in WAYS}
        for rep in range(repeat):
            for way in WAYS if rep % 2 == 0 else WAYS[::-1]:
                argv = [
                    str(Path(__file__).resolve()),
                    *("--way", way, "--url", server.url, "--out", str(outs[way])),
                    *("--limit", str(params["limit"])),
                ]
                out = common.run_child(argv, server.env)
                if out["count"] != params["tickets"]:
                    raise AssertionError(f"{way} exported {out['count']} tickets")
                runs.append(dict(out, repeat=rep))
            if rep == 0:
                verified = _same_tickets(outs["cli"], outs["loop"])
        for path in outs.values():
            os.unlink(path)
    summary = common.summarize(runs, METRICS, by="way")
    return {
        "params": params,
        "repeat": repeat,
        "verified_tickets": verified,
        "runs": runs,
        "summary": summary,
        "ratio_speed_cli_over_loop": common.median_ratio(summary, "cli", "loop", "tickets_per_s"),
        "ratio_rss_cli_over_loop": common.median_ratio(summary, "cli", "loop", "peak_rss_kib"),
    }


def report(result: dict[str, Any]) -> str:
    p = result["params"]
    title = (
        f"{NAME}: {p['tickets']:,} tickets to JSON Lines, page {p['limit']:,}, "
        f"{p['latency_ms']} ms, {result['repeat']} repeat(s); median [min-max]"
    )
    table = common.throughput_table(result["summary"], WAYS, LABEL)
    return (
        f"{title}\n{table}\n"
        f"cli / loop: {result['ratio_speed_cli_over_loop']:.2f}x tickets/s, "
        f"{result['ratio_rss_cli_over_loop']:.2f}x peak RSS; "
        f"verified: both files hold the same {result['verified_tickets']:,} tickets in order"
    )


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
