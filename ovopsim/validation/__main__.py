"""``python -m ovopsim.validation [--replicates N] [--months N] [--out DIR] [--workers N] [--quick]``."""

import sys

from .cli import main

sys.exit(main())
