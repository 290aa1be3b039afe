"""``python -m ovopsim.experiments {sweep,sensitivity} SPEC [options]``."""

from __future__ import annotations

import argparse
import sys

from .cli import add_parsers, handle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ovopsim.experiments",
                                     description="ovopsim experiments")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    return handle(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
