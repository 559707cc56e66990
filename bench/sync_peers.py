"""The measured child for the sync scenarios (list, read, stream-rss): talque and two peers.

    python bench/sync_peers.py list --client talque|httpx|requests --url U --org O --limit N
    python bench/sync_peers.py read --client ... --url U --org O --provider P --ids FILE

prints one JSON line (see ``common.emit``). ``--verify`` adds a digest of every ticket
(sorted-key JSON) so the parent can check that all clients return the same data; it is off
in measured runs, where the consumer only counts (no ticket is kept: RSS stays the client's).
The peers are what a careful engineer writes: one client/session, keep-alive, explicit
Content-Type, an error on non-2xx, orjson (httpx) or the stdlib json (requests).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import common

CLIENTS = ("talque", "httpx", "requests")
PEER_LABEL = {
    "talque": "talque",
    "httpx": "httpx+orjson",
    "requests": "requests+json",
    "bytes": "bytes only (ceiling)",
}
LIST_PATH = "/api/v1/ticket/list"
READ_PATH = "/api/v1/ticket/read"


def _headers() -> dict[str, str]:
    return {
        "X-TQ-CLIENT-ID": os.environ["TALQUE_CLIENT_ID"],
        "X-TQ-SECRET": os.environ["TALQUE_SECRET"],
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


# --- list: a generator of tickets per client ---------------------------------------------


def list_talque(url: str, org: str, limit: int) -> Iterator[Any]:
    import talque

    with talque.TalqueClient(base_url=url) as client:
        yield from client.list(org, limit=limit, prefetch=True)


def _follow_cursor(
    fetch_page: Callable[[dict[str, Any]], dict[str, Any]], org: str, limit: int
) -> Iterator[dict[str, Any]]:
    """The peers' pagination: ``fetch_page(request_body)`` returns one decoded page; yields
    its tickets and asks for the next page with its cursor until ``more`` is false."""
    cursor = None
    while True:
        page = fetch_page({"orgId": org, "limit": limit, "cursor": cursor})
        yield from page["tickets"]
        if not page["more"]:
            return
        cursor = page["cursor"]


def list_httpx(url: str, org: str, limit: int) -> Iterator[dict[str, Any]]:
    import httpx
    import orjson

    with httpx.Client(base_url=url, headers=_headers(), timeout=30.0) as client:

        def fetch_page(body: dict[str, Any]) -> dict[str, Any]:
            response = client.post(LIST_PATH, content=orjson.dumps(body))
            response.raise_for_status()
            page: dict[str, Any] = orjson.loads(response.content)
            return page

        yield from _follow_cursor(fetch_page, org, limit)


def list_requests(url: str, org: str, limit: int) -> Iterator[dict[str, Any]]:
    import requests

    with requests.Session() as session:
        session.headers.update(_headers())

        def fetch_page(body: dict[str, Any]) -> dict[str, Any]:
            response = session.post(url + LIST_PATH, data=json.dumps(body), timeout=30.0)
            response.raise_for_status()
            page: dict[str, Any] = json.loads(response.content)
            return page

        yield from _follow_cursor(fetch_page, org, limit)


def list_bytes(url: str, org: str, limit: int) -> Iterator[None]:
    """The ceiling of any client: fetch each page (gzip when offered), gunzip it, count its
    tickets and find the cursor in its tail, without decoding the JSON (one ``None`` per
    ticket). Not a peer: the reference for what the server and the link allow."""
    import http.client
    import itertools
    import zlib
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
    headers = {**_headers(), "Accept-Encoding": "gzip"}
    cursor = None
    while True:
        body = json.dumps({"orgId": org, "limit": limit, "cursor": cursor})
        conn.request("POST", LIST_PATH, body, headers)
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        if response.getheader("Content-Encoding") == "gzip":
            data = zlib.decompress(data, 31)
        yield from itertools.repeat(None, data.count(b'"orgTicketId"'))
        # The page ends with its cursor and `more` (the fake server's key order).
        tail = json.loads(b"{" + data[data.rindex(b'"cursor":') :])
        if not tail["more"]:
            return
        cursor = tail["cursor"]


# --- read: {id: result} per client -------------------------------------------------------


def read_talque(url: str, org: str, provider: str, ids: list[str], batch: int) -> dict[str, Any]:
    import talque

    with talque.TalqueClient(base_url=url, batch_size=batch) as client:
        return dict(client.read(org, provider, ids))


def read_httpx(url: str, org: str, provider: str, ids: list[str], batch: int) -> dict[str, Any]:
    import httpx
    import orjson

    merged: dict[str, Any] = {}
    with httpx.Client(base_url=url, headers=_headers(), timeout=30.0) as client:
        for i in range(0, len(ids), batch):
            body = {"orgId": org, "provider": provider, "ticketIdList": ids[i : i + batch]}
            response = client.post(READ_PATH, content=orjson.dumps(body))
            response.raise_for_status()
            merged.update(orjson.loads(response.content)["ticketById"])
    return merged


def read_requests(url: str, org: str, provider: str, ids: list[str], batch: int) -> dict[str, Any]:
    import requests

    merged: dict[str, Any] = {}
    with requests.Session() as session:
        session.headers.update(_headers())
        for i in range(0, len(ids), batch):
            body = {"orgId": org, "provider": provider, "ticketIdList": ids[i : i + batch]}
            response = session.post(url + READ_PATH, data=json.dumps(body), timeout=30.0)
            response.raise_for_status()
            merged.update(json.loads(response.content)["ticketById"])
    return merged


LISTS = {"talque": list_talque, "httpx": list_httpx, "requests": list_requests, "bytes": list_bytes}
READS = {"talque": read_talque, "httpx": read_httpx, "requests": read_requests}


def _digest(item: Any) -> bytes:
    return json.dumps(item, sort_keys=True, ensure_ascii=False).encode()


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="One measured run of a sync scenario.")
    parser.add_argument("mode", choices=("list", "read"))
    parser.add_argument("--client", choices=tuple(LISTS), required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--org", default=common.ORG_ID)
    parser.add_argument("--limit", type=int, default=1000, help="list page size")
    parser.add_argument("--provider", default="pretix")
    parser.add_argument("--ids", help="read: a JSON file with the id list")
    parser.add_argument("--batch", type=int, default=100, help="read: ids per request")
    parser.add_argument("--verify", action="store_true", help="also digest every ticket")
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"client": args.client}
    if args.mode == "list":
        h = hashlib.sha256()
        count, first, last = 0, None, None
        start = time.perf_counter()
        for ticket in LISTS[args.client](args.url, args.org, args.limit):
            count += 1
            if args.verify:
                h.update(_digest(ticket))
                first = first or ticket["orgTicketId"]
                last = ticket["orgTicketId"]
        wall = time.perf_counter() - start
        out.update(count=count, tickets_per_s=round(count / wall, 1))
        if args.verify:
            out.update(digest=h.hexdigest(), first=first, last=last)
    else:
        ids = json.loads(Path(args.ids).read_text())
        start = time.perf_counter()
        result = READS[args.client](args.url, args.org, args.provider, ids, args.batch)
        wall = time.perf_counter() - start
        found = sum(1 for v in result.values() if v["success"])
        out.update(count=len(result), found=found, ids_per_s=round(len(ids) / wall, 1))
        if args.verify:
            out["digest"] = hashlib.sha256(_digest(result)).hexdigest()
    common.emit({**out, "wall_s": round(wall, 4), **common.process_usage()})
    return 0


def child_argv(mode: str, client: str, url: str, *extra: str) -> list[str]:
    return [str(Path(__file__).resolve()), mode, "--client", client, "--url", url, *extra]


def verify_same(outs: dict[str, dict[str, Any]], keys: tuple[str, ...]) -> None:
    """All clients' verify-mode outputs agree on ``keys``; raises otherwise."""
    ref = outs["talque"]
    for client, out in outs.items():
        if any(out[k] != ref[k] for k in keys):
            raise AssertionError(
                f"{client} disagrees with talque: "
                f"{ {k: out[k] for k in keys} } != { {k: ref[k] for k in keys} }"
            )


def run_alternating(
    repeat: int,
    argv_for: Any,
    env: dict[str, str],
    tags: dict[str, Any],
    wire_bytes: Callable[[], int] | None = None,
    clients: tuple[str, ...] = CLIENTS,
) -> list[dict[str, Any]]:
    """``repeat`` rounds of one fresh child per client, rotating who goes first.

    With ``wire_bytes`` (a byte counter of the link), each run also records the bytes the
    server sent during it.
    """
    runs = []
    for rep in range(repeat):
        k = rep % len(clients)
        for client in clients[k:] + clients[:k]:
            before = wire_bytes() if wire_bytes else 0
            out = common.run_child(argv_for(client), env)
            if wire_bytes:
                out["wire_bytes"] = wire_bytes() - before
            runs.append(dict(out, repeat=rep, **tags))
    return runs


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
