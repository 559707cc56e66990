"""A compressing reverse proxy, as in front of most production APIs (nginx ``gzip on`` for
JSON): HTTP/1.1 keep-alive in both directions, and a 2xx JSON answer gzipped (level 1, like
nginx's default) when the request's ``Accept-Encoding`` names gzip; anything else passes
through unchanged.

    python bench/gzip_proxy.py --listen HOST --upstream http://127.0.0.1:PORT [--level 1]

prints ``listening PORT`` once it accepts connections. Each client connection gets its own
upstream connection, so the answers of one client never wait behind another's. The compressor
is zlib (C); it runs in a worker thread, so the event loop keeps serving while a page is
compressed.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import zlib
from urllib.parse import urlsplit

import common


def _wants_gzip(head: bytes) -> bool:
    """Whether the request's Accept-Encoding names gzip with a non-zero q."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() != b"accept-encoding":
            continue
        for item in value.decode("latin-1").split(","):
            coding, _, params = item.partition(";")
            q = params.strip().removeprefix("q=") or "1"
            if coding.strip().lower() == "gzip" and float(q) > 0:
                return True
    return False


async def _read_message(reader: asyncio.StreamReader) -> tuple[bytes, bytes] | None:
    """One HTTP/1.1 message with a Content-Length body (what the fake server and the clients
    send); None at a clean end of the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return head, body


def _gzip(body: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    return compressor.compress(body) + compressor.flush()


def _compressed_head(head: bytes, length: int) -> bytes:
    lines = [
        line
        for line in head.rstrip(b"\r\n").split(b"\r\n")
        if line.partition(b":")[0].strip().lower() not in (b"content-length", b"content-encoding")
    ]
    lines += [b"content-encoding: gzip", b"vary: accept-encoding", b"content-length: %d" % length]
    return b"\r\n".join(lines) + b"\r\n\r\n"


async def _serve(
    client_r: asyncio.StreamReader,
    client_w: asyncio.StreamWriter,
    upstream: tuple[str, int],
    level: int,
) -> None:
    up_r, up_w = await asyncio.open_connection(*upstream)
    try:
        while (request := await _read_message(client_r)) is not None:
            up_w.write(request[0] + request[1])
            response = await _read_message(up_r)
            if response is None:
                return
            head, body = response
            status_ok = head[9:10] == b"2"
            is_json = b"application/json" in head.lower()
            if status_ok and is_json and _wants_gzip(request[0]):
                body = await asyncio.to_thread(_gzip, body, level)
                head = _compressed_head(head, len(body))
            client_w.write(head + body)
            await client_w.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        up_w.close()
        client_w.close()


async def _main(listen: str, upstream_url: str, level: int) -> None:
    parts = urlsplit(upstream_url)
    upstream = (parts.hostname or "127.0.0.1", parts.port or 80)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve(reader, writer, upstream, level)

    server = await asyncio.start_server(handle, listen, 0)
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    async with server:
        await server.serve_forever()


class ProxyProcess:
    """This proxy in a subprocess (``wrapper`` prefixes the command, as for the server);
    ``url`` is where clients reach it. A context manager: stopped on exit."""

    def __init__(self, *, listen: str, upstream: str, wrapper: list[str], level: int = 1) -> None:
        argv = [*wrapper, sys.executable, __file__, "--listen", listen, "--upstream", upstream]
        argv += ["--level", str(level)]
        self._proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        line = self._proc.stdout.readline() if self._proc.stdout else ""
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError(f"the gzip proxy did not start: {line!r}")
        self.port = int(line.split()[1])
        self.url = f"http://{listen}:{self.port}"

    def stop(self) -> None:
        common.stop_process(self._proc)

    def __enter__(self) -> ProxyProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", default="127.0.0.1")
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--level", type=int, default=1, help="gzip level (default 1, as nginx)")
    args = parser.parse_args(argv)
    asyncio.run(_main(args.listen, args.upstream, args.level))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
