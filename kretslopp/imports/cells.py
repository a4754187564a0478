"""Cell text as an import reads it: trimmed, formula-safe, parsed once per distinct value.

Exports neutralise text that a spreadsheet could run as a formula by prefixing ``'``
(:func:`kretslopp.tabular.neutralise_cell`); reading our own export must undo exactly that,
or a round trip would change data. A cell that still *looks like a formula* (``=HYPERLINK(…``,
``@SUM(…``, ``+cmd|…``) is refused: stored, it would be a loaded weapon in the next export
someone opens, and nobody types an asset field like that on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kretslopp.tabular import ValueParseError

_NEUTRALISED = re.compile(r"'[=+\-@\t\r]")
# '=' or '@' first; or '+'/'-' followed by something a formula has and a value has not.
_FORMULA = re.compile(r"[=@]|[+\-].*[(!|=]", re.DOTALL)


FORMULA_START = frozenset("=@+-")


def clean(raw: str) -> tuple[str, bool]:
    """The cell's value and whether it looks like a formula (then the value is refused).

    Trims blank space, and undoes our own export's apostrophe guard (``'=x`` → ``=x``):
    that value was text in Kretslopp and is text again.
    """
    text = raw.strip()
    if not text:
        return text, False
    first = text[0]
    if first in FORMULA_START:
        return text, _FORMULA.match(text) is not None
    if first == "'" and _NEUTRALISED.match(text):
        return text[1:], False
    return text, False


class CachedParser:
    """Parse each distinct text once: dates and prices repeat thousands of times in a file."""

    def __init__(self, parser: Callable[[str], Any]) -> None:
        self.parser = parser
        self.cache: dict[str, tuple[Any, ValueParseError | None]] = {}

    def __call__(self, text: str) -> tuple[Any, ValueParseError | None]:
        found = self.cache.get(text)
        if found is None:
            try:
                found = (self.parser(text), None)
            except ValueParseError as error:
                found = (None, error)
            if len(self.cache) < 100_000:
                self.cache[text] = found
        return found
