"""TalqueHook against a real Airflow and the fake Talque server."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Any

import pytest

import talque
from conftest import CLIENT_ID, SECRET, SetConnection
from talque.airflow import TalqueHook
from talque.testing import FakeServer


def test_importing_talque_does_not_import_airflow() -> None:
    code = (
        "import sys, talque, talque.testing\n"
        "loaded = sorted(m for m in sys.modules if m == 'airflow' or m.startswith('airflow.'))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_hook_identity() -> None:
    assert TalqueHook.conn_name_attr == "talque_conn_id"
    assert TalqueHook.default_conn_name == "talque_default"
    assert TalqueHook.conn_type == "talque"
    assert TalqueHook.hook_name == "Talque"
    assert TalqueHook().talque_conn_id == "talque_default"


def test_get_conn_lists_and_reads_the_fakes_tickets(talque_conn: FakeServer) -> None:
    hook = TalqueHook()
    client = hook.get_conn()
    assert isinstance(client, talque.TalqueClient)
    assert hook.get_conn() is client, "the client is cached"
    assert client.base_url == talque_conn.url
    assert client.timeout == 10.0
    expected = talque_conn.tickets()
    assert list(client.list(talque_conn.org_id, limit=100)) == expected
    ids = [ticket["ticketId"] for ticket in expected if ticket["provider"] == "pretix"][:5]
    result = client.read(talque_conn.org_id, "pretix", ids)
    by_id = {ticket["ticketId"]: ticket for ticket in expected if ticket["provider"] == "pretix"}
    assert [result[i]["model"] for i in ids] == [by_id[i] for i in ids]


def test_airflow_finds_the_hook_by_connection_id(talque_conn: FakeServer) -> None:
    from airflow.sdk import BaseHook

    hook = BaseHook.get_hook("talque_default")
    assert isinstance(hook, TalqueHook)
    assert hook.talque_conn_id == "talque_default"
    assert len(list(hook.get_conn().list(talque_conn.org_id))) == 250


def test_credentials_reach_the_server_and_the_secret_is_redacted(
    talque_conn: FakeServer,
) -> None:
    list(TalqueHook().get_conn().list(talque_conn.org_id, limit=1000))
    (entry,) = talque_conn.requests("list")
    assert entry["authorized"] is True
    assert entry["headers"]["x-tq-client-id"] == CLIENT_ID
    assert entry["headers"]["x-tq-secret"] == "<redacted>"
    assert SECRET not in json.dumps(talque_conn.requests())


def test_uri_form_with_schema_and_port(fake: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # Airflow's URI form: the path is the schema, the query the extras (all strings).
    port = fake.url.rsplit(":", 1)[1]
    monkeypatch.setenv(
        "AIRFLOW_CONN_TALQUE_URI",
        f"talque://{CLIENT_ID}:{SECRET}@127.0.0.1:{port}/http?timeout=7.5&max_retries=1&compression=false",
    )
    client = TalqueHook("talque_uri").get_conn()
    assert client.base_url == fake.url
    assert (client.timeout, client.max_retries, client.compression) == (7.5, 1, False)
    assert len(list(client.list(fake.org_id))) == 250


@pytest.mark.parametrize(
    ("host", "schema", "port", "expected"),
    [
        (None, None, None, talque.DEFAULT_BASE_URL),
        ("", "", None, talque.DEFAULT_BASE_URL),
        ("https://event.talque.com", None, None, "https://event.talque.com"),
        ("https://event.talque.com/", None, None, "https://event.talque.com"),
        ("event.talque.com", None, None, "https://event.talque.com"),
        ("event.talque.com", "https", 8443, "https://event.talque.com:8443"),
        ("127.0.0.1", "http", 8080, "http://127.0.0.1:8080"),
        ("http://127.0.0.1", None, 8080, "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080", "http", 8080, "http://127.0.0.1:8080"),
        ("https://proxy.example/talque", None, None, "https://proxy.example/talque"),
    ],
)
def test_base_url_from_host_schema_and_port(
    set_connection: SetConnection,
    host: str | None,
    schema: str | None,
    port: int | None,
    expected: str,
) -> None:
    set_connection(login=CLIENT_ID, password=SECRET, host=host, schema=schema, port=port)
    assert TalqueHook().get_conn().base_url == expected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"host": "ftp://event.talque.com"}, "host must be a URL"),
        ({"host": "event.talque.com", "schema": "ftp"}, "schema must be 'http' or 'https'"),
        ({"host": "http://127.0.0.1", "schema": "https"}, "contradicts"),
        ({"host": "http://127.0.0.1:80", "port": 81}, "port 81 contradicts"),
        ({"host": "https://user:pw-in-host@event.talque.com"}, "must not carry credentials"),
        ({"host": "", "port": 8080}, "a port needs a host"),
        ({"extra": {"timeout": "soon"}}, "extra 'timeout' must be a positive, finite number"),
        ({"extra": {"timeout": 0}}, "extra 'timeout' must be a positive, finite number"),
        ({"extra": {"timeout": -3}}, "extra 'timeout' must be a positive, finite number"),
        ({"extra": {"timeout": True}}, "extra 'timeout' must be a number of seconds, not bool"),
        ({"extra": {"max_retries": -1}}, "extra 'max_retries' must be between 0 and 100, got -1"),
        ({"extra": {"max_retries": 1.5}}, "extra 'max_retries' must be an int, not float"),
        ({"extra": {"max_retries": "many"}}, "extra 'max_retries' must be a whole number"),
        ({"extra": {"max_retries": 1000}}, "between 0 and 100, got 1000"),
        ({"extra": {"compression": "gzip"}}, "extra 'compression' must be true or false"),
        ({"extra": {"compression": 1}}, "extra 'compression' must be a bool, not int"),
        ({"extra": {"org_id": 42}}, "extra 'org_id' must be a non-empty string"),
        ({"extra": {"org_id": "  "}}, "extra 'org_id' must be a non-empty string"),
        ({"extra": {"extra__talque__timeout": "x"}}, "extra 'timeout' must be a positive"),
        ({"extra": {"timeout": 5, "time_out": 5}}, "unknown extra field(s) 'time_out'"),
        ({"login": None}, "has no login"),
        ({"password": ""}, "has no password"),
    ],
)
def test_bad_connection_fields_raise_a_clear_error(
    set_connection: SetConnection, fields: dict[str, Any], message: str
) -> None:
    base: dict[str, Any] = {"login": CLIENT_ID, "password": SECRET, "host": "http://127.0.0.1"}
    set_connection(**{**base, **fields})
    with pytest.raises(ValueError, match="Talque connection 'talque_default'") as info:
        TalqueHook().get_conn()
    assert message in str(info.value)
    assert SECRET not in str(info.value) and "pw-in-host" not in str(info.value)
    ok, text = TalqueHook().test_connection()
    assert not ok and message in text


def test_form_style_extras_are_accepted(fake: FakeServer, set_connection: SetConnection) -> None:
    # Airflow's connection form may store fields prefixed, and blank ones as "" or null.
    extra = {"extra__talque__timeout": "4", "max_retries": "", "org_id": None}
    set_connection(login=CLIENT_ID, password=SECRET, host=fake.url, extra=extra)
    settings = TalqueHook().connection_settings()
    assert (settings.timeout, settings.max_retries, settings.org_id) == (4.0, None, None)
    assert TalqueHook().get_conn().max_retries == 3, "blank means the client's default"


def test_test_connection_accepts_good_credentials_without_an_org(talque_conn: FakeServer) -> None:
    ok, message = TalqueHook().test_connection()
    assert ok, message
    assert message.startswith(f"Credentials accepted by {talque_conn.url}")
    (entry,) = talque_conn.requests()
    assert entry["status"] == 404, "one probe request, for an org that does not exist"
    assert entry["body"]["limit"] == 1


def test_test_connection_with_an_org_lists_one_ticket(
    fake: FakeServer, set_connection: SetConnection
) -> None:
    extra = {"org_id": fake.org_id}
    set_connection(login=CLIENT_ID, password=SECRET, host=fake.url, extra=extra)
    assert TalqueHook().test_connection() == (
        True,
        f"Connected to {fake.url}: org {fake.org_id!r} is readable",
    )
    (entry,) = fake.requests()
    assert (entry["status"], entry["body"]["limit"]) == (200, 1)


def test_test_connection_rejects_a_wrong_secret(
    fake: FakeServer, set_connection: SetConnection
) -> None:
    set_connection(login=CLIENT_ID, password="not-the-secret", host=fake.url)
    ok, message = TalqueHook().test_connection()
    assert not ok
    assert "rejected the credentials (HTTP 401)" in message
    assert "not-the-secret" not in message
    assert fake.requests()[0]["authorized"] is False


@pytest.mark.parametrize(
    ("org", "expected"),
    [("forbidden", "is not readable with them (HTTP 403)"), ("missing", "does not exist")],
)
def test_test_connection_reports_an_org_it_cannot_read(
    fake: FakeServer, set_connection: SetConnection, org: str, expected: str
) -> None:
    org_id = fake.forbidden_org_id if org == "forbidden" else "orgNoSuch00000000001"
    extra = {"org_id": org_id}
    set_connection(login=CLIENT_ID, password=SECRET, host=fake.url, extra=extra)
    ok, message = TalqueHook().test_connection()
    assert not ok and expected in message and org_id in message


def test_test_connection_reports_an_unreachable_server(
    fake: FakeServer, set_connection: SetConnection
) -> None:
    url = fake.url
    fake.stop()
    extra = {"max_retries": 0, "timeout": 2}
    set_connection(login=CLIENT_ID, password=SECRET, host=url, extra=extra)
    ok, message = TalqueHook().test_connection()
    assert not ok and message.startswith("APIConnectionError")


def test_the_secret_never_reaches_a_repr_or_a_log(
    talque_conn: FakeServer,
    set_connection: SetConnection,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Airflow 3 hooks log through structlog to stdout; talque's own logger goes to caplog.
    caplog.set_level(logging.DEBUG)
    hook = TalqueHook()
    client = hook.get_conn()
    list(client.list(talque_conn.org_id))
    assert hook.test_connection()[0]
    texts = [repr(hook), str(hook), repr(client), repr(hook.connection_settings())]
    set_connection("talque_wrong", login=CLIENT_ID, password=SECRET + "x", host=talque_conn.url)
    wrong = TalqueHook("talque_wrong")
    texts.append(wrong.test_connection()[1])
    printed = capsys.readouterr()
    logs = caplog.text + printed.out + printed.err
    assert "Talque client for connection 'talque_default'" in logs, "the hook's log was captured"
    assert "HTTP 401" in logs, "talque's log was captured"
    for text in [*texts, logs]:
        assert SECRET not in text
    assert CLIENT_ID in repr(client)


def test_the_secret_is_registered_with_airflows_masker(talque_conn: FakeServer) -> None:
    from airflow.sdk.log import redact

    TalqueHook().get_conn()
    assert SECRET not in str(redact(f"the secret is {SECRET}"))
    assert "***" in str(redact(f"the secret is {SECRET}"))


def test_close_drops_the_cached_client(talque_conn: FakeServer) -> None:
    hook = TalqueHook()
    first = hook.get_conn()
    hook.close()
    with pytest.raises(talque.TalqueError, match="closed"):
        list(first.list(talque_conn.org_id))
    assert hook.get_conn() is not first
