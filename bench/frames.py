"""Scenario "frames": tickets into DataFrames and Parquet, each way in a fresh process.

Against one fake server (page size 1,000, 0 ms, loopback):
- ``to_arrow``: ``client.list(org).to_arrow()``, fetching included (Arrow built in Rust);
- ``read_json``: ``pyarrow.json.read_json`` of the same tickets as JSON Lines already in
  memory, with an explicit schema (talque's, timestamps read as int64): no fetching at all;
- ``to_pandas``: ``client.list(org).to_pandas()``;
- ``json_normalize``: httpx + orjson paging loop, then ``pd.json_normalize`` of every ticket;
- ``parquet``: ``client.export(org, FILE, format="parquet")`` (written by the Rust core);
- ``parquet_pyarrow``: the pyarrow path as before this change, minus its part files: each
  page's dicts (``extData`` as ``json.dumps`` text) to a record batch with the schema
  (``pa.RecordBatch.from_pylist``), written with one ``pyarrow.parquet.ParquetWriter``.

The frame ways list ``tickets`` tickets, the Parquet ways ``parquet_tickets`` (a second fake
server). Reports wall seconds, peak RSS and, for ``to_arrow``, peak RSS over the bytes of
JSON received; medians over the repeats, and the ratios the README quotes.

    python bench/frames.py --way WAY --url U [--jsonl FILE] [--out FILE]   (one child)
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

NAME = "frames"
FRAME_WAYS = ("to_arrow", "read_json", "to_pandas", "json_normalize")
PARQUET_WAYS = ("parquet", "parquet_pyarrow")
PARAMS: dict[str, Any] = {
    "tickets": 100_000,
    "parquet_tickets": 1_000_000,
    "limit": 1000,
    "latency_ms": 0,
    "seed": 0,
}
QUICK_PARAMS = dict(PARAMS, tickets=20_000, parquet_tickets=50_000)
METRICS = ("wall_s", "cpu_s", "peak_rss_kib", "base_rss_kib", "json_bytes")


def _pages(url: str, limit: int, env: Any = os.environ) -> Any:
    """Every list page body, over httpx (the peers' HTTP client); credentials from ``env``."""
    import httpx

    headers = {
        "X-TQ-CLIENT-ID": env["TALQUE_CLIENT_ID"],
        "X-TQ-SECRET": env["TALQUE_SECRET"],
    }
    cursor = None
    with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
        while True:
            body: dict[str, Any] = {"orgId": common.ORG_ID, "limit": limit}
            if cursor:
                body["cursor"] = cursor
            answer = http.post("/api/v1/ticket/list", json=body)
            answer.raise_for_status()
            yield answer.content
            import orjson

            page = orjson.loads(answer.content)
            cursor = page.get("cursor")
            if not page.get("more") or not cursor:
                return


def _json_schema() -> Any:
    """talque's schema with int64 where it has timestamps: pyarrow's JSON reader cannot read
    epoch milliseconds into timestamps, so the peer reads them as integers."""
    import pyarrow as pa

    from talque._frames import ticket_schema

    def plain(arrow_type: Any) -> Any:
        if pa.types.is_timestamp(arrow_type):
            return pa.int64()
        if pa.types.is_list(arrow_type):
            return pa.list_(plain(arrow_type.value_type))
        return arrow_type

    fields = [pa.field(f.name, plain(f.type)) for f in ticket_schema() if f.name != "extData"]
    return pa.schema(fields)


def _json_text(ticket: dict[str, Any]) -> str | None:
    """extData as the old pyarrow path made it: compact JSON text, or None when absent."""
    import json

    if "extData" not in ticket:
        return None
    return json.dumps(ticket["extData"], ensure_ascii=False, separators=(",", ":"))


def _rss_kib() -> int:
    """This process's resident set size now, in KiB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/status") as status:
            return next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
    except OSError:
        return 0


def measure(args: argparse.Namespace) -> dict[str, Any]:
    import talque

    count, json_bytes = 0, 0
    if args.way == "read_json":
        import io

        import pyarrow.json as pj

        data = args.jsonl.read_bytes()
        schema = _json_schema()
        base_rss, start = _rss_kib(), time.perf_counter()
        options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
        count = pj.read_json(io.BytesIO(data), parse_options=options).num_rows
    elif args.way == "json_normalize":
        import orjson
        import pandas as pd

        base_rss, start = _rss_kib(), time.perf_counter()
        tickets: list[Any] = []
        for body in _pages(args.url, args.limit):
            json_bytes += len(body)
            tickets.extend(orjson.loads(body)["tickets"])
        count = len(pd.json_normalize(tickets))
    elif args.way == "parquet_pyarrow":
        import pyarrow as pa
        import pyarrow.parquet as pq

        from talque._frames import ticket_schema

        schema = ticket_schema()
        base_rss, start = _rss_kib(), time.perf_counter()
        with talque.TalqueClient(base_url=args.url) as client:
            with pq.ParquetWriter(args.out, schema) as writer:
                for page in client.list(common.ORG_ID, limit=args.limit).pages():
                    rows = [dict(t, extData=_json_text(t)) for t in page["tickets"]]
                    writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
                    count += len(rows)
    else:
        if args.way == "to_pandas":
            import pandas  # noqa: F401 (imported before the clock starts, as for the peers)
        if args.way in ("to_arrow", "to_pandas"):
            import pyarrow  # noqa: F401
        base_rss, start = _rss_kib(), time.perf_counter()
        with talque.TalqueClient(base_url=args.url) as client:
            if args.way == "parquet":
                out = client.export(common.ORG_ID, args.out, format="parquet", limit=args.limit)
                count = out.tickets
            else:
                frame = getattr(client.list(common.ORG_ID, limit=args.limit), args.way)()
                count = len(frame)
    wall = time.perf_counter() - start
    if args.jsonl is not None and args.way == "to_arrow":
        json_bytes = args.jsonl.stat().st_size
    return {
        "way": args.way,
        "count": count,
        "wall_s": round(wall, 4),
        "json_bytes": json_bytes,
        "base_rss_kib": base_rss,
    }


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="One measured conversion.")
    parser.add_argument("--way", choices=FRAME_WAYS + PARQUET_WAYS, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--jsonl", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    common.emit({**measure(args), **common.process_usage()})
    return 0


def _dump_jsonl(url: str, limit: int, path: Path, env: dict[str, str]) -> int:
    """The server's tickets as JSON Lines (what the read_json peer reads from memory), and
    the bytes of the list bodies that carried them."""
    import orjson

    received = 0
    with open(path, "wb") as file:
        for body in _pages(url, limit, env):
            received += len(body)
            for ticket in orjson.loads(body)["tickets"]:
                file.write(orjson.dumps(ticket) + b"\n")
    return received


def _run_ways(
    ways: tuple[str, ...], tickets: int, params: dict[str, Any], repeat: int, tmp: Path
) -> tuple[list[dict[str, Any]], int]:
    runs: list[dict[str, Any]] = []
    with common.ServerProcess(
        tickets=tickets, latency_ms=params["latency_ms"], seed=params["seed"]
    ) as server:
        jsonl = tmp / "tickets.jsonl"
        # Only the frame ways compare with the JSON bytes (and read_json reads the file).
        received = (
            0
            if ways == PARQUET_WAYS
            else _dump_jsonl(server.url, params["limit"], jsonl, server.env)
        )
        for rep in range(repeat):
            for way in ways if rep % 2 == 0 else ways[::-1]:
                argv = [
                    str(Path(__file__).resolve()),
                    *("--way", way, "--url", server.url, "--limit", str(params["limit"])),
                    *("--jsonl", str(jsonl), "--out", str(tmp / f"{way}.parquet")),
                ]
                out = common.run_child(argv, server.env)
                if out["count"] != tickets:
                    raise AssertionError(f"{way} converted {out['count']} tickets")
                runs.append(dict(out, repeat=rep, json_bytes=out["json_bytes"] or received))
    return runs, received


def run(repeat: int, quick: bool) -> dict[str, Any]:
    params = QUICK_PARAMS if quick else PARAMS
    with tempfile.TemporaryDirectory(prefix="talque-bench-") as tmp:
        frames, received = _run_ways(FRAME_WAYS, params["tickets"], params, repeat, Path(tmp))
        parquet, _ = _run_ways(PARQUET_WAYS, params["parquet_tickets"], params, repeat, Path(tmp))
    summary = common.summarize(frames + parquet, METRICS, by="way")

    def med(way: str, metric: str = "wall_s") -> float:
        return float(summary[way][metric]["median"])

    return {
        "params": params,
        "repeat": repeat,
        "runs": frames + parquet,
        "summary": summary,
        "json_bytes": received,
        "ratio_read_json_over_to_arrow": round(med("read_json") / med("to_arrow"), 3),
        "ratio_json_normalize_over_to_pandas": round(med("json_normalize") / med("to_pandas"), 3),
        "ratio_to_arrow_rss_over_json": round(med("to_arrow", "peak_rss_kib") * 1024 / received, 3),
        # What the conversion added to the process: peak RSS minus the RSS once the
        # interpreter, talque and pyarrow were loaded (just before the clock started).
        "ratio_to_arrow_added_rss_over_json": round(
            (med("to_arrow", "peak_rss_kib") - med("to_arrow", "base_rss_kib")) * 1024 / received,
            3,
        ),
        "ratio_parquet_pyarrow_over_parquet": round(med("parquet_pyarrow") / med("parquet"), 3),
    }


def report(result: dict[str, Any]) -> str:
    p = result["params"]
    s = result["summary"]
    title = (
        f"{NAME}: {p['tickets']:,} tickets (Parquet: {p['parquet_tickets']:,}), page "
        f"{p['limit']:,}, {p['latency_ms']} ms, {result['repeat']} repeat(s); median [min-max]"
    )
    rows = (
        [
            way,
            common.fmt_spread(s[way]["wall_s"], digits=2),
            common.fmt_spread(s[way]["cpu_s"], digits=2),
            common.fmt_spread(s[way]["peak_rss_kib"], 1 / 1024, 1),
        ]
        for way in FRAME_WAYS + PARQUET_WAYS
    )
    table = common.format_table(["way", "wall s", "CPU s", "peak RSS MiB"], rows)
    return (
        f"{title}\n{table}\n"
        f"read_json / to_arrow: {result['ratio_read_json_over_to_arrow']:.2f}x; "
        f"json_normalize / to_pandas: {result['ratio_json_normalize_over_to_pandas']:.2f}x; "
        f"to_arrow peak RSS / JSON bytes ({result['json_bytes'] / 2**20:.1f} MiB): "
        f"{result['ratio_to_arrow_rss_over_json']:.2f}x "
        f"({result['ratio_to_arrow_added_rss_over_json']:.2f}x over the RSS before it); "
        f"parquet_pyarrow / parquet: {result['ratio_parquet_pyarrow_over_parquet']:.2f}x"
    )


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
