"""Property tests of response decoding (issue 6, "Bad input, from both sides").

Every schema-valid answer -- generated from the OpenAPI document's response schemas, with
unknown extra fields, any unicode (astral characters, escapes), integers beyond 2**53 and
2**64, nested ``extData`` -- decodes to exactly ``json.loads(body)``: same types, same key
order. Every malformed answer -- wrong types or missing keys in the envelope the client
relies on, broken syntax, invalid UTF-8, bodies beyond ``max_response_bytes`` -- raises
``talque.InvalidResponseError`` after one request, never anything else.

Answers are served by the fake server (``fail("status", status=200, body=...)``), or by a
tiny local server (``_local_http``) where raw bytes are needed. Example counts come from a
Hypothesis profile (``TALQUE_HYPOTHESIS_PROFILE=talque-long`` for a longer run); the example
database is off so nothing is written into the repository.

What "malformed" means here: the envelope (``orgId``/``tickets``/``cursor``/``more``, and
``orgId``/``provider``/``ticketById`` with each item's ``success``/``reason``/``model``).
Inside a ticket the client passes through whatever the server sent -- absent keys and
unexpected types included, as the README promises -- which is tested here too.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

import talque
from _local_http import LocalServer, Reply, json_reply
from talque.testing import FakeServer

SPEC = json.loads(
    (Path(__file__).parent / "spec" / "talque-ticket-api.openapi.json").read_text("utf-8")
)
LIST_SCHEMA = SPEC["paths"]["/api/v1/ticket/list"]["post"]["responses"]["200"]["content"][
    "application/json"
]["schema"]
READ_SCHEMA = SPEC["paths"]["/api/v1/ticket/read"]["post"]["responses"]["200"]["content"][
    "application/json"
]["schema"]

# Hypothesis caches things under ./.hypothesis even without an example database; keep the
# repository clean.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "talque-hypothesis")
settings.register_profile(
    "talque",
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "talque-long",
    parent=settings.get_profile("talque"),
    max_examples=1_000,
)
PROFILE = settings.get_profile(os.environ.get("TALQUE_HYPOTHESIS_PROFILE", "talque"))

# The deepest JSON nesting the Python decoder (jiter) accepts, counting every object and
# array from the body's top level down. Deeper answers raise InvalidResponseError.
MAX_NESTING = 200

# ---------------------------------------------------------------------------------------
# Strategies built from the response schemas

_ASTRAL = st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, exclude_categories=["Cs"])
_ANY_CHAR = st.characters(exclude_categories=["Cs"])
# Plain text plus the characters that need escaping or are easy to get wrong.
_CHARS = st.one_of(
    _ANY_CHAR,
    _ASTRAL,
    st.sampled_from(['"', "\\", "/", "\x00", "\x1f", "\x7f", "\u2028", "\u2029", "\ufeff", "é"]),
)
TEXT = st.text(_CHARS, max_size=12)
BIG_INTS = st.one_of(
    st.integers(),
    st.integers(min_value=2**53 - 2, max_value=2**53 + 2),
    st.integers(min_value=2**63 - 2, max_value=2**64 + 2),
    st.integers(min_value=-(2**64) - 2, max_value=-(2**63) + 2),
    st.integers(min_value=2**64, max_value=2**300),
    st.integers(min_value=-(2**300), max_value=-(2**64)),
)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
SCALARS = st.one_of(st.none(), st.booleans(), BIG_INTS, FLOATS, TEXT)


def json_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)
        ),
        max_leaves=max_leaves,
    )


ANY_JSON = json_values()


def _deep(depth: int, leaf: Any) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


# extData of every JSON kind, sometimes nested to a depth well within the limit.
EXT_DATA = st.one_of(
    ANY_JSON,
    st.builds(_deep, st.integers(min_value=1, max_value=60), SCALARS),
)


def from_schema(schema: dict[str, Any], *, unknown: bool = True) -> st.SearchStrategy[Any]:
    """Values valid against ``schema`` (the subset of JSON Schema the spec uses), with
    unknown extra keys in objects that list their properties."""
    kind = schema.get("type")
    if kind is None:
        return EXT_DATA
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": one}) for one in kind])
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return BIG_INTS
    if kind == "number":
        return st.one_of(BIG_INTS, FLOATS)
    if kind == "string":
        return TEXT
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {})), max_size=3)
    if kind == "object":
        if "additionalProperties" in schema and not schema.get("properties"):
            values = from_schema(schema["additionalProperties"])
            return st.dictionaries(TICKET_IDS, values, min_size=1, max_size=4)
        props: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        fixed = st.fixed_dictionaries(
            {key: from_schema(sub) for key, sub in props.items() if key in required},
            optional={key: from_schema(sub) for key, sub in props.items() if key not in required},
        )
        if not unknown:
            return fixed
        extra = st.dictionaries(TEXT.filter(lambda key: key not in props), ANY_JSON, max_size=2)
        return st.builds(_merge, fixed, extra, st.randoms(use_true_random=False))
    raise AssertionError(f"unhandled schema type {kind!r}")


def _merge(known: dict[str, Any], extra: dict[str, Any], rnd: Any) -> dict[str, Any]:
    """Known and unknown keys, interleaved in a random order."""
    items = list(known.items()) + list(extra.items())
    rnd.shuffle(items)
    return dict(items)


# Read ids: what the client accepts as ticket ids (non-empty, no control characters).
TICKET_IDS = st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12)

LIST_PAGES = from_schema(LIST_SCHEMA).map(lambda page: {**page, "more": False})
READ_ANSWERS = from_schema(READ_SCHEMA)


@st.composite
def encodings(draw: st.DrawFn, doc: Any) -> str:
    """``doc`` as JSON text in one of several equivalent spellings."""
    ensure_ascii = draw(st.booleans())
    style = draw(st.sampled_from(["compact", "default", "indented"]))
    if style == "compact":
        return json.dumps(doc, ensure_ascii=ensure_ascii, separators=(",", ":"), allow_nan=False)
    if style == "indented":
        return json.dumps(doc, ensure_ascii=ensure_ascii, indent="\t", allow_nan=False) + "\r\n"
    return " " + json.dumps(doc, ensure_ascii=ensure_ascii, allow_nan=False) + "\n"


# ---------------------------------------------------------------------------------------
# Comparing decoded values strictly


def assert_same(got: Any, expected: Any, where: str = "$") -> None:
    """Equal values of identical types, dict keys in the same order, zeros of the same sign."""
    assert type(got) is type(expected), (
        f"{where}: {type(got).__name__} != {type(expected).__name__}"
    )
    if isinstance(expected, dict):
        assert list(got) == list(expected), f"{where}: keys {list(got)!r} != {list(expected)!r}"
        for key in expected:
            assert_same(got[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(got) == len(expected), f"{where}: length {len(got)} != {len(expected)}"
        for index, (one, other) in enumerate(zip(got, expected)):
            assert_same(one, other, f"{where}[{index}]")
    elif isinstance(expected, float):
        assert got == expected and math.copysign(1, got) == math.copysign(1, expected), where
    else:
        assert got == expected, f"{where}: {got!r} != {expected!r}"


# ---------------------------------------------------------------------------------------
# An oracle for arbitrary bodies: what the client should make of them


class Ambiguous(Exception):
    """JSON that RFC 8259 leaves open (duplicate names, lone surrogates): either outcome."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise Ambiguous("duplicate key")
    return dict(pairs)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_strings(value: Any) -> None:
    if isinstance(value, str):
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            raise Ambiguous("lone surrogate")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)


def _nesting(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_nesting(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_nesting(item) for item in value), default=0)
    return 0


def list_envelope_ok(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("orgId"), str)
        and isinstance(doc.get("tickets"), list)
        and all(isinstance(ticket, dict) for ticket in doc["tickets"])
        and "cursor" in doc
        and (doc["cursor"] is None or isinstance(doc["cursor"], str))
        and isinstance(doc.get("more"), bool)
        # A page promising more without saying where breaks pagination.
        and not (doc["more"] and not doc["cursor"])
    )


def read_envelope_ok(doc: Any) -> bool:
    if not (
        isinstance(doc, dict)
        and isinstance(doc.get("orgId"), str)
        and isinstance(doc.get("provider"), str)
        and isinstance(doc.get("ticketById"), dict)
    ):
        return False
    return all(
        isinstance(item, dict)
        and isinstance(item.get("success"), bool)
        and isinstance(item.get("reason"), str)
        and "model" in item
        and (item["model"] is None or isinstance(item["model"], dict))
        for item in doc["ticketById"].values()
    )


def expected_outcome(body: bytes, envelope_ok: Callable[[Any], bool]) -> Any | None:
    """The decoded document the client must return, or None if it must raise
    InvalidResponseError. Raises Ambiguous where either is acceptable."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("\ufeff"):
        return None  # A byte order mark is not JSON (RFC 8259, section 8.1).
    try:
        doc = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return None
    _check_strings(doc)
    if _nesting(doc) > MAX_NESTING:
        return None
    return doc if envelope_ok(doc) else None


def oracle(body: str | bytes, envelope_ok: Callable[[Any], bool]) -> Any:
    """:func:`expected_outcome` of ``body``, with ``"either"`` where it is Ambiguous."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    try:
        return expected_outcome(raw, envelope_ok)
    except Ambiguous:
        return "either"


def assert_agrees(body: str | bytes, expected: Any, outcome: tuple[str, Any]) -> None:
    """The client's ``outcome`` of ``body`` (see ``_outcome_of``) is the :func:`oracle`'s
    ``expected``: invalid for None, that value when there is one, anything for ``"either"``."""
    kind, value = outcome
    if expected is None:
        assert kind == "invalid", f"accepted {body!r}"
    elif expected != "either":
        assert kind == "ok", f"rejected {body!r}: {value}"
        assert_same(value, expected)


# ---------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeServer]:
    with FakeServer(tickets=3, seed=11) as server:
        yield server


@pytest.fixture(scope="module")
def client(fake: FakeServer) -> Iterator[talque.TalqueClient]:
    with fake.client(max_retries=0, timeout=10.0) as client:
        yield client


def _serve(fake: FakeServer, endpoint: str, body: str, times: int = 1) -> None:
    fake.clear_faults()
    fake.clear_requests()
    fake.fail("status", endpoint=endpoint, status=200, body=body, times=times)


def _first_page(client: talque.TalqueClient, org_id: str = "org") -> Any:
    # No look-ahead: exactly one request per page read keeps the request counts exact.
    return next(client.list(org_id, prefetch=False).pages())


def _read_all(client: talque.TalqueClient, ids: list[str]) -> dict[str, Any]:
    return dict(client.read("org", "provider", ids))


def _outcome_of(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", call()
    except talque.InvalidResponseError as err:
        return "invalid", err


# ---------------------------------------------------------------------------------------
# Schema-valid answers decode exactly


@PROFILE
@given(data=st.data(), page=LIST_PAGES)
def test_any_valid_list_page_decodes_to_exactly_the_json(
    fake: FakeServer, client: talque.TalqueClient, data: st.DataObject, page: dict[str, Any]
) -> None:
    body = data.draw(encodings(page))
    _serve(fake, "list", body, times=2)
    expected = json.loads(body)
    assert_same(_first_page(client), expected)
    # Iterating yields the same tickets as the page holds.
    assert_same(list(client.list("org", prefetch=False)), expected["tickets"])
    assert len(fake.requests("list")) == 2


@PROFILE
@given(data=st.data(), answer=READ_ANSWERS)
def test_any_valid_read_answer_decodes_to_exactly_the_json(
    fake: FakeServer, client: talque.TalqueClient, data: st.DataObject, answer: dict[str, Any]
) -> None:
    body = data.draw(encodings(answer))
    _serve(fake, "read", body)
    expected = json.loads(body)["ticketById"]
    ids = list(expected)
    assert_same(_read_all(client, ids), expected)
    assert len(fake.requests("read")) == 1


@pytest.mark.parametrize(
    "value",
    [
        "9007199254740993",  # 2**53 + 1
        "-9007199254740993",
        "18446744073709551615",  # 2**64 - 1
        "18446744073709551616",  # 2**64
        "-9223372036854775809",  # -(2**63) - 1
        "1" + "0" * 300,
        "9" * 4300,  # Python's own int() digit limit
        "-0.0",
        "1E2",
        "1e400",
        "5e-324",
        "1.7976931348623157e308",
        '"\\ud83d\\ude00 \\u00e9 \\/ \\b\\f\\n\\r\\t \\u0000"',
        '"\U0001f600\U00010000\U0010ffff"',
    ],
)
def test_edge_values_decode_like_json_loads(
    fake: FakeServer, client: talque.TalqueClient, value: str
) -> None:
    body = '{"orgId":"o","tickets":[{"ctime":%s,"extData":[%s]}],"cursor":null,"more":false}' % (
        value if not value.startswith('"') else "0",
        value,
    )
    _serve(fake, "list", body)
    assert_same(_first_page(client), json.loads(body))


def _nested_page(ext_depth: int) -> str:
    """A list page whose one ticket's extData is ``ext_depth`` arrays deep; the page, the
    tickets array and the ticket add 3 more levels."""
    return (
        '{"orgId":"o","tickets":[{"ticketId":"t","extData":'
        + "[" * ext_depth
        + "1"
        + "]" * ext_depth
        + '}],"cursor":null,"more":false}'
    )


def test_nesting_up_to_the_limit_decodes(fake: FakeServer, client: talque.TalqueClient) -> None:
    for depth in (50, 100, 150, MAX_NESTING - 3):
        body = _nested_page(depth)
        _serve(fake, "list", body)
        page = _first_page(client)
        value = page["tickets"][0]["extData"]
        for _ in range(depth):
            assert isinstance(value, list) and len(value) == 1
            value = value[0]
        assert value == 1


@pytest.mark.parametrize("ext_depth", [MAX_NESTING - 2, MAX_NESTING, 1_000, 100_000, 2_000_000])
def test_nesting_beyond_the_limit_is_invalid_response(
    fake: FakeServer, client: talque.TalqueClient, ext_depth: int
) -> None:
    _serve(fake, "list", _nested_page(ext_depth))
    with pytest.raises(talque.InvalidResponseError, match="recursion limit"):
        _first_page(client)
    assert len(fake.requests("list")) == 1


@pytest.mark.parametrize("opener", ["[", '{"k":'])
def test_deep_read_model_beyond_the_limit_is_invalid_response(
    fake: FakeServer, client: talque.TalqueClient, opener: str
) -> None:
    depth = 50_000
    closer = "]" if opener == "[" else "}"
    body = (
        '{"orgId":"o","provider":"p","ticketById":{"a":{"success":true,"reason":"SUCCESS",'
        '"model":{"extData":' + opener * depth + "0" + closer * depth + "}}}}"
    )
    _serve(fake, "read", body)
    with pytest.raises(talque.InvalidResponseError):
        _read_all(client, ["a"])


def test_unclosed_deep_nesting_is_invalid_response(
    fake: FakeServer, client: talque.TalqueClient
) -> None:
    _serve(fake, "list", '{"orgId":"o","tickets":[{"extData":' + "[" * 500_000)
    with pytest.raises(talque.InvalidResponseError):
        _first_page(client)


@PROFILE
@given(
    ticket=st.dictionaries(TEXT, ANY_JSON, max_size=5),
    data=st.data(),
)
def test_tickets_are_passed_through_whatever_their_inside(
    fake: FakeServer,
    client: talque.TalqueClient,
    ticket: dict[str, Any],
    data: st.DataObject,
) -> None:
    # Absent required ticket keys and unexpected value types are the server's business:
    # the README promises the dicts exactly as sent.
    page = {"orgId": "o", "tickets": [ticket], "cursor": None, "more": False}
    body = data.draw(encodings(page))
    _serve(fake, "list", body)
    assert_same(_first_page(client), json.loads(body))


@pytest.mark.parametrize("body", ['"\\ud800"', '"\\udc00"', '"a\\ud83dz"'])
def test_lone_surrogate_escapes_are_decoded_or_rejected_cleanly(
    fake: FakeServer, client: talque.TalqueClient, body: str
) -> None:
    # JSON's grammar allows them, RFC 8259 leaves their meaning open, Python's json keeps
    # them and the client's decoder refuses them: either outcome is fine, a crash is not.
    text = '{"orgId":"o","tickets":[{"extData":%s}],"cursor":null,"more":false}' % body
    _serve(fake, "list", text)
    kind, value = _outcome_of(lambda: _first_page(client))
    if kind == "ok":
        assert_same(value, json.loads(text))


# ---------------------------------------------------------------------------------------
# Malformed envelopes raise InvalidResponseError

NOT_STRING = st.one_of(
    st.none(),
    st.booleans(),
    BIG_INTS,
    FLOATS,
    st.lists(SCALARS, max_size=2),
    st.dictionaries(TEXT, SCALARS, max_size=2),
)
NOT_STRING_OR_NULL = NOT_STRING.filter(lambda value: value is not None)
NOT_BOOL = st.one_of(
    st.none(),
    BIG_INTS,
    FLOATS,
    TEXT,
    st.lists(SCALARS, max_size=2),
    st.dictionaries(TEXT, SCALARS, max_size=2),
)
NOT_ARRAY = st.one_of(SCALARS, st.dictionaries(TEXT, SCALARS, max_size=2))
NOT_OBJECT = st.one_of(SCALARS, st.lists(SCALARS, max_size=2))
NOT_OBJECT_OR_NULL = NOT_OBJECT.filter(lambda value: value is not None)


@st.composite
def broken_list_pages(draw: st.DrawFn) -> Any:
    page = draw(from_schema(LIST_SCHEMA))
    how = draw(
        st.sampled_from(
            ["drop", "orgId", "tickets", "ticket", "cursor", "more", "top", "more-without-cursor"]
        )
    )
    if how == "drop":
        del page[draw(st.sampled_from(["orgId", "tickets", "cursor", "more"]))]
    elif how == "orgId":
        page["orgId"] = draw(NOT_STRING)
    elif how == "tickets":
        page["tickets"] = draw(NOT_ARRAY)
    elif how == "ticket":
        tickets = list(page["tickets"])
        tickets.insert(draw(st.integers(0, len(tickets))), draw(NOT_OBJECT))
        page["tickets"] = tickets
    elif how == "cursor":
        page["cursor"] = draw(NOT_STRING_OR_NULL)
    elif how == "more":
        page["more"] = draw(NOT_BOOL)
    elif how == "more-without-cursor":
        page["more"], page["cursor"] = True, None
    else:
        return draw(NOT_OBJECT)
    return page


@st.composite
def broken_read_answers(draw: st.DrawFn) -> Any:
    answer = draw(from_schema(READ_SCHEMA))
    how = draw(
        st.sampled_from(
            [
                "drop",
                "orgId",
                "provider",
                "ticketById",
                "item",
                "item-key",
                "success",
                "reason",
                "model",
                "top",
            ]
        )
    )
    items = answer["ticketById"]
    victim = draw(st.sampled_from(sorted(items)))
    if how == "drop":
        del answer[draw(st.sampled_from(["orgId", "provider", "ticketById"]))]
    elif how in ("orgId", "provider"):
        answer[how] = draw(NOT_STRING)
    elif how == "ticketById":
        answer["ticketById"] = draw(NOT_OBJECT)
    elif how == "item":
        items[victim] = draw(NOT_OBJECT)
    elif how == "item-key":
        del items[victim][draw(st.sampled_from(["success", "reason", "model"]))]
    elif how == "success":
        items[victim]["success"] = draw(NOT_BOOL)
    elif how == "reason":
        items[victim]["reason"] = draw(NOT_STRING)
    elif how == "model":
        items[victim]["model"] = draw(NOT_OBJECT_OR_NULL)
    else:
        return draw(NOT_OBJECT)
    return answer


def _call(client: talque.TalqueClient, endpoint: str, ids: list[str]) -> Any:
    """One call of ``endpoint``: the first page of a listing, or a read of ``ids``."""
    return _first_page(client) if endpoint == "list" else _read_all(client, ids)


# Per endpoint: a strategy for broken answers, and the check that says they are broken.
BROKEN_ANSWERS = {
    "list": (broken_list_pages(), list_envelope_ok),
    "read": (broken_read_answers(), read_envelope_ok),
}


@pytest.mark.parametrize("endpoint", ["list", "read"])
@PROFILE
@given(data=st.data())
def test_malformed_answers_raise_invalid_response(
    fake: FakeServer, client: talque.TalqueClient, data: st.DataObject, endpoint: str
) -> None:
    strategy, envelope_ok = BROKEN_ANSWERS[endpoint]
    answer = data.draw(strategy)
    assert not envelope_ok(answer)
    _serve(fake, endpoint, data.draw(encodings(answer)))
    with pytest.raises(talque.InvalidResponseError):
        _call(client, endpoint, ["a", "b"])
    # A malformed 200 is not retried.
    assert len(fake.requests(endpoint)) == 1


@pytest.mark.parametrize(
    "item",
    [
        pytest.param('[true,"SUCCESS",null]', id="found"),
        pytest.param('[false,"NOT_FOUND",{"ticketId":"a"}]', id="not-found"),
    ],
)
def test_a_read_item_that_is_an_array_is_invalid_response(
    fake: FakeServer, client: talque.TalqueClient, item: str
) -> None:
    # The core's shape types are serde structs, which also take an array of the fields
    # in order; such an item must not reach the caller as a list.
    _serve(fake, "read", '{"orgId":"o","provider":"p","ticketById":{"a":%s}}' % item)
    with pytest.raises(talque.InvalidResponseError):
        _read_all(client, ["a"])


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        pytest.param("list", '["o",[],null,false]', id="list"),
        pytest.param("read", '["o","p",{}]', id="read"),
    ],
)
def test_a_positional_array_envelope_is_invalid_response(
    fake: FakeServer, client: talque.TalqueClient, endpoint: str, body: str
) -> None:
    _serve(fake, endpoint, body)
    with pytest.raises(talque.InvalidResponseError):
        _call(client, endpoint, ["a"])


@st.composite
def damaged_text(draw: st.DrawFn, docs: st.SearchStrategy[Any]) -> str:
    """Valid JSON text, then cut, spliced or sprinkled with JSON-ish characters."""
    text = draw(encodings(draw(docs)))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["cut", "insert", "delete", "replace"]))
        piece = draw(
            st.text(st.sampled_from('{}[]",:\\ 0-1.eEtrufalsn\x00\x1f'), min_size=1, max_size=3)
            | TEXT.filter(bool)
        )
        if how == "cut":
            text = text[:at]
        elif how == "insert":
            text = text[:at] + piece + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + len(piece) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


@PROFILE
@given(body=st.one_of(damaged_text(from_schema(LIST_SCHEMA)), st.text(_CHARS, max_size=40)))
def test_any_list_text_decodes_or_raises_invalid_response(
    fake: FakeServer, client: talque.TalqueClient, body: str
) -> None:
    expected = oracle(body, list_envelope_ok)
    _serve(fake, "list", body)
    assert_agrees(body, expected, _outcome_of(lambda: _first_page(client)))
    assert len(fake.requests("list")) == 1


@PROFILE
@given(body=damaged_text(from_schema(READ_SCHEMA)))
def test_any_read_text_decodes_or_raises_invalid_response(
    fake: FakeServer, client: talque.TalqueClient, body: str
) -> None:
    expected = oracle(body, read_envelope_ok)
    _serve(fake, "read", body)
    found = expected["ticketById"] if isinstance(expected, dict) else expected
    ids = list(found) if isinstance(found, dict) else ["a"]
    assert_agrees(body, found, _outcome_of(lambda: _read_all(client, ids)))


# ---------------------------------------------------------------------------------------
# Raw bytes: invalid UTF-8 and arbitrary binary, from a local server


class RawAnswers:
    """A local server that answers every request with the current ``reply``."""

    def __init__(self) -> None:
        self.reply = Reply()
        self.server = LocalServer(lambda _seen: self.reply)


@pytest.fixture(scope="module")
def raw() -> Iterator[RawAnswers]:
    answers = RawAnswers()
    yield answers
    answers.server.close()


@pytest.fixture(scope="module")
def raw_client(raw: RawAnswers) -> Iterator[talque.TalqueClient]:
    with talque.TalqueClient(
        "client", "secret", base_url=raw.server.url, max_retries=0, timeout=10.0
    ) as client:
        yield client


INVALID_UTF8 = st.sampled_from(
    [
        b"\xff",
        b"\xfe",
        b"\x80",  # a lone continuation byte
        b"\xc3",  # a truncated two-byte sequence
        b"\xe2\x82",  # a truncated three-byte sequence
        b"\xf0\x9f\x98",  # a truncated four-byte sequence
        b"\xc0\xaf",  # an overlong '/'
        b"\xe0\x80\xaf",  # an overlong '/'
        b"\xed\xa0\x80",  # an encoded surrogate (CESU-8)
        b"\xf4\x90\x80\x80",  # beyond U+10FFFF
        b"\xf8\x88\x80\x80\x80",  # a five-byte form
    ]
)


@PROFILE
@given(
    data=st.data(),
    doc=st.one_of(from_schema(LIST_SCHEMA), from_schema(READ_SCHEMA)),
    bad=INVALID_UTF8,
    chunked=st.booleans(),
)
def test_invalid_utf8_anywhere_raises_invalid_response(
    raw: RawAnswers,
    raw_client: talque.TalqueClient,
    data: st.DataObject,
    doc: dict[str, Any],
    bad: bytes,
    chunked: bool,
) -> None:
    valid = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    # Inside a string value most of the time: the parts the shape check never looks at.
    inside = [i + 1 for i, byte in enumerate(valid) if byte == ord('"')]
    at = data.draw(
        st.sampled_from(inside)
        if inside and data.draw(st.booleans())
        else st.integers(0, len(valid))
    )
    body = valid[:at] + bad + valid[at:]
    raw.reply = json_reply(body, chunked=chunked)
    before = len(raw.server.seen)
    if "tickets" in doc:
        with pytest.raises(talque.InvalidResponseError):
            _first_page(raw_client)
    else:
        with pytest.raises(talque.InvalidResponseError):
            _read_all(raw_client, ["a"])
    assert len(raw.server.seen) == before + 1


def test_invalid_utf8_message_says_so(raw: RawAnswers, raw_client: talque.TalqueClient) -> None:
    raw.reply = json_reply(b'{"orgId":"o\xff","tickets":[],"cursor":null,"more":false}')
    with pytest.raises(talque.InvalidResponseError, match="UTF-8"):
        _first_page(raw_client)


@PROFILE
@given(
    body=st.binary(max_size=200)
    | st.builds(
        lambda prefix, junk: prefix + junk,
        st.sampled_from([b'{"orgId":"o","tickets":[', b'{"orgId":', b"{", b"[", b'"']),
        st.binary(max_size=64),
    )
)
def test_arbitrary_bytes_decode_or_raise_invalid_response(
    raw: RawAnswers, raw_client: talque.TalqueClient, body: bytes
) -> None:
    expected = oracle(body, list_envelope_ok)
    raw.reply = json_reply(body)
    assert_agrees(body, expected, _outcome_of(lambda: _first_page(raw_client)))


def test_a_byte_order_mark_is_invalid_response(
    raw: RawAnswers, raw_client: talque.TalqueClient
) -> None:
    raw.reply = json_reply(b'\xef\xbb\xbf{"orgId":"o","tickets":[],"cursor":null,"more":false}')
    with pytest.raises(talque.InvalidResponseError):
        _first_page(raw_client)


# ---------------------------------------------------------------------------------------
# Huge bodies: max_response_bytes


@PROFILE
@given(
    limit=st.integers(min_value=60, max_value=20_000),
    size_delta=st.integers(min_value=-50, max_value=50) | st.integers(1, 5_000_000),
    chunked=st.booleans(),
    via_fake=st.booleans(),
)
def test_bodies_beyond_max_response_bytes_raise_invalid_response(
    fake: FakeServer,
    raw: RawAnswers,
    limit: int,
    size_delta: int,
    chunked: bool,
    via_fake: bool,
) -> None:
    compact = '{"orgId":"o","tickets":[],"cursor":null,"more":false}'
    size = max(len(compact), limit + size_delta)
    # Whitespace after the value keeps the body valid JSON of any size.
    body = compact + " " * (size - len(compact))
    if via_fake:
        _serve(fake, "list", body)
        url = fake.url
    else:
        raw.reply = json_reply(body, chunked=chunked)
        url = raw.server.url
    with talque.TalqueClient(
        "fake-client-id", "fake-secret", base_url=url, max_retries=2, max_response_bytes=limit
    ) as client:
        if size <= limit:
            assert_same(_first_page(client), json.loads(body))
        else:
            with pytest.raises(talque.InvalidResponseError, match="max_response_bytes"):
                _first_page(client)
    if via_fake:
        # Refused once, not retried.
        assert len(fake.requests("list")) == 1


def test_default_cap_refuses_a_body_over_64_mib(
    raw: RawAnswers, raw_client: talque.TalqueClient
) -> None:
    compact = b'{"orgId":"o","tickets":[],"cursor":null,"more":false}'
    raw.reply = json_reply(compact + b" " * (64 * 1024 * 1024), chunked=True)
    with pytest.raises(talque.InvalidResponseError, match="max_response_bytes"):
        _first_page(raw_client)


def test_huge_read_answers_are_capped_too(fake: FakeServer) -> None:
    answer = {
        "orgId": "o",
        "provider": "p",
        "ticketById": {"a": {"success": False, "reason": "X" * 5000, "model": None}},
    }
    _serve(fake, "read", json.dumps(answer))
    with fake.client(max_retries=0, max_response_bytes=4096) as client:
        with pytest.raises(talque.InvalidResponseError, match="max_response_bytes"):
            client.read("org", "p", ["a"])


def test_async_client_decodes_and_rejects_the_same(fake: FakeServer) -> None:
    import asyncio

    good = (
        '{"orgId":"o","tickets":[{"n":%d,"s":"\\ud83d\\ude00"}],"cursor":null,"more":false,"x":1}'
        % (2**70)
    )
    bad = '{"orgId":"o","tickets":{},"cursor":null,"more":false}'

    async def main() -> tuple[Any, BaseException]:
        async with talque.AsyncTalqueClient(
            fake.client_id, fake.secret, base_url=fake.url, max_retries=0
        ) as client:
            _serve(fake, "list", good)
            page = await client.list("org").pages().__anext__()
            _serve(fake, "list", bad)
            try:
                await client.list("org").pages().__anext__()
            except talque.InvalidResponseError as err:
                return page, err
            raise AssertionError("a malformed page was accepted")

    page, err = asyncio.run(main())
    assert_same(page, json.loads(good))
    assert isinstance(err, talque.InvalidResponseError)
