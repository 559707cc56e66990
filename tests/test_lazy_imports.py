"""The package and the pytest plugin import nothing heavy until a name is used.

pytest loads ``talque.testing._pytest_plugin`` (the ``pytest11`` entry point) on every run of
everyone who installs talque, so importing it must not load the extension or the clients. These
checks run in a fresh interpreter: this test process has long imported everything.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

import talque
import talque.testing

# Modules that loading the plugin or `import talque` alone must not import.
HEAVY_MODULES = (
    "talque._talque",
    "talque._client",
    "talque._async_client",
    "talque._pager",
    "talque._async_pager",
    "talque._export",
    "talque._exceptions",
    "talque.testing._server",
)


def _loaded_after(statement: str) -> set[str]:
    """The talque modules a fresh interpreter has imported after running ``statement``."""
    script = f"import sys\n{statement}\nprint(' '.join(m for m in sys.modules if 'talque' in m))"
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(completed.stdout.split())


def test_loading_the_pytest_plugin_imports_nothing_heavy() -> None:
    loaded = _loaded_after("import talque.testing._pytest_plugin")
    assert "talque.testing._pytest_plugin" in loaded
    assert loaded.isdisjoint(HEAVY_MODULES), loaded & set(HEAVY_MODULES)


def test_import_talque_alone_imports_nothing_heavy() -> None:
    assert _loaded_after("import talque").isdisjoint(HEAVY_MODULES)


def test_a_name_is_imported_on_first_use() -> None:
    loaded = _loaded_after("import talque; talque.TalqueClient")
    assert {"talque._client", "talque._talque"} <= loaded
    assert "talque._async_client" not in loaded


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in talque.__all__:
        assert getattr(talque, name) is not None, name
    assert set(talque.__all__) <= set(dir(talque))
    assert "FakeServer" in dir(talque.testing)
    assert isinstance(talque.__version__, str)


@pytest.mark.parametrize("module", [talque, talque.testing], ids=["talque", "talque.testing"])
def test_unknown_names_still_raise_attribute_error(module: ModuleType) -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018


def test_exceptions_keep_their_module_and_pickle() -> None:
    assert talque.NotFoundError.__module__ == "talque._exceptions"
    error = talque.APITimeoutError("slow")
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is talque.APITimeoutError
    assert str(restored) == "slow"


def test_a_pytest_run_using_the_fixture_works(tmp_path: Path) -> None:
    # A user's project: no conftest, the fixture comes from the installed entry point alone.
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            import sys

            def test_plugin_is_light_until_used():
                assert "talque._talque" not in sys.modules

            def test_uses_the_fixture(talque_fake_server):
                with talque_fake_server.client() as client:
                    tickets = list(client.list(talque_fake_server.org_id))
                assert len(tickets) == len(talque_fake_server.tickets()) > 0
            """
        )
    )
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "2 passed" in completed.stdout
