"""``python -m talque.testing``: serve the fake Talque API until Ctrl-C."""

from __future__ import annotations

import sys

from ._serve import fake_server_parser, serve


def main(argv: list[str] | None = None) -> int:
    return serve(fake_server_parser("python -m talque.testing").parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
