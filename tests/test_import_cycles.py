"""No module of the talque package imports another that imports it back, directly or
through others, counting imports under ``if TYPE_CHECKING:`` and inside functions too: a
cycle makes the import order matter and hides which module owns a rule."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import talque

PACKAGE = Path(talque.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["talque", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from . import x` imports the module x when there is one, else a name of base.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        found.update(target for target in targets if target in MODULES and target != name)
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in ``graph`` (module -> the modules it imports), or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = "open"
        stack.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state and (found := visit(name)):
            return found
    return None


def test_the_package_has_no_import_cycle() -> None:
    assert "talque._export" in MODULES and "talque._client" in MODULES
    # A package importing its own submodules, as talque/__init__.py does, is no cycle
    # unless one of them imports the package back.
    cycle = _cycle({name: _imports(name, path) for name, path in MODULES.items()})
    assert cycle is None, " -> ".join(cycle or [])


def test_a_cycle_is_found() -> None:
    # The cycle this check was written for: _export imported _client for a type, and
    # _client imported _export.
    graph = {"c": {"e", "p"}, "e": {"p", "c"}, "p": set()}
    assert _cycle(graph) == ["c", "e", "c"]
    assert _cycle({**graph, "e": {"p"}}) is None


@pytest.mark.parametrize("name", [n for n in MODULES if "airflow" not in n and "dlt" not in n])
def test_each_module_imports_alone(name: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
