"""Security (issue 6): TLS verification, proxies from the environment, redirects that
never carry the credentials to another origin, and secrets that never leak on these paths.

Certificates are minted here with trustme; the HTTPS server is a local reverse proxy in
front of the fake server (``_local_http``). Tests that change the environment (proxies,
``SSL_CERT_FILE``) run the client in a subprocess, because the core reads the environment
when a client is built and a changed environment must not leak into other tests.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import pickle
import re
import ssl
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

import talque
from _local_http import LocalServer, Reply, Seen, forward_to, json_reply
from talque.testing import FakeServer

CLIENT_ID = "security-client-id"
SECRET = "s3cr3t-SECURITY-do-not-leak"
PAGE = '{"orgId":"o","tickets":[{"ticketId":"via-%s"}],"cursor":null,"more":false}'
PROXY_VARS = (
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)
TLS_WORDS = re.compile(r"certificate|tls|ssl|handshake|issuer", re.IGNORECASE)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeServer]:
    with FakeServer(tickets=40, seed=3, client_id=CLIENT_ID, secret=SECRET) as server:
        yield server


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_pem(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "test-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def _server_context(ca: trustme.CA, *identities: str, **issue: Any) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*(identities or ("127.0.0.1", "localhost")), **issue).configure_cert(context)
    return context


@pytest.fixture(scope="module")
def https_fake(fake: FakeServer, ca: trustme.CA) -> Iterator[LocalServer]:
    """The fake server behind an HTTPS reverse proxy with a certificate of the test CA."""
    with LocalServer(forward_to(fake.url), context=_server_context(ca)) as server:
        yield server


def _client(base_url: str, **kwargs: Any) -> talque.TalqueClient:
    kwargs.setdefault("max_retries", 0)
    kwargs.setdefault("timeout", 10.0)
    return talque.TalqueClient(CLIENT_ID, SECRET, base_url=base_url, **kwargs)


def _assert_no_secret_anywhere(exc: BaseException) -> None:
    texts = [str(exc), repr(exc), repr(exc.args), repr(vars(exc))]
    texts.append("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    for text in texts:
        assert SECRET not in text
    assert SECRET.encode() not in pickle.dumps(exc)


# ---------------------------------------------------------------------------------------
# TLS


@pytest.fixture(scope="module")
def tls_fake(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeServer]:
    """The fake server speaking HTTPS itself, with a certificate of the test CA."""
    pem = tmp_path_factory.mktemp("tls") / "server.pem"
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(str(pem))
    with FakeServer(
        tickets=40, seed=3, client_id=CLIENT_ID, secret=SECRET, tls_cert_file=pem
    ) as server:
        yield server


@pytest.mark.parametrize("compression", [True, False])
def test_a_many_page_listing_over_tls_reuses_its_connection(
    tls_fake: FakeServer, ca_pem: Path, compression: bool
) -> None:
    assert tls_fake.url.startswith("https://")
    tls_fake.clear_requests()
    with _client(tls_fake.url, ca_bundle=ca_pem, compression=compression) as client:
        assert list(client.list(tls_fake.org_id, limit=5)) == tls_fake.tickets()
    entries = tls_fake.requests("list")
    stats = tls_fake.stats()
    assert len(entries) == 40 // 5
    # One handshake per connection, and the connections do not grow with the pages: the
    # pool reuses them. It may hold two: a prefetch sent the instant the previous answer
    # ended can miss that connection's return to hyper's pool, which then starts a second
    # one in the background (hyper-util races a new connection against the pool; no option
    # turns that off, hyperium/hyper#4134). The request itself may still take the first
    # one, leaving the second idle in the pool, so no later page needs a handshake.
    assert stats["tls_handshakes"] == stats["connections"] <= 2, stats
    assert 1 <= len({entry["connection"] for entry in entries}) <= stats["connections"]
    assert stats["tls_failures"] == 0


def test_https_with_the_test_ca_as_ca_bundle_works(
    fake: FakeServer, https_fake: LocalServer, ca_pem: Path
) -> None:
    with _client(https_fake.url, ca_bundle=ca_pem) as client:
        assert list(client.list(fake.org_id)) == fake.tickets()
    with _client(https_fake.url, ca_bundle=str(ca_pem)) as client:
        tickets = fake.tickets()
        result = client.read(fake.org_id, tickets[0]["provider"], [tickets[0]["ticketId"]])
        assert result[tickets[0]["ticketId"]]["model"] == tickets[0]


def test_https_with_an_untrusted_ca_fails_with_a_clear_connection_error(
    https_fake: LocalServer, fake: FakeServer
) -> None:
    # Verification is on by default: the system roots do not include the test CA.
    before = https_fake.tls_failures
    seen_before = len(https_fake.seen)
    with _client(https_fake.url) as client, pytest.raises(talque.APIConnectionError) as info:
        list(client.list(fake.org_id))
    assert not isinstance(info.value, talque.APITimeoutError)
    message = str(info.value)
    assert TLS_WORDS.search(message), message
    assert "127.0.0.1" in message
    _assert_no_secret_anywhere(info.value)
    # The server notices the refused handshake a moment after the client gave up.
    deadline = time.monotonic() + 5
    while https_fake.tls_failures == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert https_fake.tls_failures > before
    # Nothing was sent over the refused connection.
    assert len(https_fake.seen) == seen_before


def test_a_ca_bundle_of_another_ca_does_not_make_the_server_trusted(
    https_fake: LocalServer, fake: FakeServer, tmp_path: Path
) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    with _client(https_fake.url, ca_bundle=other) as client:
        with pytest.raises(talque.APIConnectionError, match=TLS_WORDS):
            list(client.list(fake.org_id))


@pytest.mark.parametrize(
    ("identities", "issue", "why"),
    [
        pytest.param(("other.example",), {}, "name", id="wrong-host-name"),
        pytest.param(
            ("127.0.0.1",),
            {
                "not_before": datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc),
                "not_after": datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc),
            },
            "expired",
            id="expired",
        ),
    ],
)
def test_certificates_that_do_not_fit_are_refused_even_from_a_trusted_ca(
    ca: trustme.CA, ca_pem: Path, identities: Any, issue: dict[str, Any], why: str
) -> None:
    with LocalServer(
        json_reply(PAGE % "bad-cert"), context=_server_context(ca, *identities, **issue)
    ) as server:
        with _client(server.url, ca_bundle=ca_pem) as client:
            with pytest.raises(talque.APIConnectionError, match=TLS_WORDS) as info:
                list(client.list("org"))
        assert server.seen == [], "a request went over a connection that should not exist"
    _assert_no_secret_anywhere(info.value)


def test_plain_http_to_a_tls_server_is_a_connection_error(https_fake: LocalServer) -> None:
    plain = https_fake.url.replace("https://", "http://")
    with _client(plain) as client, pytest.raises(talque.APIConnectionError) as info:
        list(client.list("org"))
    _assert_no_secret_anywhere(info.value)


def test_tls_failures_log_no_secret(
    https_fake: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="talque")
    with _client(https_fake.url, max_retries=1) as client:
        with pytest.raises(talque.APIConnectionError):
            client.read("org", "p", ["a"])
    assert caplog.records, "expected DEBUG lines for the request and its retry"
    assert SECRET not in caplog.text
    for record in caplog.records:
        assert SECRET not in repr(record.args)


# ---------------------------------------------------------------------------------------
# The environment: SSL_CERT_FILE and proxies, each in a subprocess

CHILD = r"""
import json, os, sys
import talque
args = json.loads(sys.argv[1])
try:
    with talque.TalqueClient(args["client_id"], args["secret"], base_url=args["base_url"],
                             max_retries=0, timeout=10.0, **args.get("options", {})) as client:
        tickets = list(client.list(args["org_id"]))
    print(json.dumps({"ok": [t.get("ticketId") for t in tickets]}))
except talque.TalqueError as err:
    print(json.dumps({"error": type(err).__name__, "message": str(err), "args": repr(err.args)}))
"""


def _child(
    base_url: str, env: dict[str, str], org_id: str = "org", **options: Any
) -> dict[str, Any]:
    clean = {key: value for key, value in os.environ.items() if key not in PROXY_VARS}
    clean.update(env)
    args = {
        "client_id": CLIENT_ID,
        "secret": SECRET,
        "base_url": base_url,
        "org_id": org_id,
        "options": options,
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(args)],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_ssl_cert_file_is_honoured(https_fake: LocalServer, fake: FakeServer, ca_pem: Path) -> None:
    trusted = _child(https_fake.url, {"SSL_CERT_FILE": str(ca_pem)}, fake.org_id)
    assert trusted == {"ok": [t["ticketId"] for t in fake.tickets()]}
    untrusted = _child(https_fake.url, {}, fake.org_id)
    assert untrusted["error"] == "APIConnectionError", untrusted
    assert TLS_WORDS.search(untrusted["message"]), untrusted


class Proxy:
    """A recording HTTP proxy: answers absolute-URI requests itself, tunnels CONNECT."""

    def __init__(self) -> None:
        self.server = LocalServer(self._answer)

    def _answer(self, seen: Seen) -> Reply:
        return json_reply(PAGE % "proxy")

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def seen(self) -> list[Seen]:
        return self.server.seen


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    recording = Proxy()
    yield recording
    recording.server.close()


@pytest.fixture
def target() -> Iterator[LocalServer]:
    with LocalServer(json_reply(PAGE % "direct")) as server:
        yield server


@pytest.mark.parametrize("name", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_http_proxy_is_used_for_http_base_urls(
    proxy: Proxy, target: LocalServer, name: str
) -> None:
    assert _child(target.url, {name: proxy.url}) == {"ok": ["via-proxy"]}
    assert target.seen == []
    (seen,) = proxy.seen
    # A forward proxy gets the absolute URI of the target.
    assert seen.method == "POST"
    assert seen.target == f"{target.url}/api/v1/ticket/list"
    assert seen.headers["x-tq-client-id"] == CLIENT_ID


@pytest.mark.parametrize(
    ("host", "no_proxy"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.0.0.1", "example.org, 127.0.0.1"),
        ("127.0.0.1", "127.0.0.0/8"),
        ("localhost", "localhost"),
        # "*" matches host names only: hyper-util's matcher checks an IP-literal host
        # against the IP entries alone, so NO_PROXY=* does not bypass http://127.0.0.1.
        ("localhost", "*"),
    ],
)
def test_no_proxy_bypasses_the_proxy(
    proxy: Proxy, target: LocalServer, host: str, no_proxy: str
) -> None:
    url = target.url.replace("127.0.0.1", host)
    result = _child(url, {"HTTP_PROXY": proxy.url, "no_proxy": no_proxy})
    assert result == {"ok": ["via-direct"]}
    assert proxy.seen == []
    assert len(target.seen) == 1


def test_https_proxy_tunnels_and_never_sees_the_credentials(
    proxy: Proxy, https_fake: LocalServer, fake: FakeServer, ca_pem: Path
) -> None:
    result = _child(
        https_fake.url,
        {"HTTPS_PROXY": proxy.url, "HTTP_PROXY": "http://127.0.0.1:9"},
        fake.org_id,
        ca_bundle=str(ca_pem),
    )
    assert result == {"ok": [t["ticketId"] for t in fake.tickets()]}
    (connect,) = proxy.seen
    assert connect.method == "CONNECT"
    assert connect.target == f"127.0.0.1:{https_fake.port}"
    # Through the tunnel the request is TLS: the proxy saw neither header nor body.
    assert "x-tq-secret" not in connect.headers and "x-tq-client-id" not in connect.headers


def test_an_unreachable_proxy_is_a_connection_error_without_the_secret(
    target: LocalServer,
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = _child(target.url, {"HTTP_PROXY": dead})
    assert result["error"] == "APIConnectionError", result
    assert target.seen == []


# ---------------------------------------------------------------------------------------
# Redirects: same origin followed, any other origin never sees the credentials


@pytest.fixture
def elsewhere() -> Iterator[LocalServer]:
    with LocalServer(json_reply(PAGE % "elsewhere")) as server:
        yield server


def _redirecting(status: int, location: str) -> LocalServer:
    return LocalServer(Reply(status=status, body=b"", headers=[("Location", location)]))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize(
    "where",
    [
        "http://127.0.0.1:{port}/api/v1/ticket/list",
        "http://localhost:{port}/api/v1/ticket/list",
        "//127.0.0.1:{port}/api/v1/ticket/list",
    ],
)
def test_cross_origin_redirects_are_not_followed(
    elsewhere: LocalServer, status: int, where: str
) -> None:
    with _redirecting(status, where.format(port=elsewhere.port)) as origin:
        with _client(origin.url) as client, pytest.raises(talque.APIStatusError) as info:
            list(client.list("org"))
        assert len(origin.seen) == 1
        assert origin.seen[0].headers["x-tq-secret"] == SECRET
    assert info.value.status_code == status
    assert elsewhere.seen == [], [s.headers for s in elsewhere.seen]
    _assert_no_secret_anywhere(info.value)


def test_redirect_from_http_to_https_on_another_port_is_not_followed(
    ca: trustme.CA, ca_pem: Path
) -> None:
    with LocalServer(json_reply(PAGE % "tls"), context=_server_context(ca)) as secure:
        with _redirecting(307, f"{secure.url}/api/v1/ticket/list") as origin:
            with _client(origin.url, ca_bundle=ca_pem) as client:
                with pytest.raises(talque.APIStatusError):
                    client.read("org", "p", ["a"])
        assert secure.seen == [] and secure.tls_failures == 0


def test_redirect_from_https_to_http_is_not_followed(
    ca: trustme.CA, ca_pem: Path, elsewhere: LocalServer
) -> None:
    redirect = Reply(status=308, headers=[("Location", f"{elsewhere.url}/api/v1/ticket/list")])
    with LocalServer(redirect, context=_server_context(ca)) as origin:
        with _client(origin.url, ca_bundle=ca_pem) as client:
            with pytest.raises(talque.APIStatusError) as info:
                list(client.list("org"))
    assert info.value.status_code == 308
    assert elsewhere.seen == []


def test_a_same_origin_hop_then_a_cross_origin_hop_stops_before_leaving(
    elsewhere: LocalServer,
) -> None:
    def answer(seen: Seen) -> Reply:
        if seen.target.endswith("/hop"):
            return Reply(status=307, headers=[("Location", f"{elsewhere.url}/steal")])
        return Reply(status=307, headers=[("Location", "/hop")])

    with LocalServer(answer) as origin:
        with _client(origin.url) as client, pytest.raises(talque.APIStatusError):
            list(client.list("org"))
        assert [seen.target for seen in origin.seen] == ["/api/v1/ticket/list", "/hop"]
    assert elsewhere.seen == []


@pytest.mark.parametrize("status", [307, 308])
def test_same_origin_redirects_are_followed_with_method_body_and_credentials(status: int) -> None:
    def answer(seen: Seen) -> Reply:
        if seen.target == "/moved/api/v1/ticket/list":
            return json_reply(PAGE % "moved")
        return Reply(status=status, headers=[("Location", "/moved/api/v1/ticket/list")])

    with LocalServer(answer) as origin:
        with _client(origin.url) as client:
            assert [t["ticketId"] for t in client.list("org", limit=7)] == ["via-moved"]
        first, second = origin.seen
    assert second.method == "POST"
    assert second.body == first.body and json.loads(second.body)["limit"] == 7
    assert second.headers["x-tq-secret"] == SECRET
    assert second.headers["x-tq-client-id"] == CLIENT_ID


def test_a_same_origin_redirect_loop_ends(elsewhere: LocalServer) -> None:
    with LocalServer(Reply(status=307, headers=[("Location", "/again")])) as origin:
        with _client(origin.url, max_retries=2) as client:
            with pytest.raises(talque.APIStatusError) as info:
                list(client.list("org"))
        # The first request and at most five hops; a 3xx is not retried.
        assert 2 <= len(origin.seen) <= 6
    assert info.value.status_code == 307


# ---------------------------------------------------------------------------------------
# Secrets on the remaining paths (a bad secret given to a client is refused without echo:
# tests/test_options.py)


def test_a_huge_secret_never_appears_in_the_error(fake: FakeServer) -> None:
    huge = "S" * 200_000 + "-do-not-leak"
    with talque.TalqueClient(CLIENT_ID, huge, base_url=fake.url, max_retries=0) as client:
        with pytest.raises(talque.TalqueError) as info:
            list(client.list(fake.org_id))
    for text in (str(info.value), repr(info.value), repr(vars(info.value))):
        assert "S" * 64 not in text
    assert len(pickle.dumps(info.value)) < 100_000
