"""The Rust extension module. Private: use the public ``talque`` package instead."""

import os
from collections.abc import Awaitable
from typing import Any, Literal, final

__all__ = [
    "CLIENT_OPTIONS",
    "CSV_COLUMNS",
    "DEFAULT_BASE_URL",
    "FAKE_SERVER_OPTIONS_JSON",
    "PERSON_FIELDS",
    "TICKET_FIELDS",
    "ClientOption",
    "CoreClient",
    "CorePager",
    "FakeServerHandle",
    "TicketTable",
    "TicketWriter",
    "__version__",
    "merge_parquet_parts",
    "parse_option",
]

__version__: str

DEFAULT_BASE_URL: str
"""The production host of the Talque API."""

CLIENT_OPTIONS: tuple[ClientOption, ...]
"""The client options, defined once in ``crates/talque-core/src/options.rs``, in the order of
the clients' signature: their kinds, defaults, limits and help texts."""

def parse_option(name: str, value: object) -> Any:
    """Checks one option's value as a user wrote it and returns it typed.

    Text (a command line's or a connection form's: ``"3"``, ``"30"``, ``"true"``) is parsed
    by the option's kind; any other value (a JSON number or bool) is checked as
    ``CoreClient`` checks it. Raises ``TypeError`` (wrong type, unknown option) or
    ``ValueError`` (wrong value), with the core's message.
    """

@final
class ClientOption:
    """One client option of ``CLIENT_OPTIONS`` (read-only)."""

    @property
    def name(self) -> str:
        """The keyword argument's name."""
    @property
    def kind(self) -> Literal["seconds", "integer", "bool", "path", "text"]:
        """What values it takes."""
    @property
    def default(self) -> float | int | bool | str | None:
        """The default; ``None`` for the credentials (required) and ``ca_bundle`` (unset)."""
    @property
    def minimum(self) -> int | None:
        """The smallest value of an integer option, else ``None``."""
    @property
    def maximum(self) -> int | None:
        """The largest value of an integer option, else ``None``."""
    @property
    def help(self) -> str:
        """One line saying what the option does."""

FAKE_SERVER_OPTIONS_JSON: str
"""The fake server's launcher options, as JSON ``[{"flag", "field", "kind", "help", "default"}]``.

Defined once in ``crates/talque-fake/src/launch.rs``.
"""

CSV_COLUMNS: tuple[str, ...]
"""The columns of a CSV export, in order (the header row), derived from ``TICKET_FIELDS``."""

TICKET_FIELDS: tuple[tuple[str, str], ...]
"""The core's ticket schema: each documented field's JSON key and kind, in column order.

Kinds: ``"text"``, ``"time"`` (epoch ms), ``"flag"``, ``"texts"`` (array of strings),
``"times"`` (array of epoch ms), ``"person"`` (an object of ``PERSON_FIELDS``), ``"json"``.
CSV columns, the Arrow and Parquet schemas and the TypedDicts derive from it.
"""

PERSON_FIELDS: tuple[str, ...]
"""The string fields of a holder or purchaser, in order."""

def merge_parquet_parts(parts: list[os.PathLike[str]], output: os.PathLike[str]) -> int:
    """Merges Parquet part files, in order, into one zstd file at ``output``; its row count."""

@final
class TicketTable:
    """Arrow record batches of the ticket schema, built by the core, one per page."""

    def __new__(cls) -> TicketTable: ...
    @property
    def num_rows(self) -> int:
        """The number of tickets (rows) in the table."""

    def add_json(self, body: bytes) -> int:
        """Appends the tickets of ``body``, JSON ``{"tickets": [...]}``; their number."""

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        """The Arrow PyCapsule stream of the table's batches (``requested_schema`` is ignored)."""

@final
class CoreClient:
    """The Rust core client; ``talque.TalqueClient`` reads the environment and wraps it."""

    def __new__(cls, client_id: str, secret: str, **options: object) -> CoreClient:
        """Checks every option with the core's rules (``CLIENT_OPTIONS``): ``TypeError`` for
        a value of the wrong type or an unknown option, ``ValueError`` for a wrong value."""
    @property
    def options(self) -> dict[str, Any]:
        """The effective options, the secret left out: ``{name: value}``, a new dict."""
    def read(self, org_id: str, provider: str, ids: list[str]) -> dict[str, Any]:
        """Reads deduplicated, validated ids in concurrent batches; returns ``{id: result}``."""
    def read_async(self, org_id: str, provider: str, ids: list[str]) -> Awaitable[dict[str, Any]]:
        """Like ``read``, as an awaitable; cancelling it aborts the in-flight requests."""
    def pager(
        self,
        org_id: str,
        profile_id: str | None,
        limit: int,
        cursor: str | None,
        prefetch: bool = True,
        max_items: int | None = None,
    ) -> CorePager:
        """Starts a listing (capped at ``max_items`` tickets); nothing is sent until a fetch."""
    def close(self) -> None:
        """Drops the connection pool; later calls raise ``RuntimeError``."""

@final
class CorePager:
    """One cursor-paginated listing, fetched a page at a time with the GIL released.

    It holds all of a listing's state: the cursor and its checks, the ``max_items`` budget
    (requests ask for ``min(limit, remaining)``; a longer page is cut and the cursor stays
    at it), the page a ticket iteration is handing out, and what was delivered so far.
    Iterating it yields ticket dicts. Every fetch returns None (``fill_async``: False) when
    the listing is complete or the budget used up; on error nothing advances.
    """

    @property
    def cursor(self) -> str | None:
        """Where to resume: the page in progress while it is partly handed out, else the next."""
    @property
    def finished(self) -> bool:
        """True once the last page has been fetched (not when the budget ran out)."""
    @property
    def pages_fetched(self) -> int:
        """Pages delivered so far, to any target."""
    @property
    def tickets_fetched(self) -> int:
        """Tickets delivered so far, to any target."""
    @property
    def preview(self) -> list[dict[str, Any]]:
        """The first (up to 5) tickets delivered as dicts, for the notebook view."""
    def next_page(self) -> dict[str, Any] | None:
        """Fetches the next page as a dict, or returns None when done."""
    def next_page_async(self) -> Awaitable[dict[str, Any] | None]:
        """Like ``next_page``, as an awaitable; cancelling it aborts the request."""
    def __iter__(self) -> CorePager: ...
    def __next__(self) -> dict[str, Any]:
        """The next ticket, fetching the next page (GIL released) when the current is used up."""
    def next_held(self) -> dict[str, Any] | None:
        """The next ticket of the page in progress without fetching; None when it is used up."""
    def fill_async(self) -> Awaitable[bool]:
        """Fetches the next page for ``next_held``; False when the listing is complete."""
    def take_rest(self) -> list[dict[str, Any]] | None:
        """The tickets of the page in progress not handed out yet, ending it; None if none."""
    def abandon_fetch(self) -> None:
        """Ends the fetch in progress at once (its task was cancelled); nothing advances."""
    def add_next_batch(self, table: TicketTable) -> int | None:
        """Fetches the next page into ``table`` as one record batch; None at the end."""
    def add_next_batch_async(self, table: TicketTable) -> Awaitable[int | None]:
        """Like ``add_next_batch``, as an awaitable for asyncio."""
    def write_parquet_part(self, path: os.PathLike[str]) -> int | None:
        """Fetches the next page and writes it as a Parquet file at ``path``; None at the end."""
    def write_parquet_part_async(self, path: os.PathLike[str]) -> Awaitable[int | None]:
        """Like ``write_parquet_part``, as an awaitable for asyncio."""
    def write_next_page(self, writer: TicketWriter) -> int | None:
        """Fetches the next page and writes its tickets to ``writer``, flushed to the OS.

        Returns the number of tickets written (0 for an empty page), or None when the
        listing is complete. The GIL is released while fetching and writing. On error
        (``OSError`` from the file, or a ``TalqueError``) the cursor does not advance and
        ``writer.position`` still ends at the last complete page.
        """
    def write_next_page_async(self, writer: TicketWriter) -> Awaitable[int | None]:
        """Like ``write_next_page``, as an awaitable for asyncio."""

@final
class TicketWriter:
    """An export file that list pages are written to without Python objects.

    ``target`` is a path (created or truncated; with ``append_at``, cut back to exactly
    that many bytes and continued there, with no new CSV header unless ``append_at`` is 0)
    or an open file descriptor (duplicated, never truncated; e.g. 1 for stdout).
    ``format`` is ``"jsonl"`` (each ticket as the server sent it, one per line) or
    ``"csv"`` (the columns of ``CSV_COLUMNS``, header first). Pages are written whole:
    the file only grows by complete pages.
    """

    def __new__(
        cls,
        target: str | os.PathLike[str] | int,
        format: str,
        *,
        append_at: int | None = None,
    ) -> TicketWriter: ...
    @property
    def position(self) -> int:
        """Bytes of complete pages written and flushed (plus ``append_at``): where to resume."""
    @property
    def tickets(self) -> int:
        """Tickets written by this writer."""
    @property
    def format(self) -> str:
        """``"jsonl"`` or ``"csv"``."""
    @property
    def closed(self) -> bool:
        """True once ``close`` was called."""
    def close(self) -> None:
        """Flushes and, for a path target, fsyncs and closes the file; idempotent.

        Writing after close raises ``RuntimeError``.
        """

@final
class FakeServerHandle:
    """The fake Talque server running on its own threads in this process."""

    def __new__(cls, config_json: str) -> FakeServerHandle: ...
    @property
    def url(self) -> str:
        """The server's base URL, ``http://127.0.0.1:PORT``."""
    def orgs_json(self) -> str:
        """The organizations served, as a JSON array."""
    def tickets_json(self, org_id: str, profile_id: str | None = None) -> str | None:
        """An org's tickets exactly as served, as a JSON array; None for an unknown org."""
    def edit_tickets_json(self, org_id: str, edits_json: str) -> str:
        """Applies merge patches to tickets (mtime = now); returns the edited tickets."""
    def requests_json(self) -> str:
        """The request log, as a JSON array."""
    def clear_requests(self) -> None:
        """Empties the request log."""
    def push_faults_json(self, rules_json: str) -> None:
        """Appends scripted fault rules (a JSON array)."""
    def clear_faults(self) -> None:
        """Drops every scripted fault rule."""
    def set_latency_ms(self, ms: int) -> None:
        """Sets the delay added to every API request."""
    def set_compression(self, enabled: bool) -> None:
        """Turns compression of answers (per Accept-Encoding) on or off."""
    def set_bandwidth(self, bytes_per_sec: int) -> None:
        """Caps the body bytes per second of each answer; 0 removes the cap."""
    def set_random_faults(self, rate: float, seed: int, kinds: list[str] | None = None) -> None:
        """Injects seeded random faults on a fraction of API requests."""
    def stats_json(self) -> str:
        """Counts of requests and injected faults, as JSON."""
    def stop(self) -> None:
        """Stops the server; idempotent."""
