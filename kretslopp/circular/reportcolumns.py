"""The partner report's columns and values as partners write them, in Swedish or English.

Plain Python: header aliases and value maps are data, matched through
``tabular.normalise_header`` so case, punctuation and ``_`` versus space do not matter.
"""

from __future__ import annotations

from kretslopp.tabular import normalise_header
from kretslopp.tabular.mapping import ColumnMapping

FIELDS: tuple[str, ...] = (
    "asset_tag",
    "serial_number",
    "erasure_method",
    "erasure_tool",
    "erasure_certificate",
    "erased_on",
    "grade",
    "outcome",
    "weight_kg",
    "resale_value_sek",
)

# Field → header aliases, best-known first.
ALIASES: dict[str, tuple[str, ...]] = {
    "asset_tag": (
        "asset tag", "inventarienummer", "inventarienr", "tillgångstagg", "asset number",
        "asset id", "tag", "stöldmärkning",
    ),
    "serial_number": ("serial number", "serienummer", "serial", "serienr", "sn", "s n"),
    "erasure_method": (
        "erasure method", "raderingsmetod", "wipe method", "sanitization method",
        "sanitisation method", "metod",
    ),
    "erasure_tool": (
        "erasure tool", "raderingsverktyg", "tool", "verktyg", "software", "programvara",
    ),
    "erasure_certificate": (
        "certificate id", "erasure certificate", "raderingsintyg", "intygsnummer", "intyg id",
        "intygs id", "certificate", "certifikat", "intyg", "certificate number", "report id",
    ),
    "erased_on": (
        "erasure date", "raderingsdatum", "erased on", "date erased", "raderad", "datum", "date",
    ),
    "grade": ("grade", "klass", "grading", "kvalitetsklass", "skick", "condition"),
    "outcome": (
        "outcome", "utfall", "disposition", "resultat", "result", "destination", "åtgärd",
    ),
    "weight_kg": ("weight kg", "vikt kg", "weight", "vikt"),
    "resale_value_sek": (
        "resale value sek", "resale value", "försäljningsvärde sek", "försäljningsvärde",
        "andrahandsvärde", "restvärde", "värde sek", "värde kr", "value sek", "värde", "value",
    ),
}  # fmt: skip

ERASURE_METHODS: dict[str, str] = {
    "nist clear": "nist_clear", "clear": "nist_clear", "nist 800 88 clear": "nist_clear",
    "rensning": "nist_clear", "överskrivning": "nist_clear",
    "overwrite": "nist_clear",
    "nist purge": "nist_purge", "purge": "nist_purge", "nist 800 88 purge": "nist_purge",
    "crypto erase": "nist_purge", "kryptografisk radering": "nist_purge", "sanering": "nist_purge",
    "destruction": "destruction", "physical destruction": "destruction",
    "nist destroy": "destruction", "nist 800 88 destroy": "destruction", "destroy": "destruction",
    "shredded": "destruction", "shredding": "destruction", "fysisk destruktion": "destruction",
    "destruktion": "destruction", "krossad": "destruction", "förstörd": "destruction",
}  # fmt: skip
GRADES: dict[str, str] = {
    "a": "A", "b": "B", "c": "C", "d": "defective", "defective": "defective",
    "defect": "defective", "defekt": "defective", "trasig": "defective", "klass a": "A",
    "klass b": "B", "klass c": "C", "grade a": "A", "grade b": "B", "grade c": "C",
}  # fmt: skip
OUTCOMES: dict[str, str] = {
    "reused internally": "reused_internally", "återanvänd internt": "reused_internally",
    "intern återanvändning": "reused_internally", "internal reuse": "reused_internally",
    "resold": "resold", "sold": "resold", "såld": "resold", "vidaresåld": "resold",
    "sålt": "resold", "donated": "donated", "skänkt": "donated", "donerad": "donated",
    "refurbished": "refurbished", "renoverad": "refurbished", "rekonditionerad": "refurbished",
    "recycled": "recycled", "återvunnen": "recycled", "materialåtervinning": "recycled",
    "återvinning": "recycled", "destroyed": "destroyed", "destruerad": "destroyed",
    "förstörd": "destroyed",
}  # fmt: skip


def _alias_index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for field in FIELDS:
        index.setdefault(normalise_header(field), (field, 0))
        for rank, alias in enumerate(ALIASES[field], start=1):
            index.setdefault(normalise_header(alias), (field, rank))
    return index


_INDEX = _alias_index()


def suggest_mapping(headers: list[str]) -> ColumnMapping:
    """Which column feeds which field; for two candidates the better-known alias wins."""
    best: dict[str, tuple[int, int]] = {}  # field → (rank, position)
    losers: list[int] = []
    for position, header in enumerate(headers):
        found = _INDEX.get(normalise_header(header))
        if found is None:
            continue
        field, rank = found
        current = best.get(field)
        if current is None or rank < current[0]:
            if current is not None:
                losers.append(current[1])
            best[field] = (rank, position)
        else:
            losers.append(position)
    fields = {position: field for field, (_rank, position) in best.items()}
    return ColumnMapping(
        headers=list(headers),
        fields=dict(sorted(fields.items())),
        profile="partner_report",
        conflicts=sorted(losers),
    )


def value_of(table: dict[str, str], text: str) -> str | None:
    """A coded value from free text (``'NIST 800-88 Purge'`` → ``'nist_purge'``), or None."""
    key = normalise_header(text)
    if key in table.values():
        return key
    return table.get(key) or table.get(key.replace(" ", "_")) or _code(table, text)


def _code(table: dict[str, str], text: str) -> str | None:
    code = text.strip().lower()
    return code if code in set(table.values()) else None
