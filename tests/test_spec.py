"""Spec fidelity (issue 6): the fake server answers as the OpenAPI document says, and the
client sends what it says.

(a) schemathesis generates requests from the spec -- valid ones and, in negative mode,
    invalid ones -- and sends them to the fake server with working credentials (the
    ``headers`` override of ``case.call``). Every answer must be a documented status with a
    JSON body: a 200 validates against the response schema made strict (no undocumented
    keys, except inside ``extData``); an error has the API's error shape ``{"success":
    false, "reason", "message"}`` (the spec documents 400/401/403/404 without a schema).
    Invalid requests must be refused with a 4xx.
(b) The request log of the fake server (method, path, headers, body) after the client
    exercised list (with and without profileId, first and later pages) and read, validated
    with jsonschema_rs against the request body schemas, plus the required auth headers.

Spec conversions, done in this file on a copy and nowhere else:
- For schemathesis the document is kept as OpenAPI 3.0.3, as it says, and its 3.1-style
  ``"type": [T, "null"]`` become the 3.0 spelling ``"type": T, "nullable": true``
  (:func:`to_openapi_30`). schemathesis checks the document against the 3.0 meta-schema,
  which rejects type lists.
- For jsonschema_rs the schemas are used as they are: type lists are plain JSON Schema,
  validated as draft 2020-12.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

import talque
from talque.testing import FakeServer

SPEC_PATH = Path(__file__).parent / "spec" / "talque-ticket-api.openapi.json"
SPEC: dict[str, Any] = json.loads(SPEC_PATH.read_text("utf-8"))
LIST = "/api/v1/ticket/list"
READ = "/api/v1/ticket/read"
DOCUMENTED_STATUSES = {200, 400, 401, 403, 404}
EXAMPLES = int(os.environ.get("TALQUE_SCHEMATHESIS_EXAMPLES", "60"))


def to_openapi_30(node: Any) -> Any:
    """Rewrites ``"type": [T, "null"]`` as ``"type": T, "nullable": true``."""
    if isinstance(node, list):
        return [to_openapi_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: to_openapi_30(value) for key, value in node.items()}
    kinds = converted.get("type")
    if isinstance(kinds, list):
        others = [kind for kind in kinds if kind != "null"]
        assert len(others) == 1, f"cannot express {kinds} in OpenAPI 3.0"
        converted["type"] = others[0]
        if "null" in kinds:
            converted["nullable"] = True
    return converted


def _body_schema(path: str, part: str) -> dict[str, Any]:
    operation = SPEC["paths"][path]["post"]
    if part == "request":
        return operation["requestBody"]["content"]["application/json"]["schema"]
    return operation["responses"]["200"]["content"]["application/json"]["schema"]


def strict(schema: Any) -> Any:
    """The schema with ``additionalProperties: false`` on every object that lists its
    properties; ``extData`` (no type: any JSON) stays open."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: strict(value) for key, value in schema.items()}
    if "properties" in result and "additionalProperties" not in result:
        result["additionalProperties"] = False
    return result


def _validator(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.Draft202012Validator(schema)


RESPONSE_VALIDATORS = {
    path: _validator(strict(_body_schema(path, "response"))) for path in (LIST, READ)
}
REQUEST_VALIDATORS = {path: _validator(_body_schema(path, "request")) for path in (LIST, READ)}
ERROR_VALIDATOR = _validator(
    {
        "type": "object",
        "properties": {
            "success": {"const": False},
            "reason": {"type": "string", "minLength": 1},
            "message": {"type": "string"},
        },
        "required": ["success", "reason", "message"],
    }
)


def _errors(validator: Any, instance: Any) -> list[str]:
    return [f"{error.instance_path}: {error.message}" for error in validator.iter_errors(instance)]


# ---------------------------------------------------------------------------------------
# The fake server

CLIENT_ID = "spec-client"
SECRET = "spec-secret"
AUTH = {"X-TQ-CLIENT-ID": CLIENT_ID, "X-TQ-SECRET": SECRET}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeServer]:
    with FakeServer(tickets=120, seed=5, client_id=CLIENT_ID, secret=SECRET) as server:
        yield server


def _check_answer(
    path: str, status: int, content_type: str, text: str, method: str = "POST"
) -> None:
    # A method other than POST is outside the spec; 405 is HTTP's answer to it.
    allowed = DOCUMENTED_STATUSES if method == "POST" else DOCUMENTED_STATUSES | {405}
    assert status in allowed, f"undocumented status {status} for {method}: {text[:300]}"
    assert content_type.split(";")[0].strip().lower() == "application/json", content_type
    body = json.loads(text)
    if status == 200:
        problems = _errors(RESPONSE_VALIDATORS[path], body)
    else:
        problems = _errors(ERROR_VALIDATOR, body)
    assert not problems, f"{status} {path}: {problems[:5]} in {text[:500]}"


# ---------------------------------------------------------------------------------------
# (a) schemathesis against the fake server

# schemathesis runs on Hypothesis, which caches things under ./.hypothesis even without an
# example database; keep the repository clean.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "talque-hypothesis")
schema = schemathesis.openapi.from_dict(to_openapi_30(copy.deepcopy(SPEC)))
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    deterministic=True,
    database="none",
)


def _steer(case: Any, fake: FakeServer) -> None:
    """Points most valid list/read requests at orgs that exist (random org ids would only
    ever meet 404s), keeping the choice a function of the generated case."""
    body = case.body
    if not isinstance(body, dict) or not isinstance(body.get("orgId"), str):
        return
    if case.meta is not None and case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    pick = zlib.crc32(json.dumps(body, sort_keys=True, default=str).encode())
    if pick % 5 == 0:
        return
    orgs = [org["org_id"] for org in fake.orgs]
    body["orgId"] = orgs[pick % len(orgs)]
    # The fake refuses unknown request fields and an empty ticketIdList with 400, where
    # the spec leaves both open; steer around them so the 200s get checked too.
    known = _body_schema(case.path, "request")["properties"]
    for key in [key for key in body if key not in known]:
        del body[key]
    if case.path == READ and not body.get("ticketIdList"):
        body["ticketIdList"] = ["no-such-ticket"]
    if case.path == LIST:
        if pick % 3:
            body.pop("cursor", None)
        if pick % 4 and "limit" in body:
            body["limit"] = 1 + pick % 150
        if pick % 2:
            body.pop("profileId", None)
    elif pick % 2:
        tickets = fake.tickets(orgs[0])
        body["orgId"] = orgs[0]
        body["provider"] = tickets[pick % len(tickets)]["provider"]
        body["ticketIdList"] = [t["ticketId"] for t in tickets[pick % 7 :: 13]][:20]


@schema.parametrize()
def test_fake_server_answers_match_the_spec(case: Any, fake: FakeServer) -> None:
    _steer(case, fake)
    response = case.call(base_url=fake.url, headers=AUTH, timeout=10)
    case.validate_response(
        response,
        checks=[
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ],
    )
    content_type = response.headers.get("content-type") or [""]
    _check_answer(case.path, response.status_code, content_type[0], response.text, case.method)


# Some shapes schemathesis rarely or never generates, and the answers they must get.
EDGE_REQUESTS = [
    pytest.param(LIST, {}, None, 400, id="list-empty-object"),
    pytest.param(LIST, {"orgId": 5}, None, 400, id="list-orgId-int"),
    pytest.param(LIST, {"orgId": "ORG", "limit": 0}, None, 400, id="list-limit-0"),
    pytest.param(LIST, {"orgId": "ORG", "limit": -1}, None, 400, id="list-limit-negative"),
    pytest.param(LIST, {"orgId": "ORG", "limit": "10"}, None, 400, id="list-limit-str"),
    pytest.param(LIST, {"orgId": "ORG", "limit": 10**30}, None, 400, id="list-limit-huge"),
    pytest.param(LIST, {"orgId": "ORG", "cursor": "nope"}, None, 400, id="list-bad-cursor"),
    pytest.param(
        LIST, {"orgId": "ORG", "cursor": None, "profileId": None}, None, 200, id="list-nulls"
    ),
    pytest.param(LIST, {"orgId": "NoSuchOrg"}, None, 404, id="list-unknown-org"),
    pytest.param(LIST, {"orgId": "FORBIDDEN"}, None, 403, id="list-forbidden-org"),
    pytest.param(LIST, {"orgId": "ORG"}, {}, 401, id="list-no-credentials"),
    pytest.param(LIST, {"orgId": "ORG"}, {"X-TQ-CLIENT-ID": CLIENT_ID}, 401, id="list-no-secret"),
    pytest.param(
        LIST, {"orgId": "ORG"}, {**AUTH, "X-TQ-SECRET": "wrong"}, 401, id="list-wrong-secret"
    ),
    pytest.param(LIST, "not json", None, 400, id="list-not-json"),
    pytest.param(LIST, [1, 2], None, 400, id="list-array"),
    pytest.param(LIST, {"orgId": "ORG", "future": 1}, None, None, id="list-unknown-field"),
    pytest.param(READ, {"orgId": "ORG", "provider": "p"}, None, 400, id="read-no-ids"),
    pytest.param(
        READ, {"orgId": "ORG", "provider": "p", "ticketIdList": "a"}, None, 400, id="read-ids-str"
    ),
    pytest.param(
        READ, {"orgId": "ORG", "provider": "p", "ticketIdList": [1]}, None, 400, id="read-ids-int"
    ),
    # The spec has no minItems: the fake refuses an empty list with 400, a choice it makes.
    pytest.param(
        READ, {"orgId": "ORG", "provider": "p", "ticketIdList": []}, None, None, id="read-empty-ids"
    ),
    pytest.param(
        READ,
        {"orgId": "ORG", "provider": "p", "ticketIdList": ["x", "x"]},
        None,
        200,
        id="read-dup-ids",
    ),
    pytest.param(
        READ,
        {"orgId": "ORG", "provider": "p", "ticketIdList": ["a"] * 101},
        None,
        None,
        id="read-over-max",
    ),
    pytest.param(
        READ,
        {"orgId": "NoSuchOrg", "provider": "p", "ticketIdList": ["a"]},
        None,
        404,
        id="read-unknown-org",
    ),
    pytest.param(
        READ,
        {"orgId": "ORG", "provider": "p", "ticketIdList": ["a"]},
        {},
        401,
        id="read-no-credentials",
    ),
]


@pytest.mark.parametrize(("path", "body", "headers", "status"), EDGE_REQUESTS)
def test_edge_requests_get_documented_answers(
    fake: FakeServer, path: str, body: Any, headers: Any, status: Any
) -> None:
    import http.client

    if isinstance(body, dict) and body.get("orgId") == "ORG":
        body = {**body, "orgId": fake.org_id}
    if isinstance(body, dict) and body.get("orgId") == "FORBIDDEN":
        body = {**body, "orgId": fake.forbidden_org_id}
    raw = body if isinstance(body, str) else json.dumps(body)
    host, port = fake.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(
            "POST",
            path,
            body=raw.encode(),
            headers={**(AUTH if headers is None else headers), "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        text = response.read().decode("utf-8")
        content_type = response.getheader("content-type", "")
    finally:
        conn.close()
    if status is not None:
        assert response.status == status, text
    _check_answer(path, response.status, content_type, text)


# ---------------------------------------------------------------------------------------
# (b) What the client sends validates against the request schemas


def _validate_sent(entries: list[dict[str, Any]]) -> None:
    assert entries
    for entry in entries:
        assert entry["method"] == "POST"
        assert entry["path"] in (LIST, READ), entry["path"]
        headers = {str(name).lower(): value for name, value in entry["headers"].items()}
        for name in ("x-tq-client-id", "x-tq-secret"):
            assert headers.get(name), f"{name} missing from {sorted(headers)}"
        assert headers["x-tq-client-id"] == CLIENT_ID
        assert headers.get("content-type", "").startswith("application/json")
        assert "application/json" in headers.get("accept", "")
        assert entry.get("authorized") is True
        problems = _errors(REQUEST_VALIDATORS[entry["path"]], entry["body"])
        assert not problems, f"{entry['path']}: {problems} in {entry['body']!r}"
        if entry["path"] == LIST:
            # Absent options are omitted, never sent as null (the API's default).
            assert all(value is not None for value in entry["body"].values()), entry["body"]
            assert set(entry["body"]) <= {"orgId", "profileId", "limit", "cursor"}
        else:
            assert set(entry["body"]) == {"orgId", "provider", "ticketIdList"}


def test_requests_the_client_sends_match_the_request_schemas(fake: FakeServer) -> None:
    fake.clear_requests()
    tickets = fake.tickets()
    profile = next(t["holder"].get("extUserId") for t in tickets if t["holder"].get("extUserId"))
    with fake.client(max_retries=0) as client:
        listed = list(client.list(fake.org_id, limit=25))
        assert listed == tickets
        # Resuming from a cursor, and a profile filter.
        pager = client.list(fake.org_id, limit=50)
        next(iter(pager))
        list(client.list(fake.org_id, limit=50, cursor=pager.cursor))
        list(client.list(fake.org_id, profile_id=profile))
        list(client.list(fake.org_id, profile_id="no-such-profile", limit=1))
        by_provider: dict[str, list[str]] = {}
        for ticket in tickets:
            by_provider.setdefault(ticket["provider"], []).append(ticket["ticketId"])
        for provider, ids in by_provider.items():
            client.read(fake.org_id, provider, ids + ["missing-id"])
        client.read(fake.org_id, "unknown-provider", ["a", "b", "a"])
    entries = fake.requests()
    paths = {entry["path"] for entry in entries}
    assert paths == {LIST, READ}
    list_bodies = [entry["body"] for entry in entries if entry["path"] == LIST]
    assert any("cursor" in body for body in list_bodies)
    assert any("cursor" not in body for body in list_bodies)
    assert any("profileId" in body for body in list_bodies)
    assert all(entry["status"] == 200 for entry in entries), [e["status"] for e in entries]
    _validate_sent(entries)


def test_async_client_requests_match_the_request_schemas(fake: FakeServer) -> None:
    import asyncio

    fake.clear_requests()
    tickets = fake.tickets()

    async def main() -> None:
        async with talque.AsyncTalqueClient(CLIENT_ID, SECRET, base_url=fake.url) as client:
            async for _ in client.list(fake.org_id, limit=40):
                pass
            await client.read(fake.org_id, tickets[0]["provider"], [tickets[0]["ticketId"]])

    asyncio.run(main())
    _validate_sent(fake.requests())


def test_unicode_arguments_are_sent_as_valid_json(fake: FakeServer) -> None:
    fake.clear_requests()
    with fake.client(max_retries=0) as client:
        with pytest.raises(talque.NotFoundError):
            list(client.list('Org-\U0001f600-\u00e9-"quoted"-\\', profile_id="p\u2028"))
        with pytest.raises(talque.NotFoundError):
            client.read("Org-\U0001f600", "prov-\u00e9", ["id-\U0010ffff", 'id-"\\'])
    entries = fake.requests()
    _validate_sent([dict(entry, authorized=True) for entry in entries])
    assert entries[0]["body"]["orgId"] == 'Org-\U0001f600-\u00e9-"quoted"-\\'
    assert entries[1]["body"]["ticketIdList"] == ["id-\U0010ffff", 'id-"\\']
