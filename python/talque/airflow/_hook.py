"""TalqueHook: a :class:`talque.TalqueClient` from an Airflow connection."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .._airflow_provider import UI_FIELD_BEHAVIOUR
from .._client import TalqueClient
from .._exceptions import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    TalqueError,
)
from ._settings import ConnectionSettings, settings_from

try:  # Airflow 3: the Task SDK.
    from airflow.sdk import BaseHook
except ImportError:  # pragma: no cover - Airflow 2.9+ or no Airflow at all.
    try:
        from airflow.hooks.base import BaseHook
    except ImportError as exc:
        raise ImportError(
            "talque.airflow needs Apache Airflow 2.9 or later: pip install 'talque[airflow]'"
        ) from exc


def _find_mask_secret() -> Callable[[str], None] | None:
    """Airflow's log masker (``mask_secret``), where this Airflow has one."""
    try:
        from airflow.sdk.log import mask_secret  # Airflow 3.
    except ImportError:
        try:
            from airflow.utils.log.secrets_masker import mask_secret  # Airflow 2.
        except ImportError:  # pragma: no cover
            return None
    masker: Callable[[str], None] = mask_secret
    return masker


__all__ = ["TalqueHook"]

# Sent by test_connection when the connection names no org: an id no org has, so an
# accepted request is answered 404 (or 403) and rejected credentials 401.
_PROBE_ORG_ID = "talqueConnectionTest"


class TalqueHook(BaseHook):
    """Talque Ticket API access from an Airflow connection of type ``talque``.

    Connection fields: login = client id, password = secret, host = base URL (a full URL,
    or a host name completed by schema ``http``/``https`` and port; empty means
    ``https://event.talque.com``). Extra (JSON): ``org_id`` (used by
    :meth:`test_connection`), ``timeout`` (seconds per attempt), ``max_retries`` and
    ``compression`` (default on).

    Args:
        talque_conn_id: The Airflow connection id (default ``talque_default``).
    """

    conn_name_attr = "talque_conn_id"
    default_conn_name = "talque_default"
    conn_type = "talque"
    hook_name = "Talque"

    def __init__(self, talque_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.talque_conn_id = talque_conn_id
        self._client: TalqueClient | None = None
        self._settings: ConnectionSettings | None = None

    def connection_settings(self) -> ConnectionSettings:
        """The connection's fields, checked; raises ``ValueError`` naming a bad field."""
        if self._settings is None:
            conn = self.get_connection(self.talque_conn_id)
            # Mask first: whatever goes wrong later, the secret is already hidden in logs.
            if conn.password:
                _mask(conn.password)
            self._settings = settings_from(
                self.talque_conn_id,
                login=conn.login,
                password=conn.password,
                host=conn.host,
                schema=conn.schema,
                port=conn.port,
                extra=conn.extra_dejson,
            )
        return self._settings

    def get_conn(self) -> TalqueClient:
        """The hook's :class:`talque.TalqueClient`, created on first use and then reused."""
        if self._client is None:
            settings = self.connection_settings()
            self.log.info(
                "Talque client for connection %r: %s, client id %r",
                settings.conn_id,
                settings.base_url,
                settings.client_id,
            )
            self._client = TalqueClient(**settings.client_kwargs())
        return self._client

    def close(self) -> None:
        """Closes the cached client, if any; the next :meth:`get_conn` makes a new one."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def test_connection(self) -> tuple[bool, str]:
        """Makes one cheap request and says whether the connection works.

        With an ``org_id`` extra: lists one ticket of that org, which proves the
        credentials may read it. Without: lists a made-up org; the API checks credentials
        before the org, so "org not found" (404) or "forbidden" (403) proves the
        credentials are accepted, and 401 that they are not.
        """
        try:
            settings = self.connection_settings()
            client = self.get_conn()
        except (TalqueError, ValueError, TypeError) as exc:
            return False, f"{type(exc).__name__}: {exc}"
        try:
            pager = client.list(settings.org_id or _PROBE_ORG_ID, limit=1, prefetch=False)
            next(pager.pages(), None)
        except AuthenticationError as exc:
            return False, (
                f"Talque rejected the credentials (HTTP {exc.status_code}): check the "
                "connection's login (client id) and password (secret)"
            )
        except (NotFoundError, PermissionDeniedError) as exc:
            if settings.org_id is None:
                return True, (
                    f"Credentials accepted by {settings.base_url} (set the extra 'org_id' "
                    "to also check access to an organization)"
                )
            what = "does not exist" if isinstance(exc, NotFoundError) else "is not readable"
            return False, (
                f"Credentials accepted, but org {settings.org_id!r} {what} with them "
                f"(HTTP {exc.status_code})"
            )
        except TalqueError as exc:
            return False, f"{type(exc).__name__}: {exc}"
        if settings.org_id is None:  # pragma: no cover - the probe org never exists.
            return True, f"Credentials accepted by {settings.base_url}"
        return True, f"Connected to {settings.base_url}: org {settings.org_id!r} is readable"

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """How Airflow's connection form shows a Talque connection (before Airflow 3.2, which
        reads it from the provider info instead)."""
        return copy.deepcopy(UI_FIELD_BEHAVIOUR)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(talque_conn_id={self.talque_conn_id!r})"


def _mask(secret: str) -> None:
    masker = _find_mask_secret()
    if masker is not None:
        masker(secret)
