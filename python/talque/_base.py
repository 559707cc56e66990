"""What the sync and async clients share: configuration, validation, repr, pickling."""

from __future__ import annotations

import os
from typing import Any, TypeVar

from . import _validate
from ._exceptions import TalqueError
from ._export import ExportArgs, ExportRun, check_listing
from ._export_state import Checkpoint
from ._pager import PagerBase
from ._progress import Progress
from ._talque import CoreClient, __version__

PagerT = TypeVar("PagerT", bound=PagerBase)

__all__ = ["DEFAULT_BASE_URL", "ClientBase"]

DEFAULT_BASE_URL = "https://event.talque.com"
_ENV_CLIENT_ID = "TALQUE_CLIENT_ID"
_ENV_SECRET = "TALQUE_SECRET"
_ENV_BASE_URL = "TALQUE_BASE_URL"


class ClientBase:
    """Configuration shared by :class:`TalqueClient` and :class:`AsyncTalqueClient`:
    credentials from arguments or the environment, validated options and the core client.
    """

    def __init__(
        self,
        client_id: str | None = None,
        secret: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        batch_size: int = 100,
        max_concurrency: int = 8,
        max_response_bytes: int = 64 * 1024 * 1024,
        ca_bundle: str | os.PathLike[str] | None = None,
        compression: bool = True,
    ) -> None:
        if client_id is None:
            client_id = os.environ.get(_ENV_CLIENT_ID)
        if secret is None:
            secret = os.environ.get(_ENV_SECRET)
        if not client_id or not secret:
            given = ((_ENV_CLIENT_ID, client_id), (_ENV_SECRET, secret))
            missing = [name for name, value in given if not value]
            raise TalqueError(
                "Talque credentials are missing: pass client_id= and secret= or set the "
                f"{_ENV_CLIENT_ID} and {_ENV_SECRET} environment variables "
                f"(missing: {', '.join(missing)})"
            )
        if base_url is None:
            base_url = os.environ.get(_ENV_BASE_URL) or DEFAULT_BASE_URL
        self._client_id = _validate.credential("client_id", client_id)
        _validate.credential("secret", secret)
        self._base_url = _validate.base_url(base_url)
        self._timeout = _validate.seconds("timeout", timeout)
        self._max_retries = _validate.integer("max_retries", max_retries, minimum=0, maximum=100)
        self._batch_size = _validate.integer("batch_size", batch_size, minimum=1, maximum=100_000)
        self._max_concurrency = _validate.integer(
            "max_concurrency", max_concurrency, minimum=1, maximum=1_000
        )
        self._max_response_bytes = _validate.integer(
            "max_response_bytes", max_response_bytes, minimum=1, maximum=2**40
        )
        if ca_bundle is not None and not isinstance(ca_bundle, (str, os.PathLike)):
            raise TypeError(f"ca_bundle must be a path, not {type(ca_bundle).__name__}")
        if not isinstance(compression, bool):
            raise TypeError(f"compression must be a bool, not {type(compression).__name__}")
        self._compression = compression
        # The secret lives only inside the Rust core from here on.
        self._core = CoreClient(
            base_url=self._base_url,
            client_id=self._client_id,
            secret=secret,
            timeout=self._timeout,
            max_retries=self._max_retries,
            batch_size=self._batch_size,
            max_concurrency=self._max_concurrency,
            max_response_bytes=self._max_response_bytes,
            ca_bundle=os.fspath(ca_bundle) if ca_bundle is not None else None,
            user_agent=f"talque-python/{__version__}",
            compression=compression,
        )
        self._closed = False

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def client_id(self) -> str:
        return self._client_id

    @property
    def timeout(self) -> float:
        return self._timeout

    @property
    def max_retries(self) -> int:
        return self._max_retries

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @property
    def compression(self) -> bool:
        return self._compression

    def _check_open(self) -> None:
        if self._closed:
            raise TalqueError(f"this {type(self).__name__} is closed")

    def _read_args(
        self, org_id: object, provider: object, ticket_ids: object
    ) -> tuple[str, str, list[str]]:
        org = _validate.text("org_id", org_id)
        prov = _validate.text("provider", provider)
        ids = _validate.ticket_ids(ticket_ids)
        self._check_open()
        return org, prov, ids

    def _pager(
        self,
        pager_class: type[PagerT],
        org_id: object,
        profile_id: object,
        limit: object,
        cursor: object,
        prefetch: object,
        max_items: object,
    ) -> PagerT:
        """Checks the arguments of ``list`` and makes the (sync or async) pager."""
        org, profile, size, start, cap = check_listing(org_id, profile_id, limit, cursor, max_items)
        if not isinstance(prefetch, bool):
            raise TypeError(f"prefetch must be a bool, not {type(prefetch).__name__}")
        self._check_open()
        core = self._core.pager(org, profile, size, start, prefetch, cap)
        return pager_class(core, org_id=org, profile_id=profile, limit=size, max_items=cap)

    def _export_run(self, org_id: object, output: object, **options: Any) -> ExportRun:
        """Checks the arguments of ``export`` and opens the export: its partial output,
        checkpoint and a core pager of this client that continues from the checkpoint."""
        progress = options.pop("progress")
        args = ExportArgs.check(org_id, output, **options)
        bar = Progress(progress, total=args.max_items, desc="exporting tickets", count_pages=True)
        self._check_open()

        def pager(checkpoint: Checkpoint, remaining: int | None) -> Any:
            return self._core.pager(
                args.org_id, args.profile_id, args.limit, checkpoint.cursor, True, remaining
            )

        return ExportRun(args, pager, bar)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self._base_url!r}, client_id={self._client_id!r}, "
            f"timeout={self._timeout}, max_retries={self._max_retries})"
        )

    def __reduce__(self) -> Any:
        # A pickle would have to carry the secret; refuse rather than leak it.
        raise TypeError(
            f"{type(self).__name__} cannot be pickled; create a new client in the other process"
        )
