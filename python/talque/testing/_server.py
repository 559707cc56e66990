"""FakeServer: the Python face of the fake Talque server."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from .._client import TalqueClient
from .._talque import FakeServerHandle

__all__ = ["FakeServer"]

FAULT_KINDS = (
    "status",
    "delay",
    "reset",
    "truncate",
    "not_json",
    "bad_json",
    "repeat_cursor",
    "more_without_cursor",
    "stall",
    "trickle",
    "compressed_truncate",
    "lying_encoding",
    "gzip_bomb",
)


def _path(path: str | os.PathLike[str] | None) -> str | None:
    return os.fspath(path) if path is not None else None


class FakeServer:
    """A fake Talque server on ``127.0.0.1``, started on construction.

    Args:
        tickets: Number of tickets of the main organization (:attr:`org_id`).
        seed: Seed of the synthetic data; the same seed gives byte-identical tickets.
        port: Port to listen on; 0 picks a free one.
        client_id, secret: The credentials the server accepts.
        latency_ms: Delay added to every API request.
        compression: Compress answers when the request's ``Accept-Encoding`` allows it
            (gzip, br, zstd, deflate at level 1), as a production proxy does.
        bandwidth_bytes_per_sec: Caps the body bytes per second of each answer (after
            compression), emulating a slow link; 0 means no cap.
        fault_rate, fault_seed, fault_kinds: Seeded random faults on that fraction of
            API requests (see :meth:`set_random_faults`).
        max_limit: The largest page size ``list`` accepts.
        max_read_ids: The most ids one ``read`` accepts.
        tickets_file: A JSON Lines file of tickets to serve as the main org's tickets.
        tls_cert_file: A PEM certificate chain (leaf first) to serve HTTPS with; :attr:`url`
            is then ``https://...``. Point clients at the issuing CA with ``ca_bundle``.
        tls_key_file: The PEM private key; by default it is read from ``tls_cert_file``.
        orgs: Replaces the default orgs: ``[{"org_id", "tickets", "forbidden"}]``.

    Besides the main org there are, by default, a small org (25 tickets), an empty org and
    an org the credentials may not read (403): see :attr:`orgs`.
    """

    def __init__(
        self,
        *,
        tickets: int = 1000,
        seed: int = 0,
        port: int = 0,
        host: str = "127.0.0.1",
        client_id: str = "fake-client-id",
        secret: str = "fake-secret",
        latency_ms: int = 0,
        compression: bool = True,
        bandwidth_bytes_per_sec: int = 0,
        fault_rate: float = 0.0,
        fault_seed: int = 0,
        fault_kinds: Sequence[str] | None = None,
        max_limit: int | None = None,
        max_read_ids: int | None = None,
        tickets_file: str | os.PathLike[str] | None = None,
        tls_cert_file: str | os.PathLike[str] | None = None,
        tls_key_file: str | os.PathLike[str] | None = None,
        orgs: list[dict[str, Any]] | None = None,
    ) -> None:
        config: dict[str, Any] = {
            "tickets": tickets,
            "seed": seed,
            "port": port,
            "host": host,
            "client_id": client_id,
            "secret": secret,
            "latency_ms": latency_ms,
            "compression": compression,
            "bandwidth_bytes_per_sec": bandwidth_bytes_per_sec,
            "fault_rate": fault_rate,
            "fault_seed": fault_seed,
        }
        optional = {
            "fault_kinds": list(fault_kinds) if fault_kinds is not None else None,
            "max_limit": max_limit,
            "max_read_ids": max_read_ids,
            "tickets_file": _path(tickets_file),
            "tls_cert_file": _path(tls_cert_file),
            "tls_key_file": _path(tls_key_file),
            "orgs": orgs,
        }
        config.update({key: value for key, value in optional.items() if value is not None})
        self._handle = FakeServerHandle(json.dumps(config))
        self.client_id = client_id
        self.secret = secret
        self.url: str = self._handle.url
        self.orgs: list[dict[str, Any]] = json.loads(self._handle.orgs_json())

    @property
    def org_id(self) -> str:
        """The main organization, with ``tickets`` tickets."""
        return str(self.orgs[0]["org_id"])

    @property
    def forbidden_org_id(self) -> str:
        """An organization that exists but these credentials may not read (403)."""
        return next(str(org["org_id"]) for org in self.orgs if org["forbidden"])

    def client(self, **kwargs: Any) -> TalqueClient:
        """A :class:`talque.TalqueClient` pointed at this server with its credentials."""
        kwargs.setdefault("client_id", self.client_id)
        kwargs.setdefault("secret", self.secret)
        kwargs.setdefault("base_url", self.url)
        return TalqueClient(**kwargs)

    def env(self) -> dict[str, str]:
        """The ``TALQUE_*`` environment variables that point a client at this server."""
        return {
            "TALQUE_BASE_URL": self.url,
            "TALQUE_CLIENT_ID": self.client_id,
            "TALQUE_SECRET": self.secret,
        }

    def tickets(
        self, org_id: str | None = None, profile_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The tickets of an org (default: the main org) exactly as the server serves them."""
        text = self._handle.tickets_json(org_id or self.org_id, profile_id)
        if text is None:
            raise KeyError(f"the fake server has no org {org_id!r}")
        result: list[dict[str, Any]] = json.loads(text)
        return result

    def edit_tickets(
        self, patches: Mapping[str, Mapping[str, Any]], org_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Changes tickets the way an edit in Talque does, and returns them as now served.

        ``patches`` maps an ``orgTicketId`` to a JSON merge patch (RFC 7386) for that
        ticket: ``{"holder": {"email": "new@example.com"}}`` changes the holder's e-mail and
        keeps the other holder fields; a ``None`` value removes a key. Each edited ticket's
        ``mtime`` becomes the current time in epoch milliseconds (unless the patch sets it).
        Tickets keep their places in the listing, so cursors stay valid and a later listing
        (or :meth:`tickets`) shows the change. ``orgTicketId``, ``ticketId`` and ``provider``
        cannot change. All or nothing: an unknown id raises :class:`ValueError` and edits
        nothing.

        Args:
            patches: ``{orgTicketId: patch}``.
            org_id: The organization (default: the main org).
        """
        edits = [{"orgTicketId": key, "patch": dict(patch)} for key, patch in patches.items()]
        text = self._handle.edit_tickets_json(org_id or self.org_id, json.dumps(edits))
        result: list[dict[str, Any]] = json.loads(text)
        return result

    def requests(self, endpoint: str | None = None) -> list[dict[str, Any]]:
        """The API requests received so far, oldest first; ``endpoint`` is "list" or "read"."""
        entries: list[dict[str, Any]] = json.loads(self._handle.requests_json())
        if endpoint is None:
            return entries
        suffix = f"/api/v1/ticket/{endpoint}"
        return [entry for entry in entries if entry["path"] == suffix]

    def clear_requests(self) -> None:
        """Empties the request log."""
        self._handle.clear_requests()

    def fail(
        self,
        kind: str,
        *,
        endpoint: str = "any",
        times: int = 1,
        skip: int = 0,
        status: int | None = None,
        retry_after: str | None = None,
        delay_ms: int | None = None,
        body: str | None = None,
        encoding: str | None = None,
        inflated_bytes: int | None = None,
    ) -> None:
        """Scripts a fault for the next matching requests (after ``skip`` of them pass).

        Kinds: ``status`` (answer ``status``, with ``Retry-After: retry_after`` if given),
        ``delay``, ``reset`` (connection dropped mid-body), ``truncate`` (half a JSON body),
        ``not_json``, ``bad_json``, ``repeat_cursor``, ``more_without_cursor``, ``stall``
        (headers, then nothing) and ``trickle`` (one byte every ``delay_ms``). Compressed
        bodies: ``compressed_truncate`` (the answer in ``encoding`` — gzip, br, zstd or
        deflate; gzip by default — cut in half), ``lying_encoding`` (``Content-Encoding:
        encoding`` over the plain answer, or over ``body``) and ``gzip_bomb`` (a small gzip
        body that inflates to ``inflated_bytes``, 2 GiB by default).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        rule: dict[str, Any] = {"kind": kind, "endpoint": endpoint, "times": times, "skip": skip}
        extras = {
            "status": status,
            "retry_after": retry_after,
            "delay_ms": delay_ms,
            "body": body,
            "encoding": encoding,
            "inflated_bytes": inflated_bytes,
        }
        rule.update({key: value for key, value in extras.items() if value is not None})
        self._handle.push_faults_json(json.dumps([rule]))

    def clear_faults(self) -> None:
        """Drops every scripted fault that has not fired yet."""
        self._handle.clear_faults()

    def set_latency(self, ms: int) -> None:
        """Adds ``ms`` milliseconds to every API request from now on."""
        self._handle.set_latency_ms(ms)

    def set_compression(self, enabled: bool) -> None:
        """Turns compression of answers (per ``Accept-Encoding``) on or off from now on."""
        self._handle.set_compression(enabled)

    def set_bandwidth(self, bytes_per_sec: int) -> None:
        """Caps the body bytes per second of each answer from now on; 0 removes the cap."""
        self._handle.set_bandwidth(bytes_per_sec)

    def set_random_faults(
        self, rate: float, seed: int = 0, kinds: Sequence[str] | None = None
    ) -> None:
        """Injects seeded random faults on ``rate`` of the API requests (0 turns them off).

        Kinds: status_500, status_502, status_503, status_429 (with Retry-After 0 or 1),
        reset, truncate and delay.
        """
        self._handle.set_random_faults(rate, seed, list(kinds) if kinds is not None else None)

    def stats(self) -> dict[str, Any]:
        """Counts since the start or the last :meth:`clear_requests`.

        ``requests``, ``faults_injected``, ``by_kind`` (faults per kind), ``response_bytes``
        (body bytes on the wire, after compression), ``connections`` (TCP connections
        accepted), ``tls_handshakes`` and ``tls_failures``.
        """
        result: dict[str, Any] = json.loads(self._handle.stats_json())
        return result

    def stop(self) -> None:
        """Stops the server. Idempotent."""
        self._handle.stop()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"FakeServer(url={self.url!r}, org_id={self.org_id!r})"
