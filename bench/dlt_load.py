"""Scenario "dlt": load every ticket of a 100,000-ticket org into DuckDB with dlt.

Two ways, each in a fresh process with a fresh pipeline and DuckDB file, against the same fake
server (page size 1,000, 0 ms), merged on ``orgTicketId``:
- ``talque``: ``talque.dlt.talque_source`` (Arrow pages from the Rust client);
- ``rest_api``: dlt's own generic ``rest_api`` source configured for the same API: POST to
  ``/api/v1/ticket/list`` with the cursor in the JSON body (``JSONResponseCursorPaginator``
  with ``cursor_body_path``), the tickets under ``tickets``; dlt normalizes the dicts itself.

dlt is not in .venv (``make lint`` type-checks without it): ``make bench`` installs
requirements-dlt.txt into bench/.dlt-site, which only these children put on ``PYTHONPATH``.
Reports tickets/s, wall, CPU and peak RSS per way, medians over the repeats, and the ratio.

    python bench/dlt_load.py --way talque|rest_api --url U --dir D   (one measured child)
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

NAME = "dlt"
WAYS = ("talque", "rest_api")
LABEL = {"talque": "talque_source (Arrow pages)", "rest_api": "dlt rest_api source"}
PARAMS: dict[str, Any] = {"tickets": 100_000, "limit": 1000, "latency_ms": 0, "seed": 0}
QUICK_PARAMS = dict(PARAMS, tickets=10_000)
METRICS = common.THROUGHPUT_METRICS
SITE = common.BENCH_DIR / ".dlt-site"
# The rest_api source needs minutes for 100,000 tickets on a busy 2-core machine.
CHILD_TIMEOUT_S = 1200.0


def talque_way(limit: int) -> Any:
    from talque.dlt import talque_source

    return talque_source(
        common.ORG_ID,
        client_id=os.environ["TALQUE_CLIENT_ID"],
        secret=os.environ["TALQUE_SECRET"],
        base_url=os.environ["TALQUE_BASE_URL"],
        limit=limit,
    )


def rest_api_way(limit: int) -> Any:
    from dlt.sources.rest_api import rest_api_source

    return rest_api_source(
        {
            "client": {
                "base_url": os.environ["TALQUE_BASE_URL"],
                "headers": {
                    "X-TQ-CLIENT-ID": os.environ["TALQUE_CLIENT_ID"],
                    "X-TQ-SECRET": os.environ["TALQUE_SECRET"],
                },
                # The next cursor is the answer's `cursor`; it goes back in the body's `cursor`.
                # The last page has `cursor: null`, which ends the listing.
                "paginator": {
                    "type": "cursor",
                    "cursor_path": "cursor",
                    "cursor_body_path": "cursor",
                },
            },
            "resources": [
                {
                    "name": "tickets",
                    "primary_key": "orgTicketId",
                    "write_disposition": "merge",
                    "endpoint": {
                        "path": "api/v1/ticket/list",
                        "method": "POST",
                        "json": {"orgId": common.ORG_ID, "limit": limit},
                        "data_selector": "tickets",
                    },
                }
            ],
        },
        name="talque_rest",
    )


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="One measured dlt load.")
    parser.add_argument("--way", choices=WAYS, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args(argv)
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    import dlt

    start = time.perf_counter()
    source = (talque_way if args.way == "talque" else rest_api_way)(args.limit)
    pipeline = dlt.pipeline(
        pipeline_name=f"bench_{args.way}",
        pipelines_dir=str(args.dir / "pipelines"),
        destination=dlt.destinations.duckdb(str(args.dir / f"bench_{args.way}.duckdb")),
        dataset_name="talque",
    )
    pipeline.run(source)
    wall = time.perf_counter() - start
    with pipeline.sql_client() as client:
        [(count, distinct)] = client.execute_sql(
            "SELECT count(*), count(DISTINCT org_ticket_id) FROM tickets"
        )
    common.emit(
        {
            "way": args.way,
            "count": count,
            "distinct": distinct,
            "tickets_per_s": round(count / wall, 1),
            "wall_s": round(wall, 4),
            **common.process_usage(),
        }
    )
    return 0


def run(repeat: int, quick: bool) -> dict[str, Any]:
    if not SITE.is_dir():
        raise RuntimeError(f"{SITE} is missing: `make bench` installs requirements-dlt.txt there")
    params = QUICK_PARAMS if quick else PARAMS
    runs: list[dict[str, Any]] = []
    with common.ServerProcess.for_params(params) as server:
        env = dict(server.env, PYTHONPATH=str(SITE))
        for rep in range(repeat):
            for way in WAYS if rep % 2 == 0 else WAYS[::-1]:
                with tempfile.TemporaryDirectory(prefix="talque-bench-dlt-") as tmp:
                    argv = [
                        str(Path(__file__).resolve()),
                        *("--way", way, "--dir", tmp, "--limit", str(params["limit"])),
                    ]
                    out = common.run_child(argv, env, timeout=CHILD_TIMEOUT_S)
                if out["count"] != params["tickets"] or out["distinct"] != params["tickets"]:
                    raise AssertionError(f"{way} loaded {out['count']} rows ({out['distinct']})")
                runs.append(dict(out, repeat=rep))
    summary = common.summarize(runs, METRICS, by="way")
    return {
        "params": params,
        "repeat": repeat,
        "runs": runs,
        "summary": summary,
        "ratio_speed_talque_over_rest_api": common.median_ratio(
            summary, "talque", "rest_api", "tickets_per_s"
        ),
        "ratio_rss_talque_over_rest_api": common.median_ratio(
            summary, "talque", "rest_api", "peak_rss_kib"
        ),
    }


def report(result: dict[str, Any]) -> str:
    p = result["params"]
    title = (
        f"{NAME}: {p['tickets']:,} tickets into DuckDB (merge), page {p['limit']:,}, "
        f"{p['latency_ms']} ms, {result['repeat']} repeat(s); median [min-max]"
    )
    table = common.throughput_table(result["summary"], WAYS, LABEL)
    return (
        f"{title}\n{table}\n"
        f"talque / rest_api: {result['ratio_speed_talque_over_rest_api']:.2f}x tickets/s, "
        f"{result['ratio_rss_talque_over_rest_api']:.2f}x peak RSS"
    )


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
