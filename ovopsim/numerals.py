"""How a number is written for a reader of each language the project speaks: English
groups thousands with a comma and marks decimals with a point (1,234.5); Bahasa
Indonesia the other way round (1.234,5), so that an English 0.272 would read as two
hundred and seventy-two thousand. The teaching app and the decision brief both write
numbers through :func:`localised`."""

from __future__ import annotations

import math
import re

#: per language: (thousands separator, decimal mark)
SEPARATORS = {"en": (",", "."), "id": (".", ",")}


def localised(text: str, lang: str) -> str:
    """A number written the English way (``1,234.5``) as a reader of ``lang`` writes it."""
    thousands, decimal = SEPARATORS[lang]
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


# digits with groups of three after each comma (1,234,567.5): a comma not followed by three
# digits ends the number, so a list ("P1, P10") keeps its commas
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def localised_numbers(text: str, lang: str) -> str:
    """Every number in ``text`` (a rule such as ``cut >= 0.4``, a label such as
    ``demand 1.25``) :func:`localised`."""
    return _NUMBER.sub(lambda m: localised(m.group(0), lang), text)


def whole_percents(shares: list[float]) -> list[int]:
    """Shares (summing to 1) as whole percents that sum to 100: each rounded down, then
    the points left go to the largest remainders (ties to the first), so a reader adding
    them finds the whole. The decision brief's table and its figure of the mixes both
    write a mix's shares so."""
    exact = [100 * max(x, 0.0) for x in shares]
    whole = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in order[:max(0, round(sum(exact)) - sum(whole))]:
        whole[i] += 1
    return whole
