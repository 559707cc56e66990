"""A shaped network link for the network scenario: the fake server in a network namespace of
its own, reached over a veth pair whose server side sends at most ``rate_mbit`` (Linux tc,
htb; needs root).

Only the server's answers are shaped: a u32 filter sends packets from the server's port to
a ``rate_mbit`` class, everything else to an unlimited one, so requests and acknowledgements
stay fast, as on a real downlink. The shaped class's byte counter gives the bytes on the
wire of each run (compressed bodies, headers, TCP/IP framing).

    with ShapedLink(rate_mbit=100) as link:
        with ServerProcess(..., host=link.server_ip, wrapper=link.wrapper) as server:
            link.shape_port(server.port)
            before = link.sent_bytes()
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

_SHAPED = "1:10"
_UNSHAPED = "1:20"


def _run(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    return done.stdout


def available() -> str | None:
    """None if a shaped link can be built here, else why not (for the scenario's note)."""
    if os.geteuid() != 0:
        return "needs root (ip netns, tc)"
    missing = [tool for tool in ("ip", "tc") if shutil.which(tool) is None]
    if missing:
        return f"needs {', '.join(missing)}"
    return None


class ShapedLink:
    """A network namespace and a veth pair; the namespace side's egress is shaped."""

    def __init__(self, rate_mbit: int, subnet: str = "10.231.7") -> None:
        tag = os.getpid() % 100_000
        self.namespace = f"tqbench{tag}"
        self._host_dev = f"tqh{tag}"
        self._ns_dev = f"tqn{tag}"
        self.client_ip = f"{subnet}.1"
        self.server_ip = f"{subnet}.2"
        self.rate_mbit = rate_mbit
        self._created = False
        try:
            self._create()
        except BaseException:
            self.close()
            raise

    @property
    def wrapper(self) -> list[str]:
        """The argv prefix that runs a command inside the namespace."""
        return ["ip", "netns", "exec", self.namespace]

    def _ns(self, *argv: str) -> str:
        return _run(*self.wrapper, *argv)

    def _create(self) -> None:
        _run("ip", "netns", "add", self.namespace)
        self._created = True
        _run("ip", "link", "add", self._host_dev, "type", "veth", "peer", "name", self._ns_dev)
        _run("ip", "link", "set", self._ns_dev, "netns", self.namespace)
        _run("ip", "addr", "add", f"{self.client_ip}/30", "dev", self._host_dev)
        _run("ip", "link", "set", self._host_dev, "up")
        self._ns("ip", "addr", "add", f"{self.server_ip}/30", "dev", self._ns_dev)
        self._ns("ip", "link", "set", self._ns_dev, "up")
        self._ns("ip", "link", "set", "lo", "up")
        dev = ("dev", self._ns_dev)
        self._ns("tc", "qdisc", "add", *dev, "root", "handle", "1:", "htb", "default", "20")
        rate = f"{self.rate_mbit}mbit"
        self._ns(
            "tc", "class", "add", *dev, "parent", "1:", "classid", _SHAPED,
            "htb", "rate", rate, "ceil", rate,
        )  # fmt: skip
        self._ns(
            "tc", "class", "add", *dev, "parent", "1:", "classid", _UNSHAPED,
            "htb", "rate", "10gbit", "ceil", "10gbit", "quantum", "60000",
        )  # fmt: skip

    def shape_port(self, port: int) -> None:
        """Sends what leaves the server's ``port`` through the rate-limited class."""
        self._ns(
            "tc", "filter", "add", "dev", self._ns_dev, "parent", "1:", "protocol", "ip",
            "prio", "1", "u32", "match", "ip", "sport", str(port), "0xffff", "flowid", _SHAPED,
        )  # fmt: skip

    def sent_bytes(self) -> int:
        """Bytes sent through the shaped class so far (IP packets, headers included)."""
        # `tc -j class show` prints nothing for htb here, so the text form is parsed.
        text = self._ns("tc", "-s", "class", "show", "dev", self._ns_dev)
        match = re.search(rf"class htb {_SHAPED} .*?\n\s*Sent (\d+) bytes", text)
        if match is None:
            raise RuntimeError(f"tc shows no class {_SHAPED} on {self._ns_dev}")
        return int(match.group(1))

    def close(self) -> None:
        # Deleting the namespace deletes its veth end, and with it the pair and the qdisc.
        if self._created:
            subprocess.run(["ip", "netns", "del", self.namespace], check=False)
            self._created = False

    def __enter__(self) -> ShapedLink:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
