"""Uses an installed talque against its bundled fake server: the check after a build from source.

`make wheel-from-sdist` runs it from outside the source tree, so it imports the installed copy.
"""

from __future__ import annotations

import talque
from talque.testing import FakeServer


def main() -> None:
    with FakeServer(tickets=30) as server, server.client() as client:
        listed = sum(1 for _ in client.list(server.org_id, limit=7))
        found = client.read(server.org_id, "pretix", ["no-such-id"])
    assert listed == 30, listed
    assert len(found) == 1, found
    print(f"talque {talque.__version__} from {talque.__file__}: listed {listed} tickets")


if __name__ == "__main__":
    main()
