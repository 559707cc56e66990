"""Turns an Airflow connection into :class:`talque.TalqueClient` arguments, or a clear error.

Kept apart from the hook, with no Airflow import, so the rules are plain functions of the
connection's fields. Messages name the connection and the field, never a field's value where
it could be a credential (a host may carry ``user:password@``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .._base import DEFAULT_BASE_URL

__all__ = ["EXTRA_KEYS", "ConnectionSettings", "settings_from"]

# The keys the connection's extra JSON may hold; anything else is a typo we refuse.
EXTRA_KEYS = ("org_id", "timeout", "max_retries", "compression")
_MAX_RETRIES_LIMIT = 100
_FORM_PREFIX = "extra__talque__"


@dataclass(frozen=True)
class ConnectionSettings:
    """What a Talque connection says, checked. The secret never appears in the repr."""

    conn_id: str
    client_id: str
    secret: str = field(repr=False)
    base_url: str
    timeout: float | None
    max_retries: int | None
    org_id: str | None
    compression: bool | None = None

    def client_kwargs(self) -> dict[str, Any]:
        """The :class:`talque.TalqueClient` arguments; unset extras keep the client defaults."""
        kwargs: dict[str, Any] = {
            "client_id": self.client_id,
            "secret": self.secret,
            "base_url": self.base_url,
        }
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        if self.max_retries is not None:
            kwargs["max_retries"] = self.max_retries
        if self.compression is not None:
            kwargs["compression"] = self.compression
        return kwargs


def settings_from(
    conn_id: str,
    *,
    login: str | None,
    password: str | None,
    host: str | None,
    schema: str | None,
    port: int | None,
    extra: dict[str, Any],
) -> ConnectionSettings:
    """Checks a connection's fields (see the ``talque.airflow`` docstring for the rules)."""
    where = f"Talque connection {conn_id!r}"
    if not login:
        raise ValueError(f"{where} has no login: set it to the Talque API client id")
    if not password:
        raise ValueError(f"{where} has no password: set it to the Talque API secret")
    if not isinstance(extra, dict):
        raise ValueError(f"{where}: extra must be a JSON object")
    extra = _unprefixed(extra)
    unknown = sorted(set(extra) - set(EXTRA_KEYS))
    if unknown:
        raise ValueError(
            f"{where}: unknown extra field(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(EXTRA_KEYS)}"
        )
    return ConnectionSettings(
        conn_id=conn_id,
        client_id=login,
        secret=password,
        base_url=_base_url(where, host, schema, port),
        timeout=_timeout(where, extra.get("timeout")),
        max_retries=_max_retries(where, extra.get("max_retries")),
        org_id=_org_id(where, extra.get("org_id")),
        compression=_compression(where, extra.get("compression")),
    )


def _unprefixed(extra: dict[str, Any]) -> dict[str, Any]:
    """The extras without Airflow's form prefix (``extra__talque__timeout``), empty ones dropped.

    Connection forms store a field left blank as ``""`` or null: that means "the default".
    """
    plain: dict[str, Any] = {}
    for key, value in extra.items():
        name = key.removeprefix(_FORM_PREFIX)
        if value is None or value == "" or (name != key and name in extra):
            continue
        plain[name] = value
    return plain


def _base_url(where: str, host: str | None, schema: str | None, port: int | None) -> str:
    """The API's base URL from host, schema and port.

    ``host`` is either a full URL (``https://event.talque.com``, ``http://127.0.0.1:8080``)
    or a bare host name, to which ``schema`` (``http`` or ``https``, default ``https``) and
    ``port`` are added. An empty host means production, ``https://event.talque.com``.
    """
    host = (host or "").strip()
    schema = (schema or "").strip().lower()
    if schema and schema not in ("http", "https"):
        raise ValueError(f"{where}: schema must be 'http' or 'https' (or empty), not {schema!r}")
    if not host:
        if port:
            raise ValueError(f"{where}: a port needs a host (the API's base URL)")
        return DEFAULT_BASE_URL
    if "://" not in host:
        host = f"{schema or 'https'}://{host}"
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        # The value is not echoed: it may carry a password.
        raise ValueError(
            f"{where}: host must be a URL like https://event.talque.com or a host name"
        )
    if parts.username is not None or parts.query or parts.fragment:
        raise ValueError(f"{where}: host must not carry credentials, a query or a fragment")
    if schema and schema != parts.scheme:
        raise ValueError(f"{where}: schema {schema!r} contradicts the host's {parts.scheme!r}")
    try:
        host_port = parts.port
    except ValueError:
        raise ValueError(f"{where}: host has an invalid port") from None
    netloc = parts.netloc
    if port:
        if host_port is not None and host_port != port:
            raise ValueError(f"{where}: port {port} contradicts the host's port {host_port}")
        if host_port is None:
            netloc = f"{netloc}:{port}"
    return f"{parts.scheme}://{netloc}{parts.path}".rstrip("/")


def _timeout(where: str, value: object) -> float | None:
    if value is None:
        return None
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or number <= 0:
        raise ValueError(
            f"{where}: extra 'timeout' must be a positive number of seconds, got {value!r}"
        )
    return number


def _max_retries(where: str, value: object) -> int | None:
    if value is None:
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdecimal():
        number = int(value)
    if number is None or not 0 <= number <= _MAX_RETRIES_LIMIT:
        raise ValueError(
            f"{where}: extra 'max_retries' must be a whole number from 0 to "
            f"{_MAX_RETRIES_LIMIT}, got {value!r}"
        )
    return number


def _compression(where: str, value: object) -> bool | None:
    """A JSON boolean, or the text a connection form stores for one (``true``/``false``)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"{where}: extra 'compression' must be true or false, got {value!r}")


def _org_id(where: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: extra 'org_id' must be a non-empty string, got {value!r}")
    return value.strip()
