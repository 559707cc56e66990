"""Where an interrupted export stands: the checkpoint file beside the partial output.

An export to ``out.jsonl`` writes ``out.jsonl.partial`` (a file, or a folder of parts for
Parquet) and, after every page that reached it completely, ``out.jsonl.partial.json``: the
cursor of the next page and how much of the partial output is complete. A resumed export
cuts the partial output back to that point and fetches from that cursor, so no ticket is
lost or written twice whatever moment the earlier run stopped at. Only a finished export is
renamed to ``out.jsonl``, so a file under the final name is always complete.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Checkpoint", "ExportPaths", "replace_durably"]

_VERSION = 1


@dataclass(frozen=True)
class ExportPaths:
    """The final output and the two files an unfinished export keeps beside it."""

    output: Path

    @property
    def partial(self) -> Path:
        return self.output.with_name(self.output.name + ".partial")

    @property
    def checkpoint(self) -> Path:
        return self.output.with_name(self.output.name + ".partial.json")

    def discard(self) -> None:
        """Removes the partial output and its checkpoint, whichever exist."""
        self.checkpoint.unlink(missing_ok=True)
        if self.partial.is_dir():
            shutil.rmtree(self.partial)
        else:
            self.partial.unlink(missing_ok=True)


@dataclass
class Checkpoint:
    """The state saved after each complete page.

    ``position`` is the byte length of the complete part of a JSONL/CSV partial file;
    ``parts`` the number of complete part files of a Parquet export.
    """

    format: str
    org_id: str
    profile_id: str | None
    cursor: str | None
    tickets: int = 0
    pages: int = 0
    position: int = 0
    parts: int = 0
    finished: bool = False

    def save(self, path: Path) -> None:
        data = {"talque_export": _VERSION, **asdict(self)}
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Checkpoint:
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
            if data.pop("talque_export") != _VERSION:
                raise ValueError("unknown version")
            checkpoint = cls(**data)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise ValueError(
                f"cannot resume: {path} is not a talque export checkpoint ({err}); "
                "delete it to start over"
            ) from None
        return checkpoint

    def check_matches(self, *, format: str, org_id: str, profile_id: str | None) -> None:
        """Refuses to resume an export made with different arguments into this file."""
        wanted = {"format": format, "org_id": org_id, "profile_id": profile_id}
        found = {"format": self.format, "org_id": self.org_id, "profile_id": self.profile_id}
        for name, value in wanted.items():
            if found[name] != value:
                raise ValueError(
                    f"cannot resume: the interrupted export used {name}={found[name]!r}, "
                    f"not {value!r}"
                )


def replace_durably(source: Path, target: Path) -> None:
    """Renames ``source`` over ``target`` and makes the rename itself survive a crash."""
    os.replace(source, target)
    if os.name != "posix":
        # Windows cannot open a directory as a file; NTFS journals the rename itself.
        return
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
