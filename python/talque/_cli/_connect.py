"""The client a command uses: credentials from the environment, a named variable or a file."""

from __future__ import annotations

import argparse
import os

from .._client import TalqueClient

__all__ = ["client_from_args"]


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
    return TalqueClient(
        client_id=args.client_id,
        secret=_secret(args),
        base_url=args.base_url,
        timeout=args.timeout,
        max_retries=args.max_retries,
        compression=args.compression,
    )
