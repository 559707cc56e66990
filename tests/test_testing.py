"""``talque.testing``: the FakeServer helper, its pytest fixture and its command line."""

from __future__ import annotations

import gzip
import http.client
import importlib.metadata
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

import talque
from talque.testing import FakeServer

# ---------------------------------------------------------------------------------------
# The helper as a context manager, its attributes and its data


def test_context_manager_serves_then_stops() -> None:
    with FakeServer(tickets=30) as server:
        assert server.url.startswith("http://127.0.0.1:")
        port = int(server.url.rsplit(":", 1)[1])
        assert port > 0
        client = server.client(max_retries=0, timeout=5.0)
        assert len(list(client.list(server.org_id))) == 30
    # Stopped on exit: the port no longer answers, and stopping again is harmless.
    with pytest.raises(talque.APIConnectionError):
        list(client.list(server.org_id))
    server.stop()
    client.close()


def test_attributes(server: FakeServer) -> None:
    assert isinstance(server.client_id, str) and server.client_id
    assert isinstance(server.secret, str) and server.secret
    assert server.env() == {
        "TALQUE_BASE_URL": server.url,
        "TALQUE_CLIENT_ID": server.client_id,
        "TALQUE_SECRET": server.secret,
    }
    org_ids = [org["org_id"] for org in server.orgs]
    assert server.org_id == org_ids[0]
    assert len(set(org_ids)) == len(org_ids) >= 4
    forbidden = [org for org in server.orgs if org["forbidden"]]
    assert [org["org_id"] for org in forbidden] == [server.forbidden_org_id]
    assert server.forbidden_org_id != server.org_id
    assert server.orgs[0]["ticket_count"] == 1_000
    counts = sorted(org["ticket_count"] for org in server.orgs[1:] if not org["forbidden"])
    assert counts[0] == 0, "there is an empty org"
    assert server.secret not in repr(server)


def test_defaults() -> None:
    with FakeServer() as server:
        assert server.client_id == "fake-client-id"
        assert server.secret == "fake-secret"
        assert len(server.tickets()) == 1_000
        assert server.orgs[0]["ticket_count"] == 1_000


def test_tickets_equal_what_the_client_lists(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    for org in server.orgs:
        truth = server.tickets(org["org_id"])
        assert len(truth) == org["ticket_count"]
        if org["forbidden"]:
            with pytest.raises(talque.PermissionDeniedError):
                list(client.list(org["org_id"]))
        else:
            assert list(client.list(org["org_id"], limit=97)) == truth
    assert server.tickets() == server.tickets(server.org_id)
    with pytest.raises(KeyError):
        server.tickets("orgDoesNotExist00000")


def test_synthetic_tickets_use_every_field(server: FakeServer) -> None:
    tickets = server.tickets()
    keys = set().union(*tickets)
    for field in (
        "orgTicketId",
        "ticketId",
        "ctime",
        "mtime",
        "provider",
        "holder",
        "checkIns",
        "mainId",
        "purchaser",
        "extData",
    ):
        assert field in keys, field
    assert len({t["orgTicketId"] for t in tickets}) == len(tickets)
    assert any(t.get("mainId") for t in tickets), "some add-ons"
    assert any(t.get("purchaser") for t in tickets), "some purchasers"
    assert any(t.get("checkIns") for t in tickets), "some check-ins"
    assert any("purchaser" not in t or t["purchaser"] is None for t in tickets), (
        "absent or null purchaser"
    )
    names = " ".join(
        str(t["holder"].get("firstName")) + str(t["holder"].get("lastName")) for t in tickets
    )
    assert not names.isascii(), "unicode names"
    ext_kinds = {type(t["extData"]).__name__ for t in tickets if "extData" in t}
    assert {"dict", "list", "str", "bool", "NoneType"} <= ext_kinds, ext_kinds
    assert ext_kinds & {"int", "float"}, ext_kinds


def test_same_seed_gives_identical_tickets() -> None:
    with (
        FakeServer(tickets=120, seed=5) as one,
        FakeServer(tickets=120, seed=5) as two,
        FakeServer(tickets=120, seed=6) as other,
    ):
        assert one.url != two.url
        assert one.tickets() == two.tickets()
        assert json.dumps(one.tickets()) == json.dumps(two.tickets())
        with one.client() as c1, two.client() as c2:
            assert list(c1.list(one.org_id)) == list(c2.list(two.org_id)) == one.tickets()
        assert other.tickets() != one.tickets()


# ---------------------------------------------------------------------------------------
# The request log and faults


def _headers(entry: dict[str, Any]) -> dict[str, str]:
    return {str(key).lower(): value for key, value in entry["headers"].items()}


def _body(entry: dict[str, Any]) -> Any:
    body = entry["body"]
    return json.loads(body) if isinstance(body, str) else body


def test_request_log(server: FakeServer, client: talque.TalqueClient) -> None:
    assert server.requests() == []
    ticket = server.tickets()[3]
    list(client.list(server.org_id, limit=600))
    client.read(server.org_id, ticket["provider"], [ticket["ticketId"], "nope"])
    entries = server.requests()
    assert [e["path"] for e in entries] == ["/api/v1/ticket/list"] * 2 + ["/api/v1/ticket/read"]
    assert server.requests("list") == entries[:2]
    assert server.requests("read") == entries[2:]

    first, second, read = entries
    assert _body(first)["orgId"] == server.org_id
    assert _body(first)["limit"] == 600
    assert _body(first).get("cursor") is None
    assert isinstance(_body(second)["cursor"], str) and _body(second)["cursor"]
    assert _body(read) == {
        "orgId": server.org_id,
        "provider": ticket["provider"],
        "ticketIdList": [ticket["ticketId"], "nope"],
    }
    for entry in entries:
        headers = _headers(entry)
        assert headers["x-tq-client-id"] == server.client_id
        assert headers.get("x-tq-secret") != server.secret
        assert entry["authorized"] is True
        assert entry["status"] == 200
        assert entry["completed"] is True
    assert server.secret not in json.dumps(entries)

    server.clear_requests()
    assert server.requests() == []


def test_fail_rejects_unknown_kinds(server: FakeServer, client: talque.TalqueClient) -> None:
    with pytest.raises(ValueError, match="explode"):
        server.fail("explode")
    # Nothing was scripted: the next request succeeds.
    assert len(list(client.list(server.org_id, limit=1000))) == 1_000
    assert len(server.requests()) == 1


def test_fail_scripts_the_next_matching_request(server: FakeServer) -> None:
    server.fail("status", endpoint="read", status=418, skip=1)
    ticket = server.tickets()[0]
    with server.client(max_retries=0) as client:
        list(client.list(server.org_id, limit=1000))  # not a read: unaffected
        client.read(server.org_id, ticket["provider"], [ticket["ticketId"]])  # skipped
        with pytest.raises(talque.APIStatusError) as info:
            client.read(server.org_id, ticket["provider"], [ticket["ticketId"]])
        assert info.value.status_code == 418
        client.read(server.org_id, ticket["provider"], [ticket["ticketId"]])  # used up


def test_edit_tickets_changes_later_listings(server: FakeServer) -> None:
    before = server.tickets()
    target = before[20]  # pages ahead, even if the pager fetches one page early
    started_ms = time.time() * 1000
    with server.client() as client:
        pager = iter(client.list(server.org_id, limit=4))
        first = [next(pager) for _ in range(4)]  # the first page, before the edit
        new_email = {"holder": {"email": "n@example.com"}}
        edited = server.edit_tickets({target["orgTicketId"]: new_email})
        rest = list(pager)  # the old cursor goes on
    assert first + rest == server.tickets()
    changed = rest[16]
    assert changed == edited[0]
    assert changed["holder"] == {**target["holder"], "email": "n@example.com"}
    assert changed["mtime"] >= started_ms - 1
    assert {**changed, "holder": target["holder"], "mtime": target["mtime"]} == target
    with pytest.raises(ValueError, match="nope"):
        server.edit_tickets({"nope": {"isVip": True}})


# ---------------------------------------------------------------------------------------
# The pytest fixture


def test_fixture_is_registered_through_the_entry_point(pytestconfig: pytest.Config) -> None:
    entry_points = importlib.metadata.entry_points(group="pytest11")
    assert any(ep.value == "talque.testing._pytest_plugin" for ep in entry_points)
    assert pytestconfig.pluginmanager.get_plugin("talque") is not None


def test_fixture_gives_a_working_server(talque_fake_server: FakeServer) -> None:
    assert isinstance(talque_fake_server, FakeServer)
    assert talque_fake_server.requests() == []
    with talque_fake_server.client() as client:
        assert list(client.list(talque_fake_server.org_id)) == talque_fake_server.tickets()
    assert talque_fake_server.requests()


def test_fixture_is_fresh_per_test(talque_fake_server: FakeServer) -> None:
    # The previous test made requests on its own server; this one starts clean.
    assert talque_fake_server.requests() == []
    talque_fake_server.fail("status", status=500, times=100)
    with (
        talque_fake_server.client(max_retries=0) as client,
        pytest.raises(talque.InternalServerError),
    ):
        client.read(talque_fake_server.org_id, "any", ["x"])


# ---------------------------------------------------------------------------------------
# The link: compression like a production proxy, a bandwidth cap, bytes on the wire


def _post_list(server: FakeServer, accept_encoding: str | None) -> tuple[dict[str, str], bytes]:
    body = json.dumps({"orgId": server.org_id, "limit": 100}).encode()
    headers = {**server_auth(server), "Content-Type": "application/json"}
    if accept_encoding is not None:
        headers["Accept-Encoding"] = accept_encoding
    request = urllib.request.Request(server.url + "/api/v1/ticket/list", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def server_auth(server: FakeServer) -> dict[str, str]:
    return {"X-TQ-CLIENT-ID": server.client_id, "X-TQ-SECRET": server.secret}


def test_compression_follows_accept_encoding_and_the_switch() -> None:
    with FakeServer(tickets=300) as server:
        headers, plain = _post_list(server, None)
        assert "content-encoding" not in headers
        headers, wire = _post_list(server, "gzip")
        assert headers["content-encoding"] == "gzip"
        assert gzip.decompress(wire) == plain
        entries = server.requests("list")
        assert [entry["content_encoding"] for entry in entries] == [None, "gzip"]
        assert [entry["response_bytes"] for entry in entries] == [len(plain), len(wire)]
        assert server.stats()["response_bytes"] == len(plain) + len(wire)
        server.set_compression(False)
        headers, body = _post_list(server, "gzip")
        assert "content-encoding" not in headers and body == plain
    with FakeServer(tickets=300, compression=False) as server:
        headers, _ = _post_list(server, "gzip, br, zstd")
        assert "content-encoding" not in headers


def test_compressed_body_faults() -> None:
    with FakeServer(tickets=300) as server:
        _, plain = _post_list(server, None)
        server.fail("compressed_truncate", endpoint="list", encoding="zstd")
        headers, wire = _post_list(server, "gzip")
        assert headers["content-encoding"] == "zstd"
        assert int(headers["content-length"]) == len(wire)
        server.fail("lying_encoding", endpoint="list")
        headers, wire = _post_list(server, None)
        assert (headers["content-encoding"], wire) == ("gzip", plain)
        server.fail("gzip_bomb", endpoint="list", inflated_bytes=16 << 20)
        headers, wire = _post_list(server, "gzip")
        assert headers["content-encoding"] == "gzip" and len(wire) < 100_000
        decoder = zlib.decompressobj(wbits=31)
        inflated = 0
        for start in range(0, len(wire), 4096):  # streamed, never holding the whole output
            inflated += len(decoder.decompress(wire[start : start + 4096]))
        assert inflated == 16 << 20
        faults = [entry["fault"] for entry in server.requests()]
        assert faults == [None, "compressed_truncate", "lying_encoding", "gzip_bomb"]


def test_bandwidth_cap_is_logged_and_can_be_lifted() -> None:
    with FakeServer(tickets=50, bandwidth_bytes_per_sec=10_000_000) as server:
        _, body = _post_list(server, None)
        assert server.requests()[-1]["response_bytes"] == len(body)
        server.set_bandwidth(0)
        _, again = _post_list(server, None)
        assert again == body


def test_tls_is_served_and_connections_are_counted(tmp_path: Path) -> None:
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1")
    both = tmp_path / "both.pem"
    leaf.private_key_and_cert_chain_pem.write_to_path(str(both))
    with FakeServer(tickets=10, tls_cert_file=both) as server:
        assert server.url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context()
        ca.configure_trust(context)
        port = int(server.url.rsplit(":", 1)[1])
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
        body = json.dumps({"orgId": server.org_id, "limit": 4})
        headers = {**server_auth(server), "Content-Type": "application/json"}
        for _ in range(3):  # one kept-alive connection
            connection.request("POST", "/api/v1/ticket/list", body=body, headers=headers)
            assert connection.getresponse().read()
        connection.close()
        stats = server.stats()
        assert (stats["connections"], stats["tls_handshakes"], stats["tls_failures"]) == (1, 1, 0)
        assert len({entry["connection"] for entry in server.requests()}) == 1


# ---------------------------------------------------------------------------------------
# python -m talque.testing


@pytest.fixture
def cli_server() -> Iterator[Any]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "talque.testing", "--port", "0", "--tickets", "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def _read_env(proc: Any) -> dict[str, str]:
    # A hang here is caught by the test's timeout mark.
    env: dict[str, str] = {}
    while True:
        line = proc.stdout.readline()
        assert line, (
            f"the command exited early: {proc.stderr.read() if proc.poll() is not None else ''}"
        )
        if line.startswith("export "):
            name, _, value = line[len("export ") :].strip().partition("=")
            env[name] = value
        elif line.startswith("# orgs"):
            return env


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.timeout(60)
def test_command_line_server(cli_server: Any, sig: int, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _read_env(cli_server)
    assert set(env) == {"TALQUE_BASE_URL", "TALQUE_CLIENT_ID", "TALQUE_SECRET"}
    assert env["TALQUE_BASE_URL"].startswith("http://127.0.0.1:")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # The same default seed serves the same data in-process.
    with FakeServer(tickets=10) as same, talque.TalqueClient(max_retries=0, timeout=10.0) as client:
        assert list(client.list(same.org_id)) == same.tickets()
    assert cli_server.poll() is None
    cli_server.send_signal(sig)
    assert cli_server.wait(timeout=10) == 0
    port = int(env["TALQUE_BASE_URL"].rsplit(":", 1)[1])
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


# ---------------------------------------------------------------------------------------
# Tickets from a JSONL file


def _required(index: int) -> dict[str, Any]:
    return {
        "orgTicketId": f"tqTicket{index:012d}",
        "ticketId": f"EXT-{index}",
        "ctime": 1_700_000_000_000 + index,
        "mtime": 1_700_000_000_500 + index,
        "provider": "custom",
        "isTest": False,
        "tickets": [],
        "categories": ["Speaker"],
        "course": "on-site",
        "isVip": index % 2 == 0,
        "eventIds": [],
        "extEventIds": [],
        "vendorIds": [],
        "extVendorIds": [],
        "checkIns": [],
        "isCheckInReset": False,
        "holder": {"email": None, "firstName": None, "lastName": None},
    }


def _custom_tickets() -> list[dict[str, Any]]:
    unicode_ticket = _required(1)
    unicode_ticket.update(
        {
            "holder": {
                "email": "zoë@example.com",
                "firstName": "Zoë 山田 🎟️",
                "lastName": 'Ångström "quoted" \\ back\nslash\ttab \u0001',
                "companyName": None,
                "jobTitle": "",
                "extUserId": None,
                "locale": "de-CH",
            },
            "purchaser": None,
            "mainId": None,
            "extImageUrl": None,
            "checkIns": [2**53 + 1, 1_700_000_000_001],
            "extData": {
                "big": 2**53 + 1,
                "negativeBig": -(2**53) - 3,
                "u64": 2**64 - 1,
                "huge": 123456789012345678901234567890,
                "float": 0.1,
                "tiny": 5e-324,
                "null": None,
                "list": [1, "two", None, True, {"deep": []}],
            },
            "futureField": {"notInTheSpec": [1, 2, 3]},
        }
    )
    addon = _required(2)
    addon.update({"mainId": "tqTicket000000000001", "extData": None, "anotherUnknown": True})
    sparse = _required(3)  # absent optional keys stay absent
    empty_ext = _required(4)
    empty_ext.update({"extData": "", "purchaser": {"email": "p@example.com", "firstName": "Pé"}})
    return [unicode_ticket, addon, sparse, empty_ext]


def test_tickets_file_is_served_verbatim(tmp_path: Path) -> None:
    tickets = _custom_tickets()
    path = tmp_path / "tickets.jsonl"
    path.write_text(
        "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tickets), encoding="utf-8"
    )
    with FakeServer(tickets_file=path) as server:
        assert server.tickets() == tickets
        with server.client() as client:
            assert list(client.list(server.org_id, limit=3)) == tickets
            listed = list(client.list(server.org_id))
            assert listed == tickets
            assert listed[2].keys() == tickets[2].keys()
            assert isinstance(listed[0]["extData"]["huge"], int)
            assert listed[0]["extData"]["float"] == 0.1
            result = client.read(
                server.org_id, "custom", [t["ticketId"] for t in tickets] + ["EXT-404"]
            )
        assert [result[t["ticketId"]]["model"] for t in tickets] == tickets
        assert result["EXT-404"]["success"] is False


def test_tickets_file_accepts_a_str_path(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(_required(9)) + "\n", encoding="utf-8")
    with FakeServer(tickets_file=os.fspath(path)) as server, server.client() as client:
        assert list(client.list(server.org_id)) == [_required(9)]
