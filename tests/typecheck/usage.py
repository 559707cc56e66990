"""Every public name of talque, used the way a caller would, for `mypy --strict` to check.

`make lint` type-checks this file against the installed package (so a wheel without its
stubs or ``py.typed`` fails), and tests/test_typecheck_usage.py runs it against the fake
server, so the usage shown here is also correct at run time. When the public API grows,
add the new names here.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
from typing import Any

import polars as pl

import talque
from talque import (
    DEFAULT_BASE_URL,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncTalqueClient,
    AsyncTicketPager,
    AuthenticationError,
    BadRequestError,
    Holder,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReadResult,
    TalqueClient,
    TalqueError,
    Ticket,
    TicketPage,
    TicketPager,
    TicketResult,
)
from talque.testing import FakeServer

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # pragma: no cover - Python 3.10
    from typing_extensions import assert_type


def configuration() -> None:
    assert_type(talque.__version__, str)
    assert_type(DEFAULT_BASE_URL, str)
    client = TalqueClient(
        "client-id",
        "secret",
        base_url="http://127.0.0.1:9",
        timeout=5.0,
        max_retries=0,
        batch_size=50,
        max_concurrency=4,
        max_response_bytes=1 << 20,
        ca_bundle=None,
        compression=False,
    )
    assert_type(client.base_url, str)
    assert_type(client.compression, bool)
    assert_type(client.client_id, str)
    assert_type(client.timeout, float)
    assert_type(client.max_retries, int)
    assert_type(client.batch_size, int)
    client.close()


def holder_name(holder: Holder) -> str:
    return " ".join(part for part in (holder.get("firstName"), holder.get("lastName")) if part)


def describe(ticket: Ticket) -> str:
    assert_type(ticket["ticketId"], str)
    assert_type(ticket["checkIns"], list[int])
    purchaser: Holder | None = ticket.get("purchaser")
    buyer = holder_name(purchaser) if purchaser else "-"
    return f"{ticket['ticketId']} {holder_name(ticket['holder'])} (bought by {buyer})"


def sync_usage(server: FakeServer) -> None:
    with server.client(timeout=5.0) as client:
        assert_type(client, TalqueClient)

        pager = client.list(server.org_id, limit=100)
        assert_type(pager, TicketPager)
        first: Ticket = next(iter(pager))
        describe(first)
        cursor: str | None = pager.cursor
        finished: bool = pager.finished
        assert (pager.org_id, pager.profile_id, pager.limit) == (server.org_id, None, 100)
        resumed = client.list(server.org_id, cursor=cursor, prefetch=False)
        count = sum(1 for _ in resumed)
        assert count > 0 and not finished

        for page in client.list(server.org_id, limit=500).pages():
            assert_type(page, TicketPage)
            tickets: list[Ticket] = page["tickets"]
            more: bool = page["more"]
            assert page["orgId"] == server.org_id and (more or tickets)

        ids = [first["ticketId"], "no-such-ticket"]
        result = client.read(server.org_id, first["provider"], ids)
        assert_type(result, ReadResult)
        org_id: str = result.org_id
        provider: str = result.provider
        found: dict[str, TicketResult] = result.found
        answer: TicketResult = result[first["ticketId"]]
        success: bool = answer["success"]
        reason: str = answer["reason"]
        model: Ticket | None = answer["model"]
        assert org_id == server.org_id and provider == first["provider"]
        assert success and reason == "SUCCESS" and model is not None and len(found) == 1
        assert pickle.loads(pickle.dumps(result)) == result

    with server.client() as closed:
        pass
    try:
        closed.read(server.org_id, "pretix", ["a"])
    except TalqueError as err:
        assert "closed" in str(err)
    else:
        raise AssertionError("a closed client must raise")


def errors(server: FakeServer) -> None:
    """Every exception class, caught the way a caller would."""
    with server.client(max_retries=0, timeout=2.0) as client:
        try:
            list(client.list(server.forbidden_org_id))
        except PermissionDeniedError as err:
            status: int = err.status_code
            body: str = err.body
            reason: str | None = err.reason
            message: str | None = err.message
            assert status == 403 and body and (reason is None or message is None or message)
        else:
            raise AssertionError("403 expected")
        server.fail("status", status=503, times=1)
        try:
            client.read(server.org_id, "pretix", ["a"])
        except InternalServerError as err:
            assert isinstance(err, APIStatusError) and err.status_code == 503
        else:
            raise AssertionError("503 expected")
        server.fail("not_json", endpoint="list")
        try:
            list(client.list(server.org_id))
        except InvalidResponseError as err:
            assert isinstance(err, TalqueError)
        else:
            raise AssertionError("an invalid response expected")
    status_errors: tuple[type[APIStatusError], ...] = (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        RateLimitError,
        InternalServerError,
    )
    assert all(issubclass(cls, APIStatusError) for cls in status_errors)
    assert issubclass(APIConnectionError, ConnectionError)
    assert issubclass(APITimeoutError, TimeoutError)
    assert issubclass(APITimeoutError, APIConnectionError)


async def async_usage(server: FakeServer) -> None:
    env = server.env()
    async with AsyncTalqueClient(
        env["TALQUE_CLIENT_ID"], env["TALQUE_SECRET"], base_url=env["TALQUE_BASE_URL"]
    ) as client:
        assert_type(client, AsyncTalqueClient)
        pager = client.list(server.org_id, limit=250)
        assert_type(pager, AsyncTicketPager)
        tickets: list[Ticket] = [ticket async for ticket in pager]
        assert len(tickets) == len(server.tickets())
        async for page in client.list(server.org_id, limit=500).pages():
            assert_type(page, TicketPage)
        results = await asyncio.gather(
            client.read(server.org_id, "pretix", ["a"]),
            client.read(server.org_id, "pretix", ["b"]),
        )
        assert_type(results, tuple[ReadResult, ReadResult])
        resume: str | None = pager.cursor
        assert resume is None or isinstance(resume, str)
    other = AsyncTalqueClient(env["TALQUE_CLIENT_ID"], env["TALQUE_SECRET"], base_url=server.url)
    await other.aclose()


def fake_server() -> None:
    with FakeServer(
        tickets=50,
        seed=3,
        port=0,
        latency_ms=0,
        fault_rate=0.0,
        max_limit=1000,
        max_read_ids=100,
        compression=True,
        bandwidth_bytes_per_sec=0,
    ) as server:
        assert_type(server.url, str)
        assert_type(server.org_id, str)
        assert_type(server.forbidden_org_id, str)
        orgs: list[dict[str, Any]] = server.orgs
        env: dict[str, str] = server.env()
        assert orgs and set(env) == {"TALQUE_BASE_URL", "TALQUE_CLIENT_ID", "TALQUE_SECRET"}
        tickets: list[dict[str, Any]] = server.tickets()
        assert len(tickets) == 50
        server.set_latency(0)
        server.set_compression(True)
        server.set_bandwidth(0)
        edited: list[dict[str, Any]] = server.edit_tickets(
            {tickets[0]["orgTicketId"]: {"holder": {"email": "new@example.com"}}}
        )
        assert edited[0]["holder"]["email"] == "new@example.com"
        server.set_random_faults(0.0, seed=1, kinds=["reset"])
        server.fail("status", endpoint="read", status=429, retry_after="0", times=1)
        server.fail("gzip_bomb", endpoint="list", inflated_bytes=1 << 20)
        server.fail("compressed_truncate", encoding="zstd")
        server.clear_faults()
        with server.client() as client:
            list(client.list(server.org_id))
        requests: list[dict[str, Any]] = server.requests("list")
        assert requests and requests[0]["path"] == "/api/v1/ticket/list"
        server.clear_requests()
        stats: dict[str, Any] = server.stats()
        assert isinstance(stats, dict)
    server.stop()


def frames(server: FakeServer) -> None:
    """DataFrames; pyarrow and pandas ship no types, so their objects are Any to mypy."""
    with server.client() as client:
        table = client.list(server.org_id, limit=500).to_arrow()
        assert table.num_rows == len(server.tickets())
        frame = client.list(server.org_id).to_pandas(progress=False)
        assert str(frame["ctime"].dtype) == "datetime64[ms, UTC]"
        polars_frame = client.list(server.org_id).to_polars()
        assert_type(polars_frame, pl.DataFrame)
        result = client.read(server.org_id, "pretix", ["no-such-ticket"])
        assert result.to_arrow().num_rows == 0 and len(result.to_pandas()) == 0
        assert_type(result.to_polars(), pl.DataFrame)
        html: str = client.list(server.org_id)._repr_html_() + result._repr_html_()
        assert "TicketPager" in html


async def async_frames(server: FakeServer) -> None:
    env = server.env()
    async with AsyncTalqueClient(
        env["TALQUE_CLIENT_ID"], env["TALQUE_SECRET"], base_url=env["TALQUE_BASE_URL"]
    ) as client:
        table = await client.list(server.org_id).to_arrow()
        frame = await client.list(server.org_id).to_pandas()
        polars_frame = await client.list(server.org_id).to_polars()
        assert_type(polars_frame, pl.DataFrame)
        assert table.num_rows == len(frame) == polars_frame.height


def main() -> None:
    configuration()
    fake_server()
    with FakeServer(tickets=300, seed=5) as server:
        sync_usage(server)
        errors(server)
        asyncio.run(async_usage(server))
        frames(server)
        asyncio.run(async_frames(server))


if __name__ == "__main__":
    main()
