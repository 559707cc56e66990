"""Every public method documents its arguments, what it returns and raises, with an example
that at least compiles (``help(TalqueClient.list)`` should answer a newcomer's questions)."""

from __future__ import annotations

import ast
import inspect

import pytest

import talque


def _public_methods() -> list[tuple[str, object]]:
    found = []
    for name in talque.__all__:
        obj = getattr(talque, name)
        if not inspect.isclass(obj) or issubclass(obj, BaseException) or not obj.__module__:
            continue
        if obj.__module__ == "talque._types":
            continue  # TypedDicts: no methods
        for klass in obj.__mro__:
            if not klass.__module__.startswith("talque"):
                continue
            for attr, value in vars(klass).items():
                if not attr.startswith("_") and inspect.isfunction(value):
                    found.append((f"{name}.{attr}", value))
    return sorted(dict(found).items())


METHODS = _public_methods()


def test_the_public_api_is_found() -> None:
    names = {name for name, _ in METHODS}
    assert {"TalqueClient.list", "TalqueClient.read", "TicketPager.to_pandas"} <= names
    assert {"AsyncTalqueClient.aclose", "ReadResult.to_polars"} <= names


def _example(doc: str) -> str:
    lines = doc.split("Example:", 1)[1].splitlines()
    code = [line.strip()[4:] for line in lines if line.strip()[:4] in (">>> ", "... ")]
    return "\n".join(code)


@pytest.mark.parametrize(("name", "method"), METHODS, ids=[name for name, _ in METHODS])
def test_docstring_has_args_returns_raises_and_example(name: str, method: object) -> None:
    doc = inspect.getdoc(method) or ""
    signature = inspect.signature(method)  # type: ignore[arg-type]
    parameters = [p for p in signature.parameters if p not in ("self", "cls")]
    if parameters:
        assert "\nArgs:\n" in doc, f"{name}: no Args section"
        for parameter in parameters:
            assert f"\n    {parameter}:" in doc, f"{name}: argument {parameter} undocumented"
    assert "\nReturns:\n" in doc, f"{name}: no Returns section"
    assert "\nRaises:\n" in doc, f"{name}: no Raises section"
    assert "\nExample:\n" in doc, f"{name}: no Example section"
    example = _example(doc)
    assert example, f"{name}: the example has no code"
    # The example must at least be valid Python (top-level await allowed, as in Jupyter).
    compile(example, name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
