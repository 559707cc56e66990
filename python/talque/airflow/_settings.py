"""Turns an Airflow connection into :class:`talque.TalqueClient` arguments, or a clear error.

Kept apart from the hook, with no Airflow import, so the rules are plain functions of the
connection's fields. Messages name the connection and the field, never a field's value where
it could be a credential (a host may carry ``user:password@``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .._airflow_provider import EXTRA_OPTIONS
from .._talque import DEFAULT_BASE_URL, parse_option

__all__ = ["EXTRA_KEYS", "ConnectionSettings", "settings_from"]

# The keys the connection's extra JSON may hold; anything else is a typo we refuse.
EXTRA_KEYS = ("org_id", *EXTRA_OPTIONS)
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
        timeout=_client_option(where, "timeout", extra.get("timeout")),
        max_retries=_client_option(where, "max_retries", extra.get("max_retries")),
        org_id=_org_id(where, extra.get("org_id")),
        compression=_client_option(where, "compression", extra.get("compression")),
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
        raise ValueError(f"{where}: host must be a URL like {DEFAULT_BASE_URL} or a host name")
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


def _client_option(where: str, name: str, value: object) -> Any:
    """A client option from the extra, checked by the core's rules: text as a connection form
    or URI stores it (``"30"``, ``"false"``), or a JSON number or bool as it is."""
    if value is None:
        return None
    try:
        return parse_option(name, value)
    except (TypeError, ValueError) as err:
        # The core's message starts with the option's name, which here is an extra's.
        raise ValueError(f"{where}: extra {name!r}{str(err).removeprefix(name)}") from None


def _org_id(where: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: extra 'org_id' must be a non-empty string, got {value!r}")
    return value.strip()
