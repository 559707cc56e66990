"""The Rust extension module. Private: use the public ``talque`` package instead."""

from typing import Any, Awaitable, Dict, List, Optional

__version__: str

class CoreClient:
    """The Rust core client; ``talque.TalqueClient`` validates arguments and wraps it."""

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        secret: str,
        timeout: float,
        max_retries: int,
        batch_size: int,
        max_concurrency: int,
        max_response_bytes: int,
        ca_bundle: Optional[str],
        user_agent: str,
    ) -> None: ...
    def read(self, org_id: str, provider: str, ids: List[str]) -> Dict[str, Any]:
        """Reads deduplicated, validated ids in concurrent batches; returns ``{id: result}``."""
    def read_async(self, org_id: str, provider: str, ids: List[str]) -> Awaitable[Dict[str, Any]]:
        """Like ``read``, as an awaitable; cancelling it aborts the in-flight requests."""
    def pager(
        self,
        org_id: str,
        profile_id: Optional[str],
        limit: int,
        cursor: Optional[str],
        prefetch: bool = True,
    ) -> CorePager:
        """Starts a listing; nothing is sent until ``next_page``."""
    def close(self) -> None:
        """Drops the connection pool; later calls raise ``RuntimeError``."""

class CorePager:
    """One cursor-paginated listing, fetched a page at a time with the GIL released."""

    @property
    def cursor(self) -> Optional[str]:
        """The cursor that fetches the next page (where to resume)."""
    @property
    def finished(self) -> bool:
        """True once the last page has been fetched."""
    def next_page(self) -> Optional[Dict[str, Any]]:
        """Fetches the next page, or returns None when done. On error nothing advances."""
    def abandon_fetch(self) -> None:
        """Ends the fetch in progress at once (its task was cancelled); nothing advances."""
    def next_page_async(self) -> Awaitable[Optional[Dict[str, Any]]]:
        """Like ``next_page``, as an awaitable; cancelling it aborts the request."""

class FakeServerHandle:
    """The fake Talque server running on its own threads in this process."""

    def __init__(self, config_json: str) -> None: ...
    @property
    def url(self) -> str:
        """The server's base URL, ``http://127.0.0.1:PORT``."""
    def config_json(self) -> str:
        """The effective configuration, as JSON."""
    def orgs_json(self) -> str:
        """The organizations served, as a JSON array."""
    def tickets_json(self, org_id: str, profile_id: Optional[str] = None) -> Optional[str]:
        """An org's tickets exactly as served, as a JSON array; None for an unknown org."""
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
    def set_random_faults(self, rate: float, seed: int, kinds: Optional[List[str]] = None) -> None:
        """Injects seeded random faults on a fraction of API requests."""
    def stats_json(self) -> str:
        """Counts of requests and injected faults, as JSON."""
    def stop(self) -> None:
        """Stops the server; idempotent."""
