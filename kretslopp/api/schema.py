"""The base of every API schema: what all input strings must satisfy."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import WithJsonSchema, field_validator


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


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**constraints: Any) -> Any:
    """A field a PATCH may leave out but never send as null (a value it must always have).

    Declared as the plain type with no default in the document, so the schema says what the
    route does: null is invalid input (422), leaving the field out keeps its value.
    """
    return Field(None, json_schema_extra=_without_default, **constraints)


def amount(max_digits: int, decimal_places: int) -> Any:
    """A non-negative decimal input (a price, a weight) documented exactly as it is validated.

    Clients may send a JSON number or a decimal string (money is often kept as text to avoid
    rounding); both are limited to the column's digits, so anything the document allows fits.
    """
    whole_digits = max_digits - decimal_places
    step = Decimal(1).scaleb(-decimal_places)
    largest = Decimal(10) ** whole_digits - step
    pattern = rf"^(0|[1-9][0-9]{{0,{whole_digits - 1}}})(\.[0-9]{{1,{decimal_places}}})?$"
    documented = {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": float(largest), "multipleOf": float(step)},
            {"type": "string", "pattern": pattern},
        ]
    }
    return Annotated[
        Decimal,
        Field(ge=0, le=largest, max_digits=max_digits, decimal_places=decimal_places),
        WithJsonSchema(documented),
    ]
