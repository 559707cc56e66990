"""Small HTML tables for Jupyter's rich display (``_repr_html_``); every value is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["summary"]


def _cells(tag: str, values: Sequence[object]) -> str:
    return "".join(f"<{tag}>{escape(_text(value))}</{tag}>" for value in values)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def summary(
    title: str,
    fields: Sequence[tuple[str, object]],
    *,
    header: Sequence[str] = (),
    rows: Sequence[Sequence[object]] = (),
    more: int = 0,
) -> str:
    """A bold title, a two-column table of ``fields`` and, when ``header`` is given, a
    preview table of ``rows`` followed by a "… and N more" line when ``more`` is positive.

    Values are shown with ``repr`` for strings and None (as in ``__repr__``) in the field
    table, and as plain text in the preview.
    """
    parts = [f"<div><strong>{escape(title)}</strong>", "<table>"]
    parts += [
        f"<tr><th>{escape(name)}</th><td>{escape(repr(value))}</td></tr>" for name, value in fields
    ]
    parts.append("</table>")
    if header:
        parts.append(f"<table><thead><tr>{_cells('th', header)}</tr></thead><tbody>")
        parts += [f"<tr>{_cells('td', row)}</tr>" for row in rows]
        parts.append("</tbody></table>")
        if more > 0:
            parts.append(f"<p>… and {more:,} more</p>")
    parts.append("</div>")
    return "\n".join(parts)
