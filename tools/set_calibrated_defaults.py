"""Make the shipped defaults the shipped posterior's central point.

    .venv/bin/python tools/set_calibrated_defaults.py

Rewrites the defaults of ``ovopsim/config.py``: every parameter of the posterior
(``ovopsim/data/posterior.csv``) gets its central point (the weighted medoid,
:meth:`ovopsim.posterior.Posterior.central`) to three significant digits, and
``source="calibrated"``; a parameter marked calibrated that the
posterior no longer holds goes back to ``source="assumption"`` with its value
unchanged. ``tests/test_posterior.py`` checks that the two agree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ovopsim.config import PARAMETER_SECTIONS  # noqa: E402
from ovopsim.posterior import SHIPPED, load_posterior  # noqa: E402

CONFIG = ROOT / "ovopsim" / "config.py"


def main() -> int:
    post = load_posterior(SHIPPED)
    central = {k: float(f"{v:.3g}") for k, v in post.central().items()}  # the medoid
    text = CONFIG.read_text()
    lines = text.split("\n")
    section = None
    classes = {cls.__name__: name for name, cls in PARAMETER_SECTIONS.items()}
    done = set()
    for i, line in enumerate(lines):
        m = re.match(r"class (\w+)\(", line)
        if m:
            section = classes.get(m.group(1))
            continue
        m = re.match(r"    (\w+): float = P\(([^,]+),(.*)$", line)
        if not m or section is None:
            continue
        key = f"{section}.{m.group(1)}"
        rest = m.group(3)
        if key in central:
            rest = re.sub(r'source="(assumption|calibrated)"', 'source="calibrated"', rest)
            if 'source="calibrated"' not in rest:
                rest = ' source="calibrated",' + rest
            lines[i] = f"    {m.group(1)}: float = P({central[key]!r},{rest}"
            done.add(key)
        elif 'source="calibrated"' in rest:
            lines[i] = line.replace('source="calibrated"', 'source="assumption"')
    missing = set(central) - done
    if missing:
        print(f"not found in {CONFIG}: {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    CONFIG.write_text("\n".join(lines))
    for k, v in central.items():
        print(f"{k} = {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
