"""The client constructor's options (credentials, base_url, timeout, max_retries, batch_size,
max_concurrency, max_response_bytes, ca_bundle, compression): one table in the core
(``_talque.CLIENT_OPTIONS``) from which the clients' signatures, the checks and their
messages, the CLI flags and the Airflow connection fields all come; every option's wrong
types and values, refused before anything is sent and without echoing a secret; and the
boundaries that are accepted."""

from __future__ import annotations

import importlib.util
import inspect
import math
import pathlib
import pickle
import sys
from typing import Any

import pytest
import trustme

import talque
from _cli import run_cli
from talque import _talque
from talque._airflow_provider import CONN_FIELDS, EXTRA_OPTIONS, UI_FIELD_BEHAVIOUR
from talque._talque import CLIENT_OPTIONS, CoreClient, parse_option
from talque.testing import FakeServer

OPTIONS = {option.name: option for option in CLIENT_OPTIONS}
SECRET_WITH_A_SPACE = "s3cr3t VALUE"

# ---------------------------------------------------------------------------------------
# The table


def test_the_table_holds_the_documented_defaults_and_limits() -> None:
    summary = {
        option.name: (option.kind, option.default, option.minimum, option.maximum)
        for option in CLIENT_OPTIONS
    }
    assert summary == {
        "client_id": ("text", None, None, None),
        "secret": ("text", None, None, None),
        "base_url": ("text", "https://event.talque.com", None, None),
        "timeout": ("seconds", 30.0, None, None),
        "max_retries": ("integer", 3, 0, 100),
        "batch_size": ("integer", 100, 1, 100_000),
        "max_concurrency": ("integer", 8, 1, 1_000),
        "max_response_bytes": ("integer", 64 * 1024 * 1024, 1, 2**40),
        "ca_bundle": ("path", None, None, None),
        "compression": ("bool", True, None, None),
    }
    assert all(option.help.endswith(".") for option in CLIENT_OPTIONS)
    assert talque.DEFAULT_BASE_URL == _talque.DEFAULT_BASE_URL == OPTIONS["base_url"].default


def test_the_table_cannot_be_changed_from_python() -> None:
    assert isinstance(CLIENT_OPTIONS, tuple)
    with pytest.raises(AttributeError):
        OPTIONS["max_retries"].maximum = 1000  # type: ignore[misc]


def test_the_clients_signatures_name_exactly_the_cores_options(client_kind: type) -> None:
    parameters = list(inspect.signature(client_kind).parameters.values())
    assert [p.name for p in parameters] == [option.name for option in CLIENT_OPTIONS]
    for parameter in parameters:
        option = OPTIONS[parameter.name]
        # base_url, like the credentials, falls back on an environment variable first.
        expected = None if parameter.name == "base_url" else option.default
        assert parameter.default == expected, parameter.name
        assert type(parameter.default) is type(expected), parameter.name
    credentials = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert credentials == ["client_id", "secret"]


def test_every_option_reaches_the_core(server: FakeServer, tmp_path: pathlib.Path) -> None:
    bundle = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(bundle)
    given: dict[str, Any] = {
        "base_url": server.url + "/",
        "timeout": 7,
        "max_retries": 100,
        "batch_size": 1,
        "max_concurrency": 1000,
        "max_response_bytes": 2**40,
        "ca_bundle": bundle,
        "compression": False,
    }
    core = CoreClient(server.client_id, server.secret, **given)
    assert core.options == {
        "client_id": server.client_id,
        "base_url": server.url,
        "timeout": 7.0,
        "max_retries": 100,
        "batch_size": 1,
        "max_concurrency": 1000,
        "max_response_bytes": 2**40,
        "ca_bundle": str(bundle),
        "compression": False,
    }
    assert core.options is not core.options, "a new dict each time"
    core.close()
    with server.client(**given) as client:
        assert (client.base_url, client.timeout, client.max_retries) == (server.url, 7.0, 100)
        assert (client.batch_size, client.compression) == (1, False)
        assert repr(client) == (
            f"TalqueClient(base_url={server.url!r}, client_id={server.client_id!r}, "
            "timeout=7.0, max_retries=100)"
        )


# ---------------------------------------------------------------------------------------
# Messages: a wrong type is a TypeError, a wrong value a ValueError, before anything is sent

_SECONDS = "timeout must be a positive, finite number of seconds, got"
_HEADER = "must be visible ASCII (it is sent as an HTTP header); found a character that is not"

TYPE_ERRORS = [
    ({"max_retries": True}, "max_retries must be an int, not bool"),
    ({"max_retries": "3"}, "max_retries must be an int, not str"),
    ({"batch_size": 10.0}, "batch_size must be an int, not float"),
    ({"timeout": True}, "timeout must be a number of seconds, not bool"),
    ({"timeout": None}, "timeout must be a number of seconds, not NoneType"),
    ({"compression": 1}, "compression must be a bool, not int"),
    ({"ca_bundle": b"/etc/ca.pem"}, "ca_bundle must be a path, not bytes"),
    ({"base_url": b"http://h"}, "base_url must be a str, not bytes"),
    ({"client_id": 123}, "client_id must be a str, not int"),
]

VALUE_ERRORS = [
    ({"max_retries": 101}, "max_retries must be between 0 and 100, got 101"),
    ({"max_retries": -1}, "max_retries must be between 0 and 100, got -1"),
    ({"batch_size": 2**64}, f"batch_size must be between 1 and 100000, got {2**64}"),
    ({"max_concurrency": 2**200}, f"max_concurrency must be between 1 and 1000, got {2**200}"),
    ({"timeout": -1}, f"{_SECONDS} -1"),
    ({"timeout": float("nan")}, f"{_SECONDS} nan"),
    ({"timeout": 1e-12}, "timeout must be at least one nanosecond, got 1e-12"),
    ({"timeout": 10**400}, f"timeout must be at most 18446744073709551615 seconds, got {10**400}"),
    ({"base_url": "ftp://127.0.0.1"}, "base_url must start with http:// or https://, not ftp://"),
    ({"base_url": "http://host\n.com"}, "base_url must not contain control characters"),
    ({"client_id": "id\x1b[0m"}, f"client_id {_HEADER} at position 2"),
    ({"secret": SECRET_WITH_A_SPACE}, f"secret {_HEADER} at position 6"),
    ({"secret": "s3cr3t\ud800VALUE"}, "secret must be valid Unicode text, without lone surrogates"),
]

MESSAGES = [
    *[pytest.param(kwargs, TypeError, message, id=message) for kwargs, message in TYPE_ERRORS],
    *[pytest.param(kwargs, ValueError, message, id=message) for kwargs, message in VALUE_ERRORS],
]


def _build(client_kind: type, server: FakeServer, **kwargs: Any) -> Any:
    """A client of ``client_kind`` for ``server`` with ``kwargs`` in place of its options."""
    options = {"client_id": server.client_id, "secret": server.secret, "base_url": server.url}
    return client_kind(**{**options, **kwargs})


@pytest.mark.parametrize(("kwargs", "error", "message"), MESSAGES)
def test_bad_options_raise_the_cores_message_before_anything_is_sent(
    server: FakeServer, client_kind: type, kwargs: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error) as info:
        _build(client_kind, server, **kwargs)
    assert type(info.value) is error
    assert str(info.value) == message
    # Never the secret, not even a part of it.
    for text in (str(info.value), repr(info.value), repr(pickle.dumps(info.value))):
        assert "s3cr3t" not in text and "VALUE" not in text
    assert server.requests() == []


def test_a_secret_with_a_space_never_reaches_the_server(server: FakeServer) -> None:
    # Python used to let it through, and the core refused it later in other words.
    with pytest.raises(ValueError, match=r"^secret must be visible ASCII"):
        server.client(secret=SECRET_WITH_A_SPACE)
    assert server.requests() == []


def test_an_unknown_option_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError) as info:
        CoreClient("id", "secret", base_url="http://127.0.0.1:9", retries=3)
    assert str(info.value).startswith("'retries' is not a client option; the options are ")
    assert "max_retries" in str(info.value)


def test_the_core_client_takes_options_as_keywords_only() -> None:
    with pytest.raises(TypeError):
        CoreClient("id", "secret", "http://127.0.0.1:9")  # type: ignore[misc]
    with pytest.raises(TypeError):
        CoreClient("id", "secret", client_id="other")  # type: ignore[misc]


# ---------------------------------------------------------------------------------------
# Every option's wrong types and values; the cases whose exact message MESSAGES checks are
# not repeated here.

# base_url values that are not an http(s) URL of a host, without query or fragment.
BAD_URLS = [
    ("no-scheme", "127.0.0.1:8080"),
    ("bare-host", "event.talque.com"),
    ("empty", ""),
    ("no-host", "http://"),
    ("space", "http://exa mple.com"),
    ("surrogate", "http://\ud800.com"),
    ("query", "https://host/?q=1"),
    ("fragment", "https://host/#f"),
]

BAD_OPTIONS = [
    # client_id, secret
    pytest.param({"secret": b"bytes-secret"}, TypeError, id="secret-bytes"),
    # batch_size
    pytest.param({"batch_size": 0}, ValueError, id="batch-0"),
    pytest.param({"batch_size": -1}, ValueError, id="batch-negative"),
    pytest.param({"batch_size": 100_001}, ValueError, id="batch-over-max"),
    pytest.param({"batch_size": True}, TypeError, id="batch-bool"),
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
    # max_retries
    pytest.param({"max_retries": 2**64}, ValueError, id="retries-2**64"),
    pytest.param({"max_retries": 1.0}, TypeError, id="retries-float"),
    pytest.param({"max_retries": None}, TypeError, id="retries-None"),
    # timeout
    pytest.param({"timeout": 0}, ValueError, id="timeout-0"),
    pytest.param({"timeout": -1.0}, ValueError, id="timeout-negative"),
    pytest.param({"timeout": math.inf}, ValueError, id="timeout-inf"),
    pytest.param({"timeout": 1e300}, ValueError, id="timeout-1e300"),
    pytest.param({"timeout": 2.0**64}, ValueError, id="timeout-2**64-seconds"),
    pytest.param({"timeout": 5e-324}, ValueError, id="timeout-denormal"),
    pytest.param({"timeout": "5"}, TypeError, id="timeout-str"),
    pytest.param({"timeout": [1]}, TypeError, id="timeout-list"),
    # ca_bundle
    pytest.param({"ca_bundle": b"/etc/ssl/cert.pem"}, TypeError, id="ca-bytes"),
    pytest.param({"ca_bundle": ""}, ValueError, id="ca-empty"),
    pytest.param({"ca_bundle": "/no/such/file.pem"}, ValueError, id="ca-missing"),
    pytest.param({"ca_bundle": ["/etc/ssl/cert.pem"]}, TypeError, id="ca-list"),
    pytest.param({"ca_bundle": "/"}, ValueError, id="ca-directory"),
    pytest.param({"ca_bundle": 123}, TypeError, id="ca-int"),
    pytest.param({"ca_bundle": "a\x00b.pem"}, ValueError, id="ca-nul"),
    pytest.param({"ca_bundle": "/tmp/\udcff.pem"}, ValueError, id="ca-surrogate"),
    # base_url
    *[pytest.param({"base_url": url}, ValueError, id=f"url-{name}") for name, url in BAD_URLS],
    pytest.param({"base_url": b"http://127.0.0.1"}, TypeError, id="url-bytes"),
    pytest.param({"base_url": 8080}, TypeError, id="url-int"),
    # unknown options
    pytest.param({"retries": 3}, TypeError, id="unknown-keyword"),
    pytest.param({"verify": False}, TypeError, id="no-verify-switch"),
]


@pytest.mark.parametrize(("kwargs", "error"), BAD_OPTIONS)
def test_client_options_are_checked(
    server: FakeServer, client_kind: type, kwargs: dict[str, Any], error: type
) -> None:
    with pytest.raises(error):
        _build(client_kind, server, **kwargs)
    assert server.requests() == []


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
    assert server.requests() == []


# ---------------------------------------------------------------------------------------
# Credentials: refused without echo

BAD_SECRETS = [
    pytest.param("s3cr3t\nVALUE", id="newline"),
    pytest.param("s3cr3t\rVALUE", id="carriage-return"),
    pytest.param("s3cr3t\x00VALUE", id="nul"),
    pytest.param("s3cr3t\tVALUE", id="tab"),
    pytest.param("s3cr3t\x7fVALUE", id="del"),
    pytest.param("s3cr3tVALUE\r\nX-Injected: 1", id="header-injection"),
    pytest.param("s3cr3t-\u00e9-VALUE", id="non-ascii"),
    pytest.param("s3cr3t\u2028VALUE", id="line-separator"),
    pytest.param("s3cr3t\x85VALUE", id="c1-control"),
    pytest.param("s3cr3t\u200bVALUE", id="zero-width-space"),
]


@pytest.mark.parametrize("secret", BAD_SECRETS)
def test_bad_secrets_are_refused_without_echo(
    server: FakeServer, client_kind: type, secret: str
) -> None:
    with pytest.raises(ValueError, match="secret") as info:
        _build(client_kind, server, secret=secret)
    for text in (str(info.value), repr(info.value), repr(info.value.args)):
        assert "s3cr3t" not in text and "VALUE" not in text
    assert b"s3cr3t" not in pickle.dumps(info.value)
    assert server.requests() == []


@pytest.mark.parametrize("client_id", ["id\nX", "id\x00", "id\r\nX-Injected: 1"])
def test_control_characters_in_client_id_are_rejected(
    server: FakeServer, client_kind: type, client_id: str
) -> None:
    with pytest.raises(ValueError, match="client_id"):
        _build(client_kind, server, client_id=client_id)
    assert server.requests() == []


def test_empty_credentials_are_rejected(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TALQUE_CLIENT_ID", raising=False)
    monkeypatch.delenv("TALQUE_SECRET", raising=False)
    for kwargs in ({"client_id": ""}, {"secret": ""}):
        with pytest.raises((talque.TalqueError, ValueError)):
            server.client(**kwargs)
    assert server.requests() == []


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


# ---------------------------------------------------------------------------------------
# Boundaries: the extremes that are accepted work


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
# parse_option: the text a command line or a connection form holds


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("max_retries", "3", 3),
        ("max_retries", " 0 ", 0),
        ("timeout", "30", 30.0),
        ("timeout", "0.25", 0.25),
        ("compression", "true", True),
        ("compression", "False", False),
        ("base_url", "http://h", "http://h"),
        ("ca_bundle", "/etc/ca.pem", "/etc/ca.pem"),
        # Values that are already typed (JSON numbers and bools) are checked as they are.
        ("max_retries", 7, 7),
        ("timeout", 5, 5.0),
        ("compression", False, False),
        ("ca_bundle", pathlib.Path("/etc/ca.pem"), "/etc/ca.pem"),
        ("ca_bundle", None, None),
    ],
)
def test_parse_option_returns_the_typed_value(name: str, value: object, expected: object) -> None:
    parsed = parse_option(name, value)
    assert parsed == expected
    assert type(parsed) is type(expected)


@pytest.mark.parametrize(
    ("name", "value", "error", "message"),
    [
        ("max_retries", "101", ValueError, "max_retries must be between 0 and 100, got 101"),
        ("max_retries", "many", ValueError, "max_retries must be a whole number, got 'many'"),
        ("max_retries", "1.5", ValueError, "max_retries must be a whole number, got '1.5'"),
        ("max_retries", 1.5, TypeError, "max_retries must be an int, not float"),
        ("max_retries", True, TypeError, "max_retries must be an int, not bool"),
        (
            "timeout",
            "soon",
            ValueError,
            "timeout must be a positive, finite number of seconds, got 'soon'",
        ),
        (
            "timeout",
            "-1",
            ValueError,
            "timeout must be a positive, finite number of seconds, got -1",
        ),
        (
            "timeout",
            "inf",
            ValueError,
            "timeout must be a positive, finite number of seconds, got inf",
        ),
        ("compression", "gzip", ValueError, "compression must be true or false, got 'gzip'"),
        ("compression", 1, TypeError, "compression must be a bool, not int"),
        ("retries", "3", TypeError, None),
    ],
)
def test_parse_option_raises_the_same_messages(
    name: str, value: object, error: type, message: str | None
) -> None:
    with pytest.raises(error) as info:
        parse_option(name, value)
    assert type(info.value) is error
    assert message is None or str(info.value) == message


# ---------------------------------------------------------------------------------------
# The CLI and the Airflow connection derive from the table


def test_the_cli_refuses_max_retries_101_as_a_usage_error(server: FakeServer) -> None:
    done = run_cli(server, "list", server.org_id, "--max-retries", "101")
    assert done.returncode == 2, done.stderr
    assert "argument --max-retries: max_retries must be between 0 and 100, got 101" in done.stderr
    assert done.stderr.startswith("usage: talque list")
    assert server.requests() == []


def test_the_cli_help_shows_the_cores_defaults(server: FakeServer) -> None:
    done = run_cli(server, "list", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert f"(default {OPTIONS['timeout'].default})" in text
    assert f"(default {OPTIONS['max_retries'].default})" in text


def test_the_airflow_form_fields_carry_the_cores_limits_and_defaults() -> None:
    assert set(EXTRA_OPTIONS) <= set(OPTIONS)
    retries = CONN_FIELDS["max_retries"]["schema"]
    assert (retries["minimum"], retries["maximum"]) == (0, 100)
    assert CONN_FIELDS["timeout"]["schema"]["exclusiveMinimum"] == 0
    assert CONN_FIELDS["compression"]["schema"]["type"] == ["boolean", "null"]
    for name in EXTRA_OPTIONS:
        assert CONN_FIELDS[name]["description"].startswith(OPTIONS[name].help)
    assert UI_FIELD_BEHAVIOUR["placeholders"]["host"] == talque.DEFAULT_BASE_URL


@pytest.fixture
def settings_from(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``talque.airflow._settings.settings_from``, its module loaded by path: it imports no
    Airflow (its docstring says so), but its package does, and the main suite has no Airflow.
    Registered in ``sys.modules`` for the test only, as its dataclass needs."""
    name = "talque.airflow._settings"
    path = pathlib.Path(talque.__file__).parent / "airflow" / "_settings.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)

    def settings(extra: dict[str, Any]) -> Any:
        return module.settings_from(
            "x", login="id", password="s3cr3t", host="", schema=None, port=None, extra=extra
        )

    return settings


def test_airflow_extras_are_parsed_by_the_core(settings_from: Any) -> None:
    text = settings_from({"timeout": "7.5", "max_retries": "1", "compression": "false"})
    assert (text.timeout, text.max_retries, text.compression) == (7.5, 1, False)
    typed = settings_from({"timeout": 10, "max_retries": 0, "compression": True})
    assert (typed.timeout, typed.max_retries, typed.compression) == (10.0, 0, True)
    assert type(typed.timeout) is float
    assert settings_from({}).client_kwargs() == {
        "client_id": "id",
        "secret": "s3cr3t",
        "base_url": talque.DEFAULT_BASE_URL,
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"max_retries": 101},
            "Talque connection 'x': extra 'max_retries' must be between 0 and 100, got 101",
        ),
        (
            {"max_retries": "101"},
            "Talque connection 'x': extra 'max_retries' must be between 0 and 100, got 101",
        ),
        (
            {"max_retries": 1.5},
            "Talque connection 'x': extra 'max_retries' must be an int, not float",
        ),
        (
            {"timeout": "soon"},
            "Talque connection 'x': extra 'timeout' must be a positive, finite number of "
            "seconds, got 'soon'",
        ),
        (
            {"timeout": True},
            "Talque connection 'x': extra 'timeout' must be a number of seconds, not bool",
        ),
        (
            {"compression": "gzip"},
            "Talque connection 'x': extra 'compression' must be true or false, got 'gzip'",
        ),
    ],
)
def test_airflow_extras_get_the_cores_messages(
    settings_from: Any, extra: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as info:
        settings_from(extra)
    assert str(info.value) == message


def test_the_documented_defaults_are_the_cores() -> None:
    """The client's docstring names some defaults in prose; they must be the core's."""
    from talque import _talque

    defaults = {option.name: option.default for option in _talque.CLIENT_OPTIONS}
    doc = talque.TalqueClient.__doc__ or ""
    assert f"``{_talque.DEFAULT_BASE_URL}``" in doc
    assert f"(default {defaults['max_response_bytes'] // 2**20} MiB)" in doc
    assert defaults["compression"] is True and "default on" in doc
    airflow_doc = (pathlib.Path(talque.__file__).parent / "airflow" / "__init__.py").read_text()
    assert f'"timeout": {defaults["timeout"]:g}, "max_retries": {defaults["max_retries"]}' in (
        airflow_doc
    )
