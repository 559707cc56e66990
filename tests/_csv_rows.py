"""What the CSV export holds for a ticket, computed independently of the Rust writer."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from typing import Any

from talque._talque import CSV_COLUMNS

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def iso(millis: int) -> str:
    at = EPOCH + timedelta(milliseconds=millis)
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def text(value: Any) -> str:
    assert value is None or isinstance(value, str)
    return value or ""


def expected_row(ticket: dict[str, Any]) -> dict[str, str]:
    row: dict[str, str] = {}
    for key in ("orgTicketId", "ticketId", "provider", "course", "category", "extImageUrl"):
        row[key] = text(ticket.get(key))
    for key in ("mainId", "purchaseOrderId", "extPurchaseOrderId", "extSurveyId"):
        row[key] = text(ticket.get(key))
    for key in ("ctime", "mtime"):
        row[key] = str(ticket[key])
        row[f"{key}_iso"] = iso(ticket[key])
    for key in ("isTest", "isVip", "isCheckInReset"):
        row[key] = "true" if ticket[key] else "false"
    for key in ("categories", "tickets", "eventIds", "extEventIds", "vendorIds", "extVendorIds"):
        row[key] = compact(ticket[key])
    row["checkIns"] = compact(ticket["checkIns"])
    row["checkIns_iso"] = compact([iso(at) for at in ticket["checkIns"]])
    for person in ("holder", "purchaser"):
        fields = ticket.get(person) or {}
        for key in ("email", "firstName", "lastName", "companyName", "jobTitle", "extUserId"):
            row[f"{person}.{key}"] = text(fields.get(key))
        row[f"{person}.locale"] = text(fields.get("locale"))
    assert set(row) | {"extData"} == set(CSV_COLUMNS)
    return row


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(reader)
    return header, [dict(zip(header, record, strict=True)) for record in reader]
