"""The ``talque`` command's arguments."""

from __future__ import annotations

import argparse

from .._export import FORMATS
from .._talque import __version__

__all__ = ["build_parser"]

_EPILOG = """\
credentials: TALQUE_CLIENT_ID and TALQUE_SECRET (and TALQUE_BASE_URL) from the environment;
--secret-env NAME or --secret-file PATH read the secret from elsewhere. The secret is never
a flag value, so it stays out of shell history and process listings.
"""


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _connection(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection")
    group.add_argument("--base-url", help="API base URL (default: TALQUE_BASE_URL or production)")
    group.add_argument("--client-id", help="client id (default: TALQUE_CLIENT_ID)")
    secret = group.add_mutually_exclusive_group()
    secret.add_argument(
        "--secret-env", metavar="NAME", help="read the secret from this environment variable"
    )
    secret.add_argument(
        "--secret-file", metavar="PATH", help="read the secret from this file (first line)"
    )
    group.add_argument("--timeout", type=float, default=30.0, help="seconds per attempt")
    group.add_argument(
        "--max-retries", type=_not_negative, default=3, help="retries of transient failures"
    )
    group.add_argument(
        "--no-compression",
        dest="compression",
        action="store_false",
        help="ask for uncompressed answers (default: gzip, brotli, zstd or deflate)",
    )


def _output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write here, atomically (default: stdout); a file appears only when complete",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no summary")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talque",
        description="Export tickets from the Talque Ticket API.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"talque {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser(
        "list",
        help="export every ticket of an organization",
        description="Export an organization's tickets, page by page, to JSON Lines (default), "
        "CSV or Parquet. With --output the file is written atomically; after a failure, "
        "run the same command with --resume to continue without losing or repeating a ticket.",
    )
    listing.add_argument("org_id", metavar="ORG")
    listing.add_argument("--profile-id", metavar="P", help="only tickets held by this profile")
    listing.add_argument(
        "--page-size",
        type=_positive,
        default=100,
        metavar="N",
        help="tickets per request (default 100, the API's own default)",
    )
    listing.add_argument(
        "--max-items",
        type=_not_negative,
        metavar="N",
        help="stop after exactly N tickets and print the --cursor that continues (it fetches "
        "the last page again when the server sent more than asked and the page was cut)",
    )
    start = listing.add_mutually_exclusive_group()
    start.add_argument("--cursor", metavar="C", help="start at this cursor (from a failed run)")
    start.add_argument(
        "--resume", action="store_true", help="continue the interrupted export into --output"
    )
    listing.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: from the --output suffix, else jsonl)",
    )
    _output(listing)
    _connection(listing)

    read = commands.add_parser(
        "read",
        help="look tickets up by id",
        description="Look tickets up by their provider-specific ids; writes one JSON line "
        'per id: {"ticketId", "success", "reason", "model"}, in the order given.',
    )
    read.add_argument("org_id", metavar="ORG")
    read.add_argument("provider", metavar="PROVIDER")
    read.add_argument("ids", metavar="ID", nargs="*")
    read.add_argument("--ids-file", metavar="FILE", help="more ids, one per line ('-' reads stdin)")
    _output(read)
    _connection(read)

    from ..testing._serve import DESCRIPTION, fake_server_parser

    # The same parser as `python -m talque.testing`, so both take the same options.
    commands.add_parser(
        "fake-server",
        help="serve a fake Talque API on loopback (for tests and demos)",
        description=DESCRIPTION,
        parents=[fake_server_parser(add_help=False)],
    )
    return parser
