"""Tiny local HTTP(S) servers for the tests that need what the fake server cannot do:
raw (invalid UTF-8) bodies, TLS, proxying and redirects. Everything listens on 127.0.0.1.

``LocalServer(answer)`` serves each request with ``answer(request) -> Reply`` on its own
thread and records every request it sees (including a proxy's absolute-URI targets and
``CONNECT``). Every answer closes its connection, so no handler thread outlives a test.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["LocalServer", "Reply", "Seen", "forward_to", "json_reply"]

# A handler never waits longer than this for a slow peer.
_SOCKET_TIMEOUT = 10.0


@dataclass
class Reply:
    """One canned answer; ``chunked`` sends it without a Content-Length."""

    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(
        default_factory=lambda: [("Content-Type", "application/json; charset=utf-8")]
    )
    chunked: bool = False


def json_reply(body: str | bytes, status: int = 200, chunked: bool = False) -> Reply:
    raw = body.encode() if isinstance(body, str) else body
    return Reply(status=status, body=raw, chunked=chunked)


@dataclass
class Seen:
    """One request as the server saw it: ``target`` is the raw request target."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


Answer = Callable[[Seen], Reply | None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, answer: Answer, context: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = answer
        self.context = context
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.tls_failures = 0

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs on the connection's own thread, so a client that
        # refuses our certificate cannot stall the accept loop.
        if self.context is None:
            super().finish_request(request, client_address)
            return
        try:
            request.settimeout(_SOCKET_TIMEOUT)
            wrapped = self.context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            with self.lock:
                self.tls_failures += 1
            return
        # The wrapped socket is a new object that socketserver does not know to close.
        with wrapped:
            super().finish_request(wrapped, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up early is part of what the tests provoke.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = _SOCKET_TIMEOUT

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _record(self) -> Seen:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = Seen(
            method=self.command,
            target=self.path,
            headers={key.lower(): value for key, value in self.headers.items()},
            body=body,
        )
        with self.server.lock:
            self.server.seen.append(seen)
        return seen

    def _answer(self) -> None:
        seen = self._record()
        reply = self.server.answer(seen)
        if reply is None:
            # Hang up without answering.
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if reply.chunked:
            step = 64 * 1024
            for start in range(0, len(reply.body), step):
                piece = reply.body[start : start + step]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(reply.body)
        self.close_connection = True

    do_GET = do_POST = do_PUT = _answer

    def do_CONNECT(self) -> None:
        """A tunnelling proxy: record the CONNECT, then pipe bytes both ways."""
        self._record()
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host, int(port)), timeout=_SOCKET_TIMEOUT)
        except OSError:
            self.send_error(502)
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        with upstream:
            _pipe(self.connection, upstream)
        self.close_connection = True


def _pipe(one: socket.socket, other: socket.socket) -> None:
    peers = {one: other, other: one}
    while True:
        ready, _, _ = select.select(list(peers), [], [], _SOCKET_TIMEOUT)
        if not ready:
            return
        for sock in ready:
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            try:
                peers[sock].sendall(data)
            except OSError:
                return


class LocalServer:
    """A local HTTP (or, with ``context``, HTTPS) server answering with ``answer``."""

    def __init__(
        self,
        answer: Answer | Reply,
        *,
        context: ssl.SSLContext | None = None,
    ) -> None:
        if isinstance(answer, Reply):
            fixed = answer
            answer = lambda _seen: fixed  # noqa: E731
        self._server = _Server(answer, context)
        self.port: int = self._server.server_address[1]
        scheme = "https" if context is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def seen(self) -> list[Seen]:
        with self._server.lock:
            return list(self._server.seen)

    @property
    def tls_failures(self) -> int:
        with self._server.lock:
            return self._server.tls_failures

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


def forward_to(base_url: str) -> Answer:
    """A reverse proxy: forwards each request (method, path, headers, body) to ``base_url``
    over plain HTTP and relays the answer."""
    host, _, port = base_url.removeprefix("http://").partition(":")

    def answer(seen: Seen) -> Reply:
        conn = http.client.HTTPConnection(host, int(port), timeout=_SOCKET_TIMEOUT)
        try:
            skip = {"host", "connection", "content-length", "transfer-encoding"}
            headers = {k: v for k, v in seen.headers.items() if k not in skip}
            conn.request(seen.method, seen.target, body=seen.body, headers=headers)
            response = conn.getresponse()
            body = response.read()
            kept = [
                (k, v)
                for k, v in response.getheaders()
                if k.lower() in {"content-type", "retry-after", "content-encoding"}
            ]
            return Reply(status=response.status, body=body, headers=kept)
        finally:
            conn.close()

    return answer
