"""The client a command uses: credentials from the environment, a named variable or a file."""

from __future__ import annotations

import argparse
import os

from .._client import TalqueClient
from .._exceptions import TalqueError

__all__ = ["CredentialsError", "client_from_args"]


class CredentialsError(TalqueError):
    """The client could not be made: the credentials are missing (nothing was sent)."""


def _secret(args: argparse.Namespace) -> str | None:
    if args.secret_env is not None:
        value = os.environ.get(args.secret_env)
        if not value:
            raise ValueError(f"--secret-env: the environment variable {args.secret_env} is unset")
        return value
    if args.secret_file is not None:
        with open(args.secret_file, encoding="utf-8") as file:
            value = file.readline().rstrip("\r\n")
        if not value:
            raise ValueError(f"--secret-file: {args.secret_file} is empty")
        return value
    return None  # TALQUE_SECRET, read by the client


def client_from_args(args: argparse.Namespace) -> TalqueClient:
    secret = _secret(args)
    try:
        return TalqueClient(
            client_id=args.client_id,
            secret=secret,
            base_url=args.base_url,
            timeout=args.timeout,
            max_retries=args.max_retries,
            compression=args.compression,
        )
    except TalqueError as err:
        # Bad options raise TypeError or ValueError; a TalqueError here is missing credentials.
        raise CredentialsError(str(err)) from None
