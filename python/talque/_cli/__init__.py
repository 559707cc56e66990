"""The ``talque`` command: ``talque list``, ``talque read``, ``talque fake-server``.

Exit status: 0 on success, 1 when the export or read failed (one line on stderr names the
error and what would help: checking the credentials or the org id, or resuming), 2 for bad
arguments, 130 when interrupted.
"""

from __future__ import annotations

import sys

from .._exceptions import (
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    TalqueError,
)
from ._connect import CredentialsError
from ._parser import build_parser

__all__ = ["main"]


def _fail(message: str, code: int) -> int:
    print(f"talque: error: {' '.join(message.split())}", file=sys.stderr)
    return code


def _advice(err: BaseException, hint: object) -> str:
    """What would help after ``err``: a resume only where the same request could succeed."""
    if isinstance(err, CredentialsError | AuthenticationError):
        return (
            "check the credentials: TALQUE_CLIENT_ID and TALQUE_SECRET, or --client-id with "
            "--secret-env NAME or --secret-file PATH"
        )
    if isinstance(err, PermissionDeniedError):
        return "check the org id, and that these credentials may read that organization"
    if isinstance(err, NotFoundError):
        return "check the org id (case-sensitive, usually 20 characters) and --base-url"
    if isinstance(err, BadRequestError):
        return "check the arguments; repeating the same request will fail the same way"
    return f"{hint}" if hint is not None else ""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "fake-server":
        from ..testing._serve import serve

        return serve(args)
    hint = None
    try:
        if args.command == "list":
            from ._list import ResumeHint, run_list

            hint = ResumeHint(args)
            return run_list(args, hint)
        from ._read import run_read

        return run_read(args)
    except BrokenPipeError:
        # The reader went away (`talque list ORG | head`): not an error worth a message.
        return 1
    except KeyboardInterrupt:
        resume = f"; {hint}" if hint is not None else ""
        return _fail(f"interrupted{resume}", 130)
    except (TypeError, ValueError) as err:
        # Bad input, found before anything was sent.
        return _fail(str(err), 2)
    except (TalqueError, OSError, ImportError) as err:
        advice = _advice(err, hint)
        return _fail(f"{type(err).__name__}: {err}{'; ' + advice if advice else ''}", 1)
