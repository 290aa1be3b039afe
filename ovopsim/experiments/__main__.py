"""``python -m ovopsim.experiments {compare,sweep,sensitivity} ...``: the same as
``ovopsim compare|sweep|sensitivity ...`` (the commands are defined in :mod:`.cli`)."""

from __future__ import annotations

import sys

from ovopsim.cli import main

if __name__ == "__main__":
    sys.exit(main())
