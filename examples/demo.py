"""`make demo`: pull every ticket of a 50,000-ticket org from the bundled fake server.

Starts the fake Talque server on a free loopback port, lists every ticket of its demo org,
reads 1,000 ticket ids back in batches, exports the org to JSON Lines and CSV files (what
`talque list ORG --output FILE` does), and prints counts and timings.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import talque
from talque.testing import FakeServer

TICKETS = 50_000
READ_IDS = 1_000


def main() -> None:
    started = time.perf_counter()
    with FakeServer(tickets=TICKETS, seed=7) as server:
        print(
            f"talque {talque.__version__}: fake Talque server at {server.url} "
            f"({TICKETS:,} tickets, ready in {time.perf_counter() - started:.2f} s)"
        )
        with server.client() as client:
            started = time.perf_counter()
            pager = client.list(server.org_id, limit=1000)
            tickets = list(pager)
            elapsed = time.perf_counter() - started
            pages = len(server.requests("list"))
            print(
                f"list: {len(tickets):,} tickets in {pages} pages, {elapsed:.2f} s "
                f"({len(tickets) / elapsed:,.0f} tickets/s)"
            )

            # 900 ids that exist (one provider, as a read names one) and 100 that do not.
            provider = tickets[0]["provider"]
            known = [t["ticketId"] for t in tickets if t["provider"] == provider]
            ids = random.Random(1).sample(known, READ_IDS - 100)
            ids += [f"unknown-{n}" for n in range(100)]
            started = time.perf_counter()
            result = client.read(server.org_id, provider, ids)
            elapsed = time.perf_counter() - started
            found = sum(1 for r in result.values() if r["success"])
            print(
                f"read: {len(result):,} ids ({provider}) in {len(server.requests('read'))} "
                f"batches, {elapsed:.3f} s: {found} found, {len(result) - found} not found"
            )

            with tempfile.TemporaryDirectory(prefix="talque-demo-") as folder:
                for name in ("tickets.jsonl", "tickets.csv"):
                    output = Path(folder) / name
                    started = time.perf_counter()
                    export = client.export(server.org_id, output, limit=1000)
                    elapsed = time.perf_counter() - started
                    print(
                        f"export: {export.tickets:,} tickets to {name} "
                        f"({output.stat().st_size / 2**20:.1f} MiB) in {elapsed:.2f} s "
                        f"({export.tickets / elapsed:,.0f} tickets/s)"
                    )


if __name__ == "__main__":
    main()
