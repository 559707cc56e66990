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
from ._talque import CLIENT_OPTIONS, DEFAULT_BASE_URL, CoreClient

PagerT = TypeVar("PagerT", bound=PagerBase)
_T = TypeVar("_T")

__all__ = ["DEFAULT_BASE_URL", "ClientBase"]

_ENV_CLIENT_ID = "TALQUE_CLIENT_ID"
_ENV_SECRET = "TALQUE_SECRET"
_ENV_BASE_URL = "TALQUE_BASE_URL"

_DEFAULTS = {option.name: option.default for option in CLIENT_OPTIONS}


def _default(name: str, kind: type[_T]) -> _T:
    """The core's default of an option, typed for the signature below."""
    value = _DEFAULTS[name]
    if not isinstance(value, kind):  # pragma: no cover - the core's table changed kind.
        raise RuntimeError(f"the core's default of {name} is not a {kind.__name__}")
    return value


# The signature spells the options out for IDEs and type checkers; the values are the core's.
_TIMEOUT = _default("timeout", float)
_MAX_RETRIES = _default("max_retries", int)
_BATCH_SIZE = _default("batch_size", int)
_MAX_CONCURRENCY = _default("max_concurrency", int)
_MAX_RESPONSE_BYTES = _default("max_response_bytes", int)
_COMPRESSION = _default("compression", bool)


class ClientBase:
    """Configuration shared by :class:`TalqueClient` and :class:`AsyncTalqueClient`:
    credentials from arguments or the environment, and the core client, which checks the
    options (defaults, limits and messages are the core's ``CLIENT_OPTIONS``).
    """

    def __init__(
        self,
        client_id: str | None = None,
        secret: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = _TIMEOUT,
        max_retries: int = _MAX_RETRIES,
        batch_size: int = _BATCH_SIZE,
        max_concurrency: int = _MAX_CONCURRENCY,
        max_response_bytes: int = _MAX_RESPONSE_BYTES,
        ca_bundle: str | os.PathLike[str] | None = None,
        compression: bool = _COMPRESSION,
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
        # Every option of the core's table, by name (tests/test_options.py checks that the
        # signature names exactly those); the core checks them, and the secret lives only
        # inside it from here on.
        arguments: dict[str, Any] = locals()
        self._core = CoreClient(
            **{option.name: arguments[option.name] for option in CLIENT_OPTIONS}
        )
        self._options = self._core.options
        self._closed = False

    @property
    def base_url(self) -> str:
        return str(self._options["base_url"])

    @property
    def client_id(self) -> str:
        return str(self._options["client_id"])

    @property
    def timeout(self) -> float:
        return float(self._options["timeout"])

    @property
    def max_retries(self) -> int:
        return int(self._options["max_retries"])

    @property
    def batch_size(self) -> int:
        return int(self._options["batch_size"])

    @property
    def compression(self) -> bool:
        return bool(self._options["compression"])

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
            f"{type(self).__name__}(base_url={self.base_url!r}, client_id={self.client_id!r}, "
            f"timeout={self.timeout}, max_retries={self.max_retries})"
        )

    def __reduce__(self) -> Any:
        # A pickle would have to carry the secret; refuse rather than leak it.
        raise TypeError(
            f"{type(self).__name__} cannot be pickled; create a new client in the other process"
        )
