"""Regenerate the parameter tables in docs/ODD.md from the code (`python tools/update_docs.py`)."""

import contextlib
import io
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ovopsim.cli import main  # noqa: E402

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"
START, END = "<!-- parameters:start -->", "<!-- parameters:end -->"


def parameter_tables() -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["params", "--markdown"])
    return buf.getvalue().strip()


def updated(text: str) -> str:
    block = f"{START}\n{parameter_tables()}\n{END}"
    return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)


if __name__ == "__main__":
    ODD.write_text(updated(ODD.read_text()))
    print(f"updated {ODD}")
