"""Compressed answers: on by default, off on request (client, async client, CLI; the
Airflow extra is tested in tests_airflow/), decoded correctly, bounded by
``max_response_bytes`` after decoding, and a broken compressed body is a typed, retried
error after which the client keeps working.

The fake server records the ``Accept-Encoding`` and ``Content-Encoding`` of each request,
compresses like a production proxy and scripts the compressed-body faults (cut streams,
lying encodings, a gzip bomb); a local server sends gzip and deflate bodies made here with the
standard library.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import talque
from _cli import run_cli
from _local_http import LocalServer, Reply, Seen, forward_to
from talque.testing import FakeServer

ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda data: gzip.compress(data, compresslevel=1),
    # HTTP's "deflate" is the zlib format (RFC 9110).
    "deflate": zlib.compress,
}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeServer]:
    with FakeServer(tickets=120, seed=4) as server:
        yield server


def page_body(count: int) -> bytes:
    tickets = [{"ticketId": f"t{index}", "note": "x" * 50} for index in range(count)]
    return json.dumps({"orgId": "org", "tickets": tickets, "cursor": None, "more": False}).encode()


def compressed(encoding: str, body: bytes) -> Reply:
    return Reply(
        body=body,
        headers=[
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Encoding", encoding),
        ],
    )


def client_for(server: LocalServer, **options: object) -> talque.TalqueClient:
    return talque.TalqueClient("id", "secret", base_url=server.url, **options)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# Negotiation: what the server is asked for


def accepted(server: FakeServer) -> str | None:
    (entry,) = server.requests("list")
    value: str | None = entry["headers"].get("accept-encoding")
    return value


def test_compression_is_asked_for_by_default(fake: FakeServer) -> None:
    fake.clear_requests()
    with fake.client() as client:
        assert client.compression is True
        assert len(list(client.list(fake.org_id, limit=1000))) == 120
    offered = {part.strip() for part in (accepted(fake) or "").split(",")}
    assert offered == {"gzip", "deflate", "br", "zstd"}


def test_compression_off_sends_no_accept_encoding(fake: FakeServer) -> None:
    fake.clear_requests()
    with fake.client(compression=False) as client:
        assert client.compression is False
        assert len(list(client.list(fake.org_id, limit=1000))) == 120
    assert accepted(fake) is None


def test_the_async_client_passes_the_option_through(fake: FakeServer) -> None:
    async def count() -> int:
        async with talque.AsyncTalqueClient(
            fake.client_id, fake.secret, base_url=fake.url, compression=False
        ) as client:
            return len([ticket async for ticket in client.list(fake.org_id, limit=1000)])

    fake.clear_requests()
    assert asyncio.run(count()) == 120
    assert accepted(fake) is None


@pytest.mark.parametrize(("flag", "expect_header"), [((), True), (("--no-compression",), False)])
def test_the_cli_passes_the_option_through(
    fake: FakeServer, flag: tuple[str, ...], expect_header: bool
) -> None:
    fake.clear_requests()
    done = run_cli(fake, "list", fake.org_id, "--page-size", "1000", "-q", *flag)
    assert done.returncode == 0, done.stderr
    assert (accepted(fake) is not None) is expect_header


# ---------------------------------------------------------------------------------------
# Decoding


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_compressed_pages_are_decoded(encoding: str) -> None:
    plain = page_body(300)
    with LocalServer(compressed(encoding, ENCODERS[encoding](plain))) as server:
        with client_for(server, max_retries=0) as client:
            tickets = list(client.list("org", limit=300))
    assert tickets == json.loads(plain)["tickets"]


def test_a_decompression_bomb_raises_invalid_response() -> None:
    # About 64 KB on the wire, 64 MiB decoded, against a 4 MiB bound.
    bomb = gzip.compress(bytes(64 << 20), compresslevel=9)
    assert len(bomb) < 1 << 20
    with LocalServer(compressed("gzip", bomb)) as server:
        with client_for(server, max_retries=2, max_response_bytes=4 << 20) as client:
            with pytest.raises(talque.InvalidResponseError, match="max_response_bytes"):
                list(client.list("org"))
        assert len(server.seen) == 1, "a bomb is not retried"


def test_an_encoding_that_was_not_asked_for_raises_invalid_response() -> None:
    body = ENCODERS["gzip"](page_body(3))
    with LocalServer(compressed("gzip", body)) as server:
        with client_for(server, max_retries=2, compression=False) as client:
            with pytest.raises(talque.InvalidResponseError, match="Content-Encoding"):
                list(client.list("org"))
        assert len(server.seen) == 1


class FirstBroken:
    """Answers the first request with ``broken``, every later one with a valid gzip page."""

    def __init__(self, broken: Reply, plain: bytes) -> None:
        self.broken = broken
        self.good = compressed("gzip", ENCODERS["gzip"](plain))
        self.calls = 0

    def __call__(self, _seen: Seen) -> Reply:
        self.calls += 1
        return self.broken if self.calls == 1 else self.good


@pytest.mark.parametrize(
    "breakage",
    ["truncated", "lying-plain", "garbage"],
)
@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_a_broken_compressed_body_is_retried_and_the_client_stays_usable(
    encoding: str, breakage: str
) -> None:
    plain = page_body(200)
    broken = {
        "truncated": ENCODERS[encoding](plain)[: len(ENCODERS[encoding](plain)) // 2],
        "lying-plain": plain,
        "garbage": bytes(range(256)) * 8,
    }[breakage]
    answer = FirstBroken(compressed(encoding, broken), plain)
    with LocalServer(answer) as server:
        with client_for(server, max_retries=0) as client:
            with pytest.raises(talque.APIConnectionError):
                list(client.list("org", limit=200))
            assert len(list(client.list("org", limit=200))) == 200
        answer.calls = 0
        with client_for(server, max_retries=1) as client:
            assert len(list(client.list("org", limit=200))) == 200
        assert len(server.seen) == 4


@pytest.mark.parametrize("output_format", ["jsonl", "csv"])
def test_exports_write_compressed_pages(
    fake: FakeServer, tmp_path: Path, output_format: str
) -> None:
    # The fake server's real tickets, served gzipped: the export's Rust writer gets the
    # decoded page, exactly as from a plain answer.
    plain_path, gzip_path = tmp_path / f"plain.{output_format}", tmp_path / f"gz.{output_format}"
    with fake.client(compression=False) as client:
        client.export(fake.org_id, plain_path, limit=1000)
    with LocalServer(gzip_forward_to(fake.url)) as front:
        with talque.TalqueClient(fake.client_id, fake.secret, base_url=front.url) as client:
            result = client.export(fake.org_id, gzip_path, limit=50)
        assert all(seen.headers.get("accept-encoding") for seen in front.seen)
    assert result.tickets == 120
    assert gzip_path.read_bytes() == plain_path.read_bytes()


def gzip_forward_to(base_url: str) -> Callable[[Seen], Reply]:
    """Forwards to ``base_url`` and gzips each 2xx JSON answer, as a compressing proxy."""
    forward = forward_to(base_url)

    def answer(seen: Seen) -> Reply:
        # The fake server compresses too when asked; this proxy asks it for plain JSON.
        headers = {k: v for k, v in seen.headers.items() if k != "accept-encoding"}
        reply = forward(Seen(seen.method, seen.target, headers, seen.body))
        if reply.status == 200:
            return compressed("gzip", ENCODERS["gzip"](reply.body))
        return reply

    return answer


# ---------------------------------------------------------------------------------------
# Against the fake server's own compression and its compressed-body faults


@pytest.mark.parametrize("compression", [True, False])
def test_the_fake_server_compresses_what_talque_accepts(
    fake: FakeServer, compression: bool
) -> None:
    fake.clear_requests()
    with fake.client(compression=compression) as client:
        assert list(client.list(fake.org_id, limit=50)) == fake.tickets()
    encodings = {entry["content_encoding"] for entry in fake.requests("list")}
    if compression:
        assert encodings <= {"gzip", "br", "zstd", "deflate"} and encodings, encodings
    else:
        assert encodings == {None}, encodings


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd", "deflate"])
@pytest.mark.parametrize("kind", ["compressed_truncate", "lying_encoding"])
def test_broken_compressed_answers_of_the_fake_are_retried(
    fake: FakeServer, kind: str, encoding: str
) -> None:
    fake.clear_faults()
    fake.fail(kind, endpoint="list", encoding=encoding, skip=1)
    with fake.client(max_retries=1) as client:
        assert list(client.list(fake.org_id, limit=50)) == fake.tickets()
    fake.clear_faults()
    fake.fail(kind, endpoint="list", encoding=encoding)
    with fake.client(max_retries=0) as client:
        with pytest.raises(talque.APIConnectionError):
            list(client.list(fake.org_id, limit=50))
        # The client stays usable.
        assert len(list(client.list(fake.org_id, limit=50))) == 120


def test_the_fake_servers_gzip_bomb_raises_invalid_response(fake: FakeServer) -> None:
    fake.clear_faults()
    fake.clear_requests()
    fake.fail("gzip_bomb", endpoint="list", inflated_bytes=1 << 30)
    with fake.client(max_retries=2, max_response_bytes=16 << 20) as client:
        with pytest.raises(talque.InvalidResponseError, match="max_response_bytes"):
            list(client.list(fake.org_id))
        assert len(list(client.list(fake.org_id, limit=1000))) == 120
    assert len(fake.requests("list")) == 2, "the bomb is not retried"
