"""The ``talque`` command's arguments."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from .._export import FORMATS
from .._talque import CLIENT_OPTIONS, __version__, parse_option

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


def _client_option(name: str) -> Callable[[str], object]:
    """An argparse ``type=`` that parses a client option with the core's rules and message."""

    def parse(text: str) -> object:
        try:
            return parse_option(name, text)
        except (TypeError, ValueError) as err:
            # argparse shows only an ArgumentTypeError's own message as the usage error.
            raise argparse.ArgumentTypeError(str(err)) from None

    parse.__name__ = name
    return parse


def _client_option_flag(name: str, metavar: str) -> dict[str, Any]:
    """The ``add_argument`` keywords of the core's option ``name``: parser, default, help."""
    (option,) = [option for option in CLIENT_OPTIONS if option.name == name]
    help_text = option.help[0].lower() + option.help[1:].rstrip(".")
    return {
        "type": _client_option(name),
        "default": option.default,
        "metavar": metavar,
        "help": f"{help_text} (default {option.default})",
    }


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
    group.add_argument("--timeout", **_client_option_flag("timeout", "SECONDS"))
    group.add_argument("--max-retries", **_client_option_flag("max_retries", "N"))
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
