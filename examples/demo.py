"""`make demo`: pull every ticket of a 50,000-ticket org from the bundled fake server.

Starts the fake Talque server on a free loopback port, lists every ticket of its demo org,
reads 1,000 ticket ids back in batches, and prints counts and timings.
"""

from __future__ import annotations

import random
import time

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


if __name__ == "__main__":
    main()
