"""``python -m tests.cli COMMAND ...``: the ``ovopsim`` command with the analytic test
models of :mod:`tests.models` registered (for tests that run it as a real process)."""

import sys

import tests.models  # noqa: F401  (registers the test models)
from ovopsim.cli import main

if __name__ == "__main__":
    sys.exit(main())
