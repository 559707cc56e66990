"""``talque_source``: the dlt source of one or more organizations' tickets."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

import dlt
from dlt.common.typing import TSecretStrValue
from dlt.sources import DltResource

from .._client import TalqueClient
from ._arrow import KEY, json_columns, page_table
from ._watermark import Watermark

__all__ = ["talque_source"]

# Where the resource state keeps one mark per organization.
_MARKS = "mtime_by_org"


# `section="talque"` makes dlt look the arguments up as `sources.talque.<name>` (env
# `SOURCES__TALQUE__<NAME>`), whatever module this code lives in.
@dlt.source(name="talque", section="talque")
def talque_source(
    org_id: str | Sequence[str] = dlt.config.value,
    *,
    client_id: TSecretStrValue = dlt.secrets.value,
    secret: TSecretStrValue = dlt.secrets.value,
    base_url: str | None = None,
    limit: int = 100,
) -> DltResource:
    """The tickets of ``org_id`` (one organization id or a list of them) as dlt resource
    ``tickets``: one row per ticket, merged on ``orgTicketId``, each row with its ``orgId``.

    Args:
        org_id: The organization, or organizations, to load.
        client_id, secret: The API credentials; by default from dlt's configuration,
            ``sources.talque.client_id`` and ``sources.talque.secret`` (``.dlt/secrets.toml``
            or ``SOURCES__TALQUE__CLIENT_ID`` / ``SOURCES__TALQUE__SECRET``).
        base_url: The API host; by default ``sources.talque.base_url``, else talque's
            default (``TALQUE_BASE_URL``, else production).
        limit: The page size sent to the API.

    Each run lists every ticket (the API cannot filter by time) and loads only those whose
    ``mtime`` is after the organization's high-water mark from the last successful run.
    """
    org_ids = [org_id] if isinstance(org_id, str) else list(org_id)
    if not org_ids or not all(isinstance(one, str) and one for one in org_ids):
        raise ValueError("org_id must be an organization id or a non-empty list of them")
    # Checked and built now, so bad options fail when the source is made, not mid-extract.
    client = TalqueClient(client_id=client_id, secret=secret, base_url=base_url)
    return dlt.resource(
        _tickets(client, org_ids, limit),
        name="tickets",
        primary_key=KEY,
        write_disposition="merge",
        columns={name: {"data_type": "json"} for name in json_columns()},
    )


def _tickets(client: TalqueClient, org_ids: list[str], limit: int) -> Iterator[Any]:
    """Yields each organization's changed tickets, a page (an Arrow table) at a time."""
    marks: dict[str, Any] = dlt.current.resource_state().setdefault(_MARKS, {})
    with client:
        for org_id in dict.fromkeys(org_ids):
            mark = Watermark(marks.get(org_id), started_ms=time.time_ns() // 1_000_000)
            for page in client.list(org_id, limit=limit).pages():
                if page["tickets"]:
                    changed = mark.changed(page_table(org_id, page["tickets"]))
                    if changed.num_rows:
                        yield changed
            # Only a listing that got to its end moves the mark: dlt saves the state with
            # the loaded data, and a failed extract saves neither.
            new_mark = mark.state()
            if new_mark is not None:
                marks[org_id] = new_mark
