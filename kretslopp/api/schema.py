"""The base of every API schema: what all input strings must satisfy."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import field_validator


class ApiSchema(Schema):
    """A ninja Schema that refuses NUL characters, which PostgreSQL cannot store or compare.

    Django's forms refuse them too; without this a stray NUL in a filter would be a 500 on
    PostgreSQL and an empty result on SQLite.
    """

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Null characters are not allowed.")
        return value
