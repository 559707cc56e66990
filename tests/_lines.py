"""Reading a child process's output line by line, with timeouts (for the Ctrl-C tests)."""

from __future__ import annotations

import queue
import threading
from typing import Any


class LineReader:
    """Reads a pipe on a thread so that waiting for a line can time out."""

    def __init__(self, stream: Any) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: Any) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put("<eof>")

    def join(self) -> None:
        self._thread.join(timeout=10)

    def next(self, timeout: float) -> str:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return "<timeout>"
