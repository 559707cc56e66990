"""Scenario "async-read": 1,000 reads of 10 ids each at concurrency 50, 20 ms server latency.

talque's ``AsyncTalqueClient.read`` against an ``httpx.AsyncClient`` + orjson peer. The
parent side (:func:`run`) starts the fake server in its own process, writes the workload
to a file and runs each client in a fresh child (``python bench/async_read.py --client
talque|httpx ...``), alternating which goes first; the child prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import common

NAME = "async-read"
CLIENTS = ("talque", "httpx")
PEER_LABEL = {"talque": "talque", "httpx": "httpx+orjson"}
READ_PATH = "/api/v1/ticket/read"
PARAMS = {
    "reads": 1000,
    "ids_per_read": 10,
    "unknown_per_read": 3,
    "concurrency": 50,
    "latency_ms": 20,
    "tickets": 20000,
    "seed": 0,
    "provider": "pretix",
}
QUICK_PARAMS = dict(PARAMS, reads=200)
METRICS = ("wall_s", "reads_per_s", "cpu_s", "peak_rss_kib")

ReadFn = Callable[[list[str]], Awaitable[dict[str, Any]]]


# --- the two clients (child side) --------------------------------------------------------


async def _talque_session(
    url: str, work: dict[str, Any], body: Callable[[ReadFn], Awaitable[Any]]
) -> Any:
    import talque

    org_id, provider = work["org_id"], work["provider"]
    async with talque.AsyncTalqueClient(
        os.environ["TALQUE_CLIENT_ID"], os.environ["TALQUE_SECRET"], base_url=url
    ) as client:

        async def read(ids: list[str]) -> dict[str, Any]:
            return await client.read(org_id, provider, ids)

        return await body(read)


async def _httpx_session(
    url: str, work: dict[str, Any], body: Callable[[ReadFn], Awaitable[Any]]
) -> Any:
    # The peer a careful engineer writes: one client, a pool sized for the concurrency,
    # HTTP/1.1 keep-alive, orjson both ways, and an error on any non-2xx status.
    import httpx
    import orjson

    org_id, provider, concurrency = work["org_id"], work["provider"], work["concurrency"]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {
        "X-TQ-CLIENT-ID": os.environ["TALQUE_CLIENT_ID"],
        "X-TQ-SECRET": os.environ["TALQUE_SECRET"],
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=30.0
    ) as client:

        async def read(ids: list[str]) -> dict[str, Any]:
            payload = orjson.dumps({"orgId": org_id, "provider": provider, "ticketIdList": ids})
            response = await client.post(READ_PATH, content=payload)
            response.raise_for_status()
            result: dict[str, Any] = orjson.loads(response.content)["ticketById"]
            return result

        return await body(read)


SESSIONS = {"talque": _talque_session, "httpx": _httpx_session}


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="One measured run of the async-read scenario.")
    parser.add_argument("--client", choices=CLIENTS, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--workload", required=True, help="JSON file written by the parent")
    parser.add_argument("--dump", help="also write {id: result} here (the unmeasured verify run)")
    args = parser.parse_args(argv)
    work = json.loads(Path(args.workload).read_text())
    reads: list[list[str]] = work["reads"]
    timing: dict[str, float] = {}

    async def body(read: ReadFn) -> list[dict[str, Any]]:
        gate = asyncio.Semaphore(work["concurrency"])

        async def one(ids: list[str]) -> dict[str, Any]:
            async with gate:
                return await read(ids)

        start = time.perf_counter()
        results = await asyncio.gather(*(one(ids) for ids in reads))
        timing["wall_s"] = time.perf_counter() - start
        return results

    session = SESSIONS[args.client]
    results = asyncio.run(session(args.url, work, body))
    usage = common.process_usage()  # before anything else allocates
    found = sum(1 for result in results for value in result.values() if value["success"])
    if args.dump:
        merged = {key: value for result in results for key, value in result.items()}
        Path(args.dump).write_text(json.dumps(merged, sort_keys=True))
    common.emit(
        {
            "client": args.client,
            "reads": len(reads),
            "found": found,
            "wall_s": round(timing["wall_s"], 4),
            "reads_per_s": round(len(reads) / timing["wall_s"], 1),
            **usage,
        }
    )
    return 0


# --- the scenario (parent side) ----------------------------------------------------------


def make_workload(params: dict[str, Any]) -> dict[str, Any]:
    """Reads of known ids of one provider mixed with unknown ones; no id appears twice."""
    from talque.testing import FakeServer

    # The same seed and ticket count give the same tickets as the server process serves.
    with FakeServer(tickets=params["tickets"], seed=params["seed"]) as twin:
        org_id = twin.org_id
        known = [t["ticketId"] for t in twin.tickets() if t["provider"] == params["provider"]]
    n_known = params["ids_per_read"] - params["unknown_per_read"]
    rng = random.Random(params["seed"])
    picked = rng.sample(known, n_known * params["reads"])
    reads = []
    for i in range(params["reads"]):
        ids = picked[i * n_known : (i + 1) * n_known]
        ids += [f"UNKNOWN{i:05d}x{j}" for j in range(params["unknown_per_read"])]
        rng.shuffle(ids)
        reads.append(ids)
    return {
        "org_id": org_id,
        "provider": params["provider"],
        "concurrency": params["concurrency"],
        "reads": reads,
        "expected_found": n_known * params["reads"],
    }


def _child_argv(client: str, url: str, workload: str) -> list[str]:
    return [str(Path(__file__).resolve()), "--client", client, "--url", url, "--workload", workload]


def verify(url: str, env: dict[str, str], workload: str, expected_found: int, tmp: str) -> None:
    """Both clients return equal ``{id: result}`` dicts for the whole workload (also a warm-up)."""
    dumps = {}
    for client in CLIENTS:
        path = os.path.join(tmp, f"{client}.json")
        out = common.run_child(_child_argv(client, url, workload) + ["--dump", path], env)
        if out["found"] != expected_found:
            raise AssertionError(
                f"{client} found {out['found']} tickets, expected {expected_found}"
            )
        dumps[client] = json.loads(Path(path).read_text())
    if dumps["talque"] != dumps["httpx"]:
        diff = [
            k
            for k in dumps["talque"].keys() | dumps["httpx"].keys()
            if dumps["talque"].get(k) != dumps["httpx"].get(k)
        ]
        raise AssertionError(f"talque and httpx disagree on {len(diff)} ids, e.g. {diff[:3]}")


def run(repeat: int, quick: bool) -> dict[str, Any]:
    params = QUICK_PARAMS if quick else PARAMS
    work = make_workload(params)
    runs: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory(prefix="talque-bench-") as tmp,
        common.ServerProcess.for_params(params) as server,
    ):
        workload = os.path.join(tmp, "workload.json")
        Path(workload).write_text(json.dumps(work))
        verify(server.url, server.env, workload, work["expected_found"], tmp)
        for rep in range(repeat):
            # Alternate who goes first so drift in machine noise hits both alike.
            for client in CLIENTS if rep % 2 == 0 else CLIENTS[::-1]:
                out = common.run_child(_child_argv(client, server.url, workload), server.env)
                runs.append(dict(out, repeat=rep))
    summary = common.summarize(runs, METRICS)
    med = {c: {m: summary[c][m]["median"] for m in METRICS} for c in CLIENTS}
    ratios = {
        "throughput_talque_over_httpx": round(
            med["talque"]["reads_per_s"] / med["httpx"]["reads_per_s"], 3
        ),
        "peak_rss_talque_over_httpx": round(
            med["talque"]["peak_rss_kib"] / med["httpx"]["peak_rss_kib"], 3
        ),
        "cpu_talque_over_httpx": round(med["talque"]["cpu_s"] / med["httpx"]["cpu_s"], 3),
    }
    return {
        "params": params,
        "repeat": repeat,
        "verified_equal_results": True,
        "peers": PEER_LABEL,
        "runs": runs,
        "summary": summary,
        "ratios": ratios,
    }


def report(result: dict[str, Any]) -> str:
    p, s = result["params"], result["summary"]
    title = (
        f"{NAME}: {p['reads']:,} reads x {p['ids_per_read']} ids "
        f"({p['unknown_per_read']} unknown), "
        f"concurrency {p['concurrency']}, server latency {p['latency_ms']} ms, "
        f"{result['repeat']} repeat(s); median [min-max]; CPU and RSS are the whole child process"
    )
    rows = (
        [
            PEER_LABEL[c],
            common.fmt_spread(s[c]["reads_per_s"]),
            common.fmt_spread(s[c]["wall_s"], digits=3),
            common.fmt_spread(s[c]["cpu_s"], digits=2),
            common.fmt_spread(s[c]["peak_rss_kib"], 1 / 1024, 1),
        ]
        for c in CLIENTS
    )
    table = common.format_table(["client", "reads/s", "wall s", "CPU s", "peak RSS MiB"], rows)
    r = result["ratios"]
    ratios = (
        f"talque/httpx: throughput {r['throughput_talque_over_httpx']:.2f}x, "
        f"peak RSS {r['peak_rss_talque_over_httpx']:.2f}x, CPU {r['cpu_talque_over_httpx']:.2f}x "
        "(results verified equal)"
    )
    return f"{title}\n{table}\n{ratios}"


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
