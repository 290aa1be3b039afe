"""A lesson's worth of text on each shipped scenario, in English and Bahasa Indonesia.

In the spirit of a NetLogo model's Info tab, each scenario has five sections:
what it is, how it works (the mechanisms in plain words), things to notice,
things to try (with the settings to change) and the field study behind it. The
texts are Markdown in ``en.toml`` and ``id.toml`` (one table per scenario, keyed
by its file name); the ``[common]`` table holds what every scenario shares (how
the model works, why income peaks before Eid and Christmas), shown after the
scenario's own text of that section.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = ("what", "how", "notice", "try", "field")
LANGUAGES = ("en", "id")


@lru_cache(maxsize=2)
def load(lang: str) -> dict[str, dict[str, str]]:
    """Every scenario's sections in ``lang`` (and ``common``), as written in the file."""
    with open(HERE / f"{'id' if lang == 'id' else 'en'}.toml", "rb") as f:
        return tomllib.load(f)


def lesson(scenario: str, lang: str = "en") -> dict[str, str]:
    """The five sections of ``scenario``'s lesson in ``lang``, common text included.

    A scenario without its own lesson (a user's file) gets the common text only."""
    data = load(lang)
    own, common = data.get(scenario, {}), data.get("common", {})
    return {key: "\n\n".join(p.strip() for p in (own.get(key, ""), common.get(key, "")) if p.strip())
            for key in SECTIONS}
