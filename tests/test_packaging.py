"""The package as installed: one version number from Cargo, and (in CI) the wheel's files.

`make test` installs the wheel into a fresh virtualenv outside the source tree and sets
``TALQUE_TEST_INSTALLED_FROM_WHEEL=1``; the checks marked below then prove that the tests ran
against that installation, so a file missing from the wheel fails CI.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import sysconfig
import tarfile
from pathlib import Path

import pytest

import talque
from talque.testing import FakeServer

ROOT = Path(__file__).resolve().parents[1]
FROM_WHEEL = os.environ.get("TALQUE_TEST_INSTALLED_FROM_WHEEL") == "1"
only_from_wheel = pytest.mark.skipif(
    not FROM_WHEEL, reason="checks the wheel install that `make test` makes"
)


def _cargo_version() -> str:
    """The `version` of Cargo.toml's [workspace.package] (no tomllib on Python 3.10)."""
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    section = text.split("[workspace.package]", 1)[1].split("\n[", 1)[0]
    match = re.search(r'^version\s*=\s*"([^"]+)"', section, re.MULTILINE)
    assert match, "no version in [workspace.package]"
    return match.group(1)


def test_version_comes_from_cargo() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", talque.__version__)
    assert talque.__version__ == _cargo_version()
    assert importlib.metadata.version("talque") == talque.__version__


def test_user_agent_carries_the_version(talque_fake_server: FakeServer) -> None:
    with talque_fake_server.client() as client:
        list(client.list(talque_fake_server.org_id, limit=1000))
        client.read(talque_fake_server.org_id, "pretix", ["a"])
    agents = {entry["headers"]["user-agent"] for entry in talque_fake_server.requests()}
    assert agents == {f"talque-python/{talque.__version__}"}


def test_changelog_has_the_current_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(talque.__version__)}\]?", changelog, re.MULTILINE)


@only_from_wheel
def test_talque_is_imported_from_the_installed_wheel() -> None:
    package = Path(talque.__file__).resolve().parent
    site_dirs = {Path(sysconfig.get_path(name)).resolve() for name in ("purelib", "platlib")}
    assert package.parent in site_dirs
    assert ROOT not in package.parents
    distribution = importlib.metadata.distribution("talque")
    assert not (distribution.read_text("direct_url.json") or "").count('"editable": true')


@only_from_wheel
def test_the_wheel_ships_stubs_marker_extension_and_helpers() -> None:
    package = Path(talque.__file__).resolve().parent
    shipped = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    sources = {
        path.relative_to(ROOT / "python" / "talque").as_posix()
        for path in (ROOT / "python" / "talque").rglob("*")
        if path.suffix in {".py", ".pyi", ".typed"}
    }
    assert sources <= shipped
    assert {"py.typed", "_talque.pyi"} <= shipped
    # The extension: `_talque.abi3.so` on Linux and macOS, `_talque.pyd` on Windows.
    assert [n for n in shipped if n.startswith("_talque.") and n.endswith((".so", ".pyd"))]
    metadata = importlib.metadata.metadata("talque")
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["License-Expression"] == "MIT"
    entry_points = importlib.metadata.entry_points(group="pytest11")
    assert any(ep.value == "talque.testing._pytest_plugin" for ep in entry_points)


@only_from_wheel
def test_the_sdist_carries_the_whole_workspace() -> None:
    sdists = sorted((ROOT / "dist").glob(f"talque-{talque.__version__}.tar.gz"))
    assert sdists, "`make test` builds the sdist into dist/"
    with tarfile.open(sdists[0]) as archive:
        prefix = f"talque-{talque.__version__}/"
        names = {name.removeprefix(prefix) for name in archive.getnames()}
    required = {
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        "LICENSE",
        "README.md",
        "src/lib.rs",
        "crates/talque-core/Cargo.toml",
        "crates/talque-core/src/lib.rs",
        "crates/talque-fake/Cargo.toml",
        "crates/talque-fake/src/lib.rs",
        "python/talque/__init__.py",
        "python/talque/_talque.pyi",
        "python/talque/py.typed",
    }
    assert required <= names
    assert not [name for name in names if name.endswith((".so", ".whl"))]
