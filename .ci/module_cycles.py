"""Prints the `use crate::` graph of the bindings crate (src/) and fails on a module cycle.

Nodes are the top-level modules of src/ (a folder counts as one module); within a folder,
its files are checked against each other the same way, through `super::` paths. A folder's
`mod.rs` re-exporting its own files is not a cycle. Run: python .ci/module_cycles.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PATH = re.compile(r"\b(crate|super)::(?:\{\s*)?(\w+)")


def module_of(path: Path) -> tuple[str, ...]:
    parts = path.relative_to(SRC).with_suffix("").parts
    return parts[:-1] if parts[-1] == "mod" else parts


def code(path: Path) -> str:
    return "\n".join(line.split("//")[0] for line in path.read_text().splitlines())


def graph() -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """Edges between sibling modules: the crate's top level, and each folder's files."""
    edges: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for path in sorted(SRC.rglob("*.rs")):
        module = module_of(path)
        if module == ("lib",):
            continue
        for root, name in PATH.findall(code(path)):
            if root == "crate":
                source, target = module[:1], (name,)
            elif len(module) > 1 and path.name != "mod.rs":
                source, target = module, (*module[:-1], name)
            else:
                continue
            if source != target and (
                SRC.joinpath(*target).is_dir() or SRC.joinpath(*target).with_suffix(".rs").exists()
            ):
                edges.setdefault(source, set()).add(target)
            edges.setdefault(source, set())
    return edges


def cycle(edges: dict[tuple[str, ...], set[tuple[str, ...]]]) -> list[tuple[str, ...]] | None:
    state: dict[tuple[str, ...], int] = {}
    stack: list[tuple[str, ...]] = []

    def visit(node: tuple[str, ...]) -> list[tuple[str, ...]] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def main() -> int:
    edges = graph()
    for source in sorted(edges):
        targets = ", ".join("::".join(t) for t in sorted(edges[source]))
        print(f"{'::'.join(source)} -> {targets or '(nothing)'}")
    found = cycle(edges)
    if found:
        print("cycle: " + " -> ".join("::".join(node) for node in found), file=sys.stderr)
        return 1
    print("no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
