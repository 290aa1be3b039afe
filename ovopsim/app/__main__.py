"""``python -m ovopsim.app [--host H] [--port P] [--scenario NAME]``."""

import sys

from .cli import main

sys.exit(main())
