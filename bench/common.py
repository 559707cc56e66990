"""What every benchmark scenario shares: the fake server in its own process, one fresh
process per measured client, peak RSS, medians, the printed table and the JSON file.

Measured clients never share a process with the server or with each other, so the CPU
time and peak RSS a child reports are its own. Nothing here imports talque or a peer
library at module level: a child pays only for what it uses.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
# The fake server's big organization (its "# orgs:" line); the ticket count is --tickets.
ORG_ID = "orgDemo0000000000001"
# What a listing child reports (see the scenarios' ``child_main``), in table order.
THROUGHPUT_METRICS = ("tickets_per_s", "wall_s", "cpu_s", "peak_rss_kib")
SERVER_START_TIMEOUT_S = 30.0
CHILD_TIMEOUT_S = 300.0


# --- the fake server, in its own process -------------------------------------------------


class ServerProcess:
    """``python -m talque.testing`` in a subprocess; ``env`` holds the ``TALQUE_*`` exports.

    Use as a context manager: the server is stopped (SIGTERM, then SIGKILL) on exit.
    """

    def __init__(
        self,
        *,
        tickets: int,
        latency_ms: int,
        seed: int = 0,
        host: str = "127.0.0.1",
        wrapper: Sequence[str] = (),
        compression: bool = False,
    ) -> None:
        # ``wrapper`` prefixes the command (``ip netns exec NS`` for a shaped link). The fake
        # server compresses by default; the loopback scenarios measure plain JSON, as before.
        argv = [
            *wrapper,
            sys.executable,
            "-m",
            "talque.testing",
            "--port",
            "0",
            "--tickets",
            str(tickets),
            "--seed",
            str(seed),
            "--latency-ms",
            str(latency_ms),
            "--host",
            host,
            *(() if compression else ("--no-compression",)),
        ]
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        self.env: dict[str, str] = {}
        try:
            self._read_exports()
        except BaseException:
            self.stop()
            raise
        # Nobody reads stdout from here on; drain it so the server can never block on it.
        threading.Thread(target=self._proc.stdout.read, daemon=True).start()  # type: ignore[union-attr]

    @classmethod
    def for_params(cls, params: dict[str, Any]) -> ServerProcess:
        """The server a scenario's parameters describe: their tickets, latency_ms and seed."""
        return cls(tickets=params["tickets"], latency_ms=params["latency_ms"], seed=params["seed"])

    @property
    def url(self) -> str:
        return self.env["TALQUE_BASE_URL"]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def _read_exports(self) -> None:
        # A watchdog kills a server that neither prints nor exits, so readline cannot hang.
        watchdog = threading.Timer(SERVER_START_TIMEOUT_S, self._proc.kill)
        watchdog.start()
        try:
            for line in self._proc.stdout:  # type: ignore[union-attr]
                if line.startswith("export ") and "=" in line:
                    name, _, value = line[len("export ") :].strip().partition("=")
                    self.env[name] = value
                elif line.startswith("# orgs:"):
                    return
        finally:
            watchdog.cancel()
        self._stderr.seek(0)
        raise RuntimeError(
            f"fake server did not start:\n{self._stderr.read().decode(errors='replace')}"
        )

    def stop(self) -> None:
        stop_process(self._proc)
        self._stderr.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


# --- measured children -------------------------------------------------------------------


def stop_process(proc: subprocess.Popen[Any]) -> None:
    """Asks a child process to end, kills it after 10 s, and reaps it."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_child(
    argv: Sequence[str], env: dict[str, str] | None = None, timeout: float = CHILD_TIMEOUT_S
) -> dict[str, Any]:
    """Runs ``python *argv`` in a fresh process and returns the JSON object on its last line."""
    full_env = dict(os.environ, **(env or {}))
    proc = subprocess.run(
        [sys.executable, *argv],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=BENCH_DIR.parent,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr}{proc.stdout}"
        )
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def peak_rss_kib() -> int:
    """This process's peak resident set size in KiB.

    Linux's ``getrusage(RUSAGE_SELF).ru_maxrss`` survives ``execve``: a fresh child reports
    at least its parent's RSS at fork time (the bench parent holds a 20,000-ticket fake
    server's data, so every child read ~177 MiB). ``VmHWM`` belongs to the new address space
    alone, so it is used where it exists.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def process_usage() -> dict[str, float]:
    """This process's peak RSS (KiB) and CPU seconds (user + system) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_rss_kib": peak_rss_kib(), "cpu_s": round(usage.ru_utime + usage.ru_stime, 4)}


def emit(result: dict[str, Any]) -> None:
    """A child's last act: one JSON line on stdout for :func:`run_child`."""
    print(json.dumps(result), flush=True)


# --- summaries, the table and the JSON file ----------------------------------------------


def spread(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarize(
    runs: list[dict[str, Any]], metrics: Sequence[str], by: str = "client"
) -> dict[str, dict[str, Any]]:
    """``{client: {metric: {median, min, max}}}`` over the runs of each client."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault(run[by], []).append(run)
    return {
        name: {m: spread([r[m] for r in group]) for m in metrics} for name, group in groups.items()
    }


def machine_info() -> dict[str, Any]:
    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": {name: version(name) for name in ("talque", "httpx", "orjson")},
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def fmt_spread(s: dict[str, float], scale: float = 1.0, digits: int = 0) -> str:
    def f(x: float) -> str:
        return f"{x * scale:,.{digits}f}"

    return f"{f(s['median'])} [{f(s['min'])}-{f(s['max'])}]"


def format_table(headers: Sequence[str], rows: Iterator[Sequence[str]]) -> str:
    table = [list(headers), *[list(row) for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def median_ratio(summary: dict[str, Any], top: str, bottom: str, metric: str) -> float:
    """The ratio of two ways' medians of ``metric`` (``top`` over ``bottom``), rounded."""
    return round(summary[top][metric]["median"] / summary[bottom][metric]["median"], 3)


def throughput_table(summary: dict[str, Any], ways: Sequence[str], labels: dict[str, str]) -> str:
    """The table of tickets/s, wall and CPU seconds and peak RSS, a row per way."""
    rows = (
        [
            labels[way],
            fmt_spread(summary[way]["tickets_per_s"]),
            fmt_spread(summary[way]["wall_s"], digits=2),
            fmt_spread(summary[way]["cpu_s"], digits=2),
            fmt_spread(summary[way]["peak_rss_kib"], 1 / 1024, 1),
        ]
        for way in ways
    )
    return format_table(["way", "tickets/s", "wall s", "CPU s", "peak RSS MiB"], rows)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    shutil.move(str(tmp), str(path))
