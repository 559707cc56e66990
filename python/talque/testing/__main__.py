"""``python -m talque.testing``: serve the fake Talque API until Ctrl-C."""

from __future__ import annotations

import argparse
import sys

from ._serve import add_arguments, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m talque.testing", description="Serve a fake Talque Ticket API on loopback."
    )
    add_arguments(parser)
    return serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
