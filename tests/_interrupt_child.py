"""A process to interrupt: a few quick reads, then one the server delays for 30 s.

Run by tests/_interrupt.py. Settings come from the environment: ``FAST_URL`` and
``SLOW_URL`` (fake servers), ``TALQUE_CLIENT_ID``/``TALQUE_SECRET``, ``ORG_ID``,
``DEBUG_LOG`` (the ``talque`` logger at DEBUG, so every call runs logging handlers), and
``SELF_INTERRUPT`` (a logging handler that sends this process SIGINT while it logs the slow
read's request line: the interrupt is then raised inside the handler).
"""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
import sys

# A hung run is diagnosed with SIGUSR1: every thread's Python stack goes to stderr.
faulthandler.register(signal.SIGUSR1, all_threads=True)


class _InterruptWhileLogging(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.armed = False

    def emit(self, record: logging.LogRecord) -> None:
        if self.armed:
            self.armed = False
            os.kill(os.getpid(), signal.SIGINT)
            # Python code after the signal: its handler runs here and raises.
            sum(range(10_000))


def main() -> None:
    import talque

    logger = logging.getLogger("talque")
    handler = _InterruptWhileLogging()
    if os.environ.get("DEBUG_LOG") or os.environ.get("SELF_INTERRUPT"):
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    org = os.environ["ORG_ID"]
    with talque.TalqueClient(base_url=os.environ["FAST_URL"]) as fast:
        for _ in range(3):
            fast.read(org, "pretix", ["T-1", "T-2"])
    with talque.TalqueClient(base_url=os.environ["SLOW_URL"], timeout=60) as slow:
        print("calling", flush=True)
        handler.armed = bool(os.environ.get("SELF_INTERRUPT"))
        slow.read(org, "pretix", ["T-3"])
    print("returned", flush=True)


if __name__ == "__main__":
    sys.exit(main())
