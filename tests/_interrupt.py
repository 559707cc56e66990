"""Interrupting a process with SIGINT at chosen moments of a blocking call, and checking
that it exits promptly (tests/test_interrupt.py; ``make soak`` runs hundreds of these)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from talque.testing import FakeServer

CHILD = Path(__file__).with_name("_interrupt_child.py")
#: How long an interrupted process may take to exit: the issue's 10 s. A prompt exit takes
#: well under a second; this bound only separates "exited" from "hung".
EXIT_DEADLINE = 10.0


@dataclass
class Outcome:
    """One run: when the signal went, how the process ended, and what it printed."""

    phase: str
    returncode: int | None
    stdout: str
    stderr: str
    exit_seconds: float

    @property
    def hung(self) -> bool:
        return self.returncode is None

    @property
    def lost_by_python(self) -> bool:
        """CPython (3.11 and older) ran the SIGINT handler inside a garbage-collector
        callback, reported the ``KeyboardInterrupt`` as "Exception ignored" and dropped it,
        before talque's call could see it: a pure-Python ``time.sleep`` hangs the same way."""
        return "Exception ignored in" in self.stderr and "KeyboardInterrupt" in self.stderr

    @property
    def interrupted(self) -> bool:
        # An uncaught KeyboardInterrupt ends Python with SIGINT's own status; a signal
        # before Python installed its handler kills the process with it directly.
        return self.returncode == -signal.SIGINT or "KeyboardInterrupt" in self.stderr


def _diagnose(proc: subprocess.Popen[str]) -> str:
    """Python stacks (faulthandler on SIGUSR1) and native ones (gdb, if installed)."""
    notes = []
    proc.send_signal(signal.SIGUSR1)
    if shutil.which("gdb"):
        gdb = subprocess.run(
            ["gdb", "-p", str(proc.pid), "-batch", "-ex", "thread apply all bt"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        notes.append(gdb.stdout[-20_000:])
    return "\n".join(notes)


def interrupt_once(
    fast: FakeServer,
    slow: FakeServer,
    *,
    at: float | None = None,
    after_call: float | None = None,
    debug_log: bool = False,
    self_interrupt: bool = False,
    cold: bool = False,
) -> Outcome:
    """Runs the child and sends SIGINT ``at`` seconds after starting it, or ``after_call``
    seconds after it starts the slow call, or not at all (``self_interrupt``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALQUE_")}
    env.update(fast.env())
    env.update(FAST_URL=fast.url, SLOW_URL=slow.url, ORG_ID=fast.org_id)
    if debug_log:
        env["DEBUG_LOG"] = "1"
    if self_interrupt:
        env["SELF_INTERRUPT"] = "1"
    with tempfile.TemporaryDirectory() as cache:
        if cold:
            # No compiled module to reuse: every import compiles from source, as on a
            # fresh machine's first run.
            env["PYTHONPYCACHEPREFIX"] = cache
        proc = subprocess.Popen(
            [sys.executable, str(CHILD)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        phase = "self"
        if at is not None:
            time.sleep(at)
            phase = f"at {at:.3f}s"
            proc.send_signal(signal.SIGINT)
        elif after_call is not None:
            line = proc.stdout.readline()
            if line.strip() != "calling":
                phase = f"child said {line!r}"
            else:
                time.sleep(after_call)
                phase = f"call+{after_call:.3f}s"
            proc.send_signal(signal.SIGINT)
        if debug_log:
            phase += ", DEBUG logging"
        sent = time.monotonic()
        try:
            out, err = proc.communicate(timeout=EXIT_DEADLINE)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            native = _diagnose(proc)
            proc.kill()
            out, err = proc.communicate()
            err += "\n--- native stacks ---\n" + native
            code = None
        return Outcome(phase, code, out, err, time.monotonic() - sent)


def random_run(fast: FakeServer, slow: FakeServer, rng: random.Random, cold: bool) -> Outcome:
    """One run with the signal at a random moment: during start-up, import, the quick
    calls and between them (``at``), or in the first moments of the slow call."""
    debug_log = rng.random() < 0.5
    if rng.random() < 0.5:
        return interrupt_once(fast, slow, at=rng.uniform(0, 1.5), debug_log=debug_log, cold=cold)
    return interrupt_once(
        fast, slow, after_call=rng.uniform(0, 0.3), debug_log=debug_log, cold=cold
    )
