"""Arguments at the edges (issue 6): what tests/test_validation.py leaves out -- control
characters of every kind, lone surrogates, huge values, bad option values for the newer
client options (batch_size, max_concurrency, max_response_bytes, ca_bundle), the async
client -- plus huge-but-valid inputs, which must work (batched) or fail with a clean
TalqueError, never a crash. A rejected argument raises TypeError/ValueError and sends
nothing.
"""

from __future__ import annotations

import asyncio
import enum
import pathlib
import pickle
from collections.abc import Iterator
from typing import Any

import pytest

import talque
from talque.testing import FakeServer

PROVIDER = "eventbrite"
CONTROL_CHARS = ["\x00", "\x01", "\t", "\n", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f"]


def _nothing_sent(server: FakeServer) -> None:
    assert server.requests() == []


# ---------------------------------------------------------------------------------------
# Text arguments: control characters, lone surrogates, wrong types


@pytest.mark.parametrize("char", CONTROL_CHARS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("where", ["org_id", "provider", "ticket_id", "profile_id", "cursor"])
def test_every_control_character_is_refused_everywhere(
    server: FakeServer, client: talque.TalqueClient, char: str, where: str
) -> None:
    bad = f"a{char}b"
    with pytest.raises(ValueError, match="control" if where != "ticket_id" else "ticket_ids"):
        if where == "org_id":
            client.read(bad, PROVIDER, ["x"])
        elif where == "provider":
            client.read(server.org_id, bad, ["x"])
        elif where == "ticket_id":
            client.read(server.org_id, PROVIDER, ["ok", bad])
        elif where == "profile_id":
            client.list(server.org_id, profile_id=bad)
        else:
            client.list(server.org_id, cursor=bad)
    _nothing_sent(server)


@pytest.mark.parametrize("where", ["org_id", "provider", "ticket_id", "profile_id", "cursor"])
def test_lone_surrogates_are_a_value_error_and_nothing_is_sent(
    server: FakeServer, client: talque.TalqueClient, where: str
) -> None:
    # A str with a lone surrogate cannot be encoded as UTF-8 JSON; UnicodeEncodeError is a
    # ValueError, and it is raised before anything goes out.
    bad = "a\ud800b"
    with pytest.raises(ValueError):
        if where == "org_id":
            client.read(bad, PROVIDER, ["x"])
        elif where == "provider":
            client.read(server.org_id, bad, ["x"])
        elif where == "ticket_id":
            client.read(server.org_id, PROVIDER, ["ok", bad])
        elif where == "profile_id":
            list(client.list(server.org_id, profile_id=bad))
        else:
            list(client.list(server.org_id, cursor=bad))
    _nothing_sent(server)


@pytest.mark.parametrize(
    "ticket_ids",
    [
        pytest.param({"a": 1, "b": 2}.items(), id="dict-items"),
        pytest.param([["a"]], id="nested-list"),
        pytest.param([1.5], id="float"),
        pytest.param([True], id="bool"),
        pytest.param(["a", ...], id="ellipsis"),
        pytest.param(memoryview(b"ab"), id="memoryview"),
    ],
)
def test_read_rejects_more_wrong_id_types(
    server: FakeServer, client: talque.TalqueClient, ticket_ids: Any
) -> None:
    with pytest.raises(TypeError, match="ticket_ids"):
        client.read(server.org_id, PROVIDER, ticket_ids)
    _nothing_sent(server)


def test_an_iterator_that_fails_midway_sends_nothing(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    def ids() -> Iterator[str]:
        yield "a"
        raise KeyError("boom")

    with pytest.raises(KeyError):
        client.read(server.org_id, PROVIDER, ids())
    _nothing_sent(server)


def test_str_subclasses_and_mapping_keys_are_accepted(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    class Id(str):
        pass

    ticket = server.tickets()[0]
    result = client.read(server.org_id, ticket["provider"], {Id(ticket["ticketId"]): None})
    assert list(result) == [ticket["ticketId"]]
    assert server.requests("read")[0]["body"]["ticketIdList"] == [ticket["ticketId"]]


# ---------------------------------------------------------------------------------------
# limit


class Size(enum.IntEnum):
    SMALL = 7


@pytest.mark.parametrize(
    ("limit", "error"),
    [
        pytest.param(2**32, ValueError, id="u32-max-plus-1"),
        pytest.param(2**64, ValueError, id="2**64"),
        pytest.param(10**100, ValueError, id="googol"),
        pytest.param(-(2**100), ValueError, id="huge-negative"),
        pytest.param(float("nan"), TypeError, id="nan"),
        pytest.param(float("inf"), TypeError, id="inf"),
        pytest.param(b"10", TypeError, id="bytes"),
        pytest.param([10], TypeError, id="list"),
    ],
)
def test_limit_out_of_range_or_type(
    server: FakeServer, client: talque.TalqueClient, limit: Any, error: type
) -> None:
    with pytest.raises(error, match="limit"):
        client.list(server.org_id, limit=limit)
    _nothing_sent(server)


def test_the_largest_limit_is_sent_and_the_server_decides(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    with pytest.raises(talque.BadRequestError):
        next(iter(client.list(server.org_id, limit=2**32 - 1)))
    (entry,) = server.requests("list")
    assert entry["body"]["limit"] == 2**32 - 1


def test_an_int_enum_limit_is_sent_as_a_plain_int(
    server: FakeServer, client: talque.TalqueClient
) -> None:
    page = next(client.list(server.org_id, limit=Size.SMALL, prefetch=False).pages())
    assert len(page["tickets"]) == 7
    assert server.requests("list")[0]["body"]["limit"] == 7


# ---------------------------------------------------------------------------------------
# Client options

BAD_OPTIONS = [
    # batch_size
    pytest.param({"batch_size": 0}, ValueError, id="batch-0"),
    pytest.param({"batch_size": -1}, ValueError, id="batch-negative"),
    pytest.param({"batch_size": 100_001}, ValueError, id="batch-over-max"),
    pytest.param({"batch_size": 2**64}, ValueError, id="batch-2**64"),
    pytest.param({"batch_size": True}, TypeError, id="batch-bool"),
    pytest.param({"batch_size": 10.0}, TypeError, id="batch-float"),
    pytest.param({"batch_size": "10"}, TypeError, id="batch-str"),
    pytest.param({"batch_size": None}, TypeError, id="batch-None"),
    # max_concurrency
    pytest.param({"max_concurrency": 0}, ValueError, id="concurrency-0"),
    pytest.param({"max_concurrency": -5}, ValueError, id="concurrency-negative"),
    pytest.param({"max_concurrency": 1_001}, ValueError, id="concurrency-over-max"),
    pytest.param({"max_concurrency": 2**64}, ValueError, id="concurrency-2**64"),
    pytest.param({"max_concurrency": False}, TypeError, id="concurrency-bool"),
    pytest.param({"max_concurrency": 2.5}, TypeError, id="concurrency-float"),
    pytest.param({"max_concurrency": None}, TypeError, id="concurrency-None"),
    # compression
    pytest.param({"compression": 1}, TypeError, id="compression-int"),
    pytest.param({"compression": None}, TypeError, id="compression-None"),
    pytest.param({"compression": "no"}, TypeError, id="compression-str"),
    # max_response_bytes
    pytest.param({"max_response_bytes": 0}, ValueError, id="bytes-0"),
    pytest.param({"max_response_bytes": -1}, ValueError, id="bytes-negative"),
    pytest.param({"max_response_bytes": 2**40 + 1}, ValueError, id="bytes-over-max"),
    pytest.param({"max_response_bytes": 2**64}, ValueError, id="bytes-2**64"),
    pytest.param({"max_response_bytes": True}, TypeError, id="bytes-bool"),
    pytest.param({"max_response_bytes": 1.5}, TypeError, id="bytes-float"),
    pytest.param({"max_response_bytes": "1MB"}, TypeError, id="bytes-str"),
    pytest.param({"max_response_bytes": None}, TypeError, id="bytes-None"),
    # max_retries, timeout
    pytest.param({"max_retries": 101}, ValueError, id="retries-over-max"),
    pytest.param({"max_retries": 2**64}, ValueError, id="retries-2**64"),
    pytest.param({"max_retries": None}, TypeError, id="retries-None"),
    pytest.param({"timeout": 1e300}, ValueError, id="timeout-1e300"),
    pytest.param({"timeout": 2.0**64}, ValueError, id="timeout-2**64-seconds"),
    pytest.param({"timeout": 1e-12}, ValueError, id="timeout-below-a-nanosecond"),
    pytest.param({"timeout": 5e-324}, ValueError, id="timeout-denormal"),
    pytest.param({"timeout": None}, TypeError, id="timeout-None"),
    pytest.param({"timeout": [1]}, TypeError, id="timeout-list"),
    # ca_bundle
    pytest.param({"ca_bundle": 123}, TypeError, id="ca-int"),
    pytest.param({"ca_bundle": b"/etc/ssl/cert.pem"}, TypeError, id="ca-bytes"),
    pytest.param({"ca_bundle": ["/etc/ssl/cert.pem"]}, TypeError, id="ca-list"),
    pytest.param({"ca_bundle": ""}, ValueError, id="ca-empty"),
    pytest.param({"ca_bundle": "/no/such/file.pem"}, ValueError, id="ca-missing"),
    pytest.param({"ca_bundle": "/"}, ValueError, id="ca-directory"),
    pytest.param({"ca_bundle": "a\x00b.pem"}, ValueError, id="ca-nul"),
    pytest.param({"ca_bundle": "/tmp/\udcff.pem"}, ValueError, id="ca-surrogate"),
    # base_url
    pytest.param({"base_url": "http://"}, ValueError, id="url-no-host"),
    pytest.param({"base_url": "http://exa mple.com"}, ValueError, id="url-space"),
    pytest.param({"base_url": "http://host\n.com"}, ValueError, id="url-newline"),
    pytest.param({"base_url": "http://\ud800.com"}, ValueError, id="url-surrogate"),
    pytest.param({"base_url": "https://host/?q=1"}, ValueError, id="url-query"),
    pytest.param({"base_url": "https://host/#f"}, ValueError, id="url-fragment"),
    pytest.param({"base_url": b"http://127.0.0.1"}, TypeError, id="url-bytes"),
    # unknown options
    pytest.param({"retries": 3}, TypeError, id="unknown-keyword"),
    pytest.param({"verify": False}, TypeError, id="no-verify-switch"),
]


@pytest.mark.parametrize(("kwargs", "error"), BAD_OPTIONS)
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_client_options_are_checked(
    server: FakeServer, kwargs: dict[str, Any], error: type, kind: str
) -> None:
    cls = talque.TalqueClient if kind == "sync" else talque.AsyncTalqueClient
    options = {"base_url": server.url, **kwargs}
    with pytest.raises(error):
        cls(server.client_id, server.secret, **options)
    _nothing_sent(server)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("", id="empty"),
        pytest.param("not a certificate\n", id="text"),
        pytest.param(
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", id="bad-base64"
        ),
        pytest.param("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", id="a-key"),
    ],
)
def test_ca_bundle_files_without_certificates_are_refused(
    server: FakeServer, tmp_path: pathlib.Path, content: str
) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(content)
    with pytest.raises(ValueError, match="ca_bundle"):
        server.client(ca_bundle=bundle)
    _nothing_sent(server)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://user:hunter2@127.0.0.1:9", id="valid-url"),
        # An unparsable URL is quoted whole in the message, password included.
        pytest.param("https://user:hunter2@[::1", id="unparsable-url"),
        pytest.param("https://user:hunter2@exa mple.com", id="bad-host"),
    ],
)
def test_credentials_in_base_url_are_refused_without_echo(server: FakeServer, url: str) -> None:
    with pytest.raises(ValueError) as info:
        server.client(base_url=url)
    assert "hunter2" not in str(info.value), str(info.value)
    assert b"hunter2" not in pickle.dumps(info.value)


def test_the_largest_timeout_works(server: FakeServer) -> None:
    # Close to the largest Duration: no overflow when deadlines are computed.
    with server.client(timeout=1.8e19, max_retries=0) as client:
        assert len(list(client.list(server.org_id))) == len(server.tickets())
        assert client.timeout == 1.8e19


def test_option_boundaries_are_accepted(server: FakeServer) -> None:
    ticket = server.tickets()[0]
    options: dict[str, Any] = {
        "batch_size": 1,
        "max_concurrency": 1,
        "max_response_bytes": 2**40,
        "max_retries": 100,
        "timeout": 1e-6 * 1_000_000,
        "ca_bundle": None,
    }
    with server.client(**options) as client:
        result = client.read(server.org_id, ticket["provider"], [ticket["ticketId"], "zz"])
    assert list(result) == [ticket["ticketId"], "zz"]
    assert len(server.requests("read")) == 2


# ---------------------------------------------------------------------------------------
# Huge but valid values: batched, or a clean TalqueError


@pytest.fixture(scope="module")
def roomy() -> Iterator[FakeServer]:
    with FakeServer(tickets=5, seed=9, max_read_ids=50_000) as server:
        yield server


def test_a_million_ids_are_sent_in_batches(roomy: FakeServer) -> None:
    ids = [f"T{i:07d}" for i in range(1_000_000)]
    roomy.clear_requests()
    with roomy.client(batch_size=50_000, max_concurrency=4, max_retries=0) as client:
        result = client.read(roomy.org_id, PROVIDER, ids)
    assert len(result) == 1_000_000
    assert list(result)[:3] == ids[:3] and list(result)[-1] == ids[-1]
    assert all(answer["success"] is False for answer in result.values())
    entries = roomy.requests("read")
    assert len(entries) == 20
    assert all(len(entry["body"]["ticketIdList"]) == 50_000 for entry in entries)
    assert max(entry["in_flight"] for entry in entries) <= 4
    sent = [
        tid
        for entry in sorted(entries, key=lambda e: e["body"]["ticketIdList"][0])
        for tid in entry["body"]["ticketIdList"]
    ]
    assert sent == ids


def test_a_million_copies_of_one_id_are_one_request(roomy: FakeServer) -> None:
    roomy.clear_requests()
    with roomy.client(max_retries=0) as client:
        result = client.read(roomy.org_id, PROVIDER, ["same"] * 1_000_000)
    assert list(result) == ["same"]
    (entry,) = roomy.requests("read")
    assert entry["body"]["ticketIdList"] == ["same"]


TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize("where", ["org_id", "provider", "ticket_id", "profile_id", "cursor"])
def test_ten_megabyte_strings_fail_cleanly(roomy: FakeServer, where: str) -> None:
    # Valid arguments the fake server will not take (its body limit is 1 MiB): a clean
    # API error or connection error, no crash, no hang, and no secret in it.
    huge = "x" * TEN_MB
    with roomy.client(max_retries=0, timeout=30.0) as client:
        with pytest.raises((talque.APIStatusError, talque.APIConnectionError)) as info:
            if where == "org_id":
                client.read(huge, PROVIDER, ["a"])
            elif where == "provider":
                client.read(roomy.org_id, huge, ["a"])
            elif where == "ticket_id":
                client.read(roomy.org_id, PROVIDER, [huge])
            elif where == "profile_id":
                list(client.list(roomy.org_id, profile_id=huge))
            else:
                list(client.list(roomy.org_id, cursor=huge))
    assert roomy.secret not in str(info.value) + repr(info.value.args)
    # An error quotes at most a bounded part of what came back.
    assert len(str(info.value)) < 100_000


def test_unicode_arguments_go_out_intact(server: FakeServer, client: talque.TalqueClient) -> None:
    org = "org-\U0001f600-\u00e9-\u2028-\ufeff-\U0010ffff"
    with pytest.raises(talque.NotFoundError):
        client.read(org, "prov-\u00e9", ["id-\U0001f600", "id-\u0085"])
    (entry,) = server.requests("read")
    assert entry["body"] == {
        "orgId": org,
        "provider": "prov-\u00e9",
        "ticketIdList": ["id-\U0001f600", "id-\u0085"],
    }


# ---------------------------------------------------------------------------------------
# The async client checks the same, before anything is sent


def test_async_argument_errors_send_nothing(server: FakeServer) -> None:
    async def main() -> None:
        async with talque.AsyncTalqueClient(
            server.client_id, server.secret, base_url=server.url
        ) as client:
            with pytest.raises(TypeError, match="ticket_ids"):
                await client.read(server.org_id, PROVIDER, "abc")
            with pytest.raises(ValueError, match="control"):
                await client.read(server.org_id, "p\x1b", ["a"])
            with pytest.raises(ValueError):
                await client.read(server.org_id, PROVIDER, ["a\ud800"])
            with pytest.raises(ValueError, match="limit"):
                client.list(server.org_id, limit=2**32)
            with pytest.raises(TypeError, match="limit"):
                client.list(server.org_id, limit=1.0)
            with pytest.raises(ValueError, match="cursor"):
                client.list(server.org_id, cursor="")
            with pytest.raises(TypeError, match="org_id"):
                client.list(None)  # type: ignore[arg-type]

    asyncio.run(main())
    _nothing_sent(server)
