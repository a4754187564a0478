"""The engine's evidence in words a reader understands, in the page's language.

The engine records what it judged by as codes and values (``{"field": "spare_part_years",
"value": "2", "operator": ">=", "required": "3"}``); pages and the protocol show them
through :func:`evidence_text` and :func:`reason_text`, never as raw codes.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kretslopp.tendering import library

REASONS = {
    "met": _("met"),
    "met_by_label": _("met by a valid label"),
    "missing_value": _("the value is missing"),
    "not_met": _("not met"),
    "declared": _("declared by the bidder"),
    "not_declared": _("not declared by the bidder"),
    "no_valid_label": _("no valid accepted label"),
    "band": _("in a scoring band"),
    "no_band": _("in no scoring band"),
    "present": _("given"),
    "label": _("valid label"),
}
KEYS = {
    "value": _("given"),
    "required": _("required"),
    "accepted_labels": _("accepted labels"),
    "certificate": _("certificate"),
    "invalid_certificate": _("certificate not valid"),
    "evaluation_date": _("checked on"),
    "band": _("band"),
    "missing": _("missing"),
}
MEASURES = {
    "etec_margin_percent": _("% below the ETEC limit"),
    "battery_cycles": _("battery cycles"),
    "extra_warranty_years": _("extra warranty years"),
}
EMBODIED = {
    "bidder_pcf": _("the bidder's PCF"),
    "category_default": _("the category's default"),
}


def _field(column_id: str) -> str:
    column = library().columns.get(column_id)
    if column is None:
        return column_id
    return column.text("label", get_language())


def _number(text: object) -> str:
    try:
        value = Decimal(str(text))
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
        else:
            value = value.normalize()
        return number_format(value, use_l10n=True)
    except (TypeError, ValueError, InvalidOperation):
        return str(text)


OPERATORS = {">=": "≥", "<=": "≤"}


def label_name(text: object) -> str:
    """``scheme`` or ``scheme:tier`` as the label's own name (TCO Certified generation-10)."""
    scheme_id, _sep, tier = str(text).partition(":")
    names = {key[0]: tier_row.scheme for key, tier_row in library().labels.items()}
    return f"{names.get(scheme_id, scheme_id)} {tier}".strip()


def _certificate(values: dict) -> str:
    parts = [label_name(values.get("scheme_id", "")), values.get("tier"), values.get("number")]
    if values.get("valid_to"):
        parts.append(f"{_('valid until')} {values['valid_to']}")
    return " ".join(str(part) for part in parts if part)


def reason_text(code: object) -> str:
    return str(REASONS.get(str(code), code))


def evidence_text(values: Any) -> str:
    """``name: value`` pairs in words; the field and the measure name what was measured."""
    if not isinstance(values, dict):
        return ""
    parts = []
    if values.get("field"):
        parts.append(_field(values["field"]))
    if values.get("measure"):
        parts.append(str(MEASURES.get(values["measure"], values["measure"])))
    for key, value in values.items():
        if key in ("field", "measure", "operator") or value in (None, "", [], {}):
            continue
        label = KEYS.get(key, key)
        if key == "required":
            operator = values.get("operator", "")
            value = f"{OPERATORS.get(operator, operator)} {_number(value)}".strip()
        elif key == "value":
            value = _number(value)
        elif key == "missing":
            value = ", ".join(_field(name) for name in value)
        elif isinstance(value, dict):
            value = _certificate(value)
        elif key == "accepted_labels":
            value = ", ".join(label_name(v) for v in value)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{label}: {value}")
    return "; ".join(parts)


def embodied_text(code: object) -> str:
    return str(EMBODIED.get(str(code), code))
