"""Serving the fake server from a shell: ``talque fake-server`` and ``python -m talque.testing``."""

from __future__ import annotations

import argparse
import signal
import threading

from ._server import FakeServer

__all__ = ["add_arguments", "serve"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port (default 8080)")
    parser.add_argument("--tickets", type=int, default=1000, help="tickets of the main org")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument(
        "--no-compression",
        dest="compression",
        action="store_false",
        help="never compress answers, whatever the request's Accept-Encoding",
    )
    parser.add_argument(
        "--bandwidth-bytes-per-sec",
        type=int,
        default=0,
        help="cap on the body bytes per second of each answer (default 0: no cap)",
    )
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument("--tickets-file", default=None, help="JSON Lines of tickets to serve")
    parser.add_argument("--tls-cert", default=None, help="serve HTTPS with this PEM chain")
    parser.add_argument("--tls-key", default=None, help="its PEM key (default: in --tls-cert)")


def serve(args: argparse.Namespace) -> int:
    """Starts the server, prints how to reach it, and serves until Ctrl-C or SIGTERM."""
    server = FakeServer(
        host=args.host,
        port=args.port,
        tickets=args.tickets,
        seed=args.seed,
        latency_ms=args.latency_ms,
        compression=args.compression,
        bandwidth_bytes_per_sec=args.bandwidth_bytes_per_sec,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
        tickets_file=args.tickets_file,
        tls_cert_file=args.tls_cert,
        tls_key_file=args.tls_key,
    )
    for name, value in server.env().items():
        print(f"export {name}={value}")
    orgs = ", ".join(
        f"{org['org_id']} ({org['ticket_count']} tickets"
        f"{', forbidden' if org['forbidden'] else ''})"
        for org in server.orgs
    )
    print(f"# orgs: {orgs}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    server.stop()
    return 0
