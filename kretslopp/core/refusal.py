"""A write that a domain's rules refuse, as every layer above may answer it.

The API framework (kernel) answers such a refusal with 409 and the reason, without
importing the domain whose rule refused (``docs/architecture.md``: imports point down).
"""

from __future__ import annotations

from collections.abc import Callable


class Refused(Exception):
    """Base for a domain's "not allowed by the rules" errors.

    ``code`` is the machine-readable error code, ``field`` the input the refusal is about
    (or None), and :meth:`explain` the reason with ``translate`` applied.
    """

    code: str = "conflict"
    field: str | None = None

    def explain(self, translate: Callable[[str], str]) -> str:
        return str(self)
