"""Matching catalogue models to manufacturer PCF sheets, with a confidence score.

A catalogue says "HP EliteBook 840 G8 Notebook PC" where the sheet says "EliteBook 840 Aero G8
Notebook PC"; both are normalised to tokens (lower case, manufacturer prefix and filler words
such as "notebook" or "pc" removed, "Gen 2" / "2nd generation" written "g2") and compared with a
weighted Dice coefficient in which tokens carrying digits (model numbers) weigh three times
as much as words. The result is:

``exact``     normalised names have the same tokens (confidence 1.0);
``probable``  score >= 0.85 and every model-number token of the catalogue name is on the sheet;
``weak``      score >= 0.6 otherwise;
``ambiguous`` several sheets with different figures tie for the best score, or contain every
              token of the catalogue name (confidence is the best score divided by the
              number of such sheets).

Only ``exact`` and ``probable`` matches are used by the engine on their own; ``weak`` and
``ambiguous`` ones fall back to the category default and are reported, unless the caller passes
a confirmed decision (see :func:`resolve_model`). The index is built once per process; one match
costs a few dictionary look-ups and a handful of set intersections, and results are cached.

The reasons a resolution gives are English templates marked with a no-op ``_()`` so that
gettext extracts them; their figures are kept apart (:attr:`ModelResolution.reason_params`) and
the web layer translates and formats both when it shows them (:meth:`ModelResolution.explain`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .derive import PCF_FILE, pcf_category
from .sources import read_csv


def _(text: str) -> str:  # marks text for translation without importing Django
    return text


MATCH_STATUSES: tuple[str, ...] = ("exact", "probable", "weak", "ambiguous")
#: How a page names each status (translated by the web layer).
MATCH_STATUS_LABELS: dict[str, str] = {
    "exact": _("exact"),
    "probable": _("probable"),
    "weak": _("weak"),
    "ambiguous": _("ambiguous"),
}
USABLE_STATUSES: frozenset[str] = frozenset({"exact", "probable"})

PROBABLE_THRESHOLD = 0.85
WEAK_THRESHOLD = 0.6
TIE_MARGIN = 0.02
DIGIT_TOKEN_WEIGHT = 3.0

#: Words that do not tell two models apart.
FILLER_TOKENS: frozenset[str] = frozenset(
    {
        "notebook",
        "pc",
        "laptop",
        "computer",
        "desktop",
        "monitor",
        "display",
        "inch",
        "in",
        "with",
        "series",
        "the",
        "and",
    }
)

#: Manufacturer spellings seen in asset registers -> the PCF file's manufacturer, lower case.
MANUFACTURER_ALIASES: dict[str, str] = {
    "hewlett packard": "hp",
    "hewlett packard enterprise": "hp",
    "hpe": "hp",
    "hp inc": "hp",
    "dell technologies": "dell",
    "dell emc": "dell",
    "dell inc": "dell",
    "lenovo group": "lenovo",
    "apple inc": "apple",
    "microsoft corporation": "microsoft",
    "microsoft corp": "microsoft",
    "samsung electronics": "samsung",
    "asustek": "asus",
    "asustek computer": "asus",
    "google llc": "google",
}

_LEGAL_SUFFIX = re.compile(r"\b(inc|corp|corporation|ltd|llc|co|ab|gmbh|company)\b\.?$")
_ORDINAL_GEN = re.compile(r"\b(\d+)(?:st|nd|rd|th)?\s*gen(?:eration)?\b")
_GEN_NUMBER = re.compile(r"\bgen(?:eration)?\s*(\d+)\b")
_ALL_IN_ONE = re.compile(r"all[\s-]*in[\s-]*one")
_NON_TOKEN = re.compile(r"[^a-z0-9.]+")
_ESCAPED_BYTES = re.compile(r"(?:\\x[0-9a-f]{2})+")


def normalise_manufacturer(manufacturer: str) -> str:
    """'Hewlett-Packard Inc.' -> 'hp'; 'Dell Technologies' -> 'dell'."""
    text = unicodedata.normalize("NFKC", manufacturer).lower().strip()
    text = re.sub(r"[-_,.]", " ", text)
    text = " ".join(text.split())
    text = _LEGAL_SUFFIX.sub("", text).strip()
    return MANUFACTURER_ALIASES.get(text, text)


def normalise_model(model_name: str, manufacturer: str = "") -> tuple[str, ...]:
    """Tokens of a model name that tell models apart, in order.

    'HP EliteBook 840 G8 Notebook PC' -> ('elitebook', '840', 'g8');
    'ThinkPad T14 Gen 2' -> ('thinkpad', 't14', 'g2').
    """
    text = _ESCAPED_BYTES.sub(" ", model_name)
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\"'”“’]", " ", text)
    text = _ALL_IN_ONE.sub(" aio ", text)
    text = _ORDINAL_GEN.sub(lambda m: f" g{m.group(1)} ", text)
    text = _GEN_NUMBER.sub(lambda m: f" g{m.group(1)} ", text)
    tokens = [t.strip(".") for t in _NON_TOKEN.split(text)]
    tokens = [t for t in tokens if t and t not in FILLER_TOKENS]
    maker = normalise_manufacturer(manufacturer) if manufacturer else ""
    prefixes = {maker, *maker.split()} if maker else set()
    prefixes |= {alias for alias, target in MANUFACTURER_ALIASES.items() if target == maker}
    while tokens and tokens[0] in prefixes:
        tokens.pop(0)
    return tuple(tokens)


def match_key(manufacturer: str, model_name: str) -> str:
    """Stable key of a catalogue model for storing confirm/reject decisions.

    Two spellings that normalise to the same tokens share a key, so a decision taken once
    applies to every spelling of that model.
    """
    tokens = " ".join(normalise_model(model_name, manufacturer))
    return f"{normalise_manufacturer(manufacturer)}|{tokens}"


def _weight(token: str) -> float:
    return DIGIT_TOKEN_WEIGHT if any(ch.isdigit() for ch in token) else 1.0


def _weighted(tokens: frozenset[str]) -> float:
    return sum(_weight(t) for t in tokens)


def similarity(query: frozenset[str], candidate: frozenset[str]) -> float:
    """Weighted Dice coefficient of two token sets, in [0, 1]."""
    total = _weighted(query) + _weighted(candidate)
    if total == 0:
        return 0.0
    return 2.0 * _weighted(query & candidate) / total


@dataclass(frozen=True, slots=True)
class PcfRecord:
    """One manufacturer PCF sheet, with the figures the engine uses.

    ``embodied_kg_co2e`` is ``gwp_total × gwp_manufacturing_ratio`` (None when the sheet gives
    no ratio); its min and max apply the sheet's own ``gwp_error_ratio`` where present.
    """

    record_id: str
    manufacturer: str
    name: str
    category: str | None
    pcf_category: str
    pcf_subcategory: str
    gwp_total_kg_co2e: float
    gwp_manufacturing_ratio: float | None
    gwp_error_ratio: float | None
    kwh_per_year: float | None
    lifetime_years: float | None
    use_location: str
    report_date: str
    source_url: str

    @property
    def embodied_kg_co2e(self) -> float | None:
        if self.gwp_manufacturing_ratio is None:
            return None
        return self.gwp_total_kg_co2e * self.gwp_manufacturing_ratio

    @property
    def embodied_kg_co2e_min(self) -> float | None:
        embodied = self.embodied_kg_co2e
        if embodied is None:
            return None
        return embodied * (1.0 - (self.gwp_error_ratio or 0.0))

    @property
    def embodied_kg_co2e_max(self) -> float | None:
        embodied = self.embodied_kg_co2e
        if embodied is None:
            return None
        return embodied * (1.0 + (self.gwp_error_ratio or 0.0))

    def as_dict(self) -> dict[str, object]:
        return {
            "record_id": self.record_id,
            "manufacturer": self.manufacturer,
            "name": self.name,
            "category": self.category,
            "gwp_total_kg_co2e": self.gwp_total_kg_co2e,
            "gwp_manufacturing_ratio": self.gwp_manufacturing_ratio,
            "embodied_kg_co2e": self.embodied_kg_co2e,
            "embodied_kg_co2e_min": self.embodied_kg_co2e_min,
            "embodied_kg_co2e_max": self.embodied_kg_co2e_max,
            "kwh_per_year": self.kwh_per_year,
            "lifetime_years": self.lifetime_years,
            "use_location": self.use_location,
            "report_date": self.report_date,
            "source_url": self.source_url,
            "source_id": "boavizta-pcf",
        }


@dataclass(frozen=True, slots=True)
class ModelMatch:
    """The best PCF sheet for a catalogue model, how sure we are, and the runners-up."""

    status: str
    confidence: float
    record: PcfRecord
    candidates: tuple[PcfRecord, ...] = field(default=())

    @property
    def usable(self) -> bool:
        """True when the engine may use the sheet without a person confirming it."""
        return self.status in USABLE_STATUSES

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "confidence": round(self.confidence, 4),
            "record": self.record.as_dict(),
            "candidates": [c.record_id for c in self.candidates],
        }


def _opt_float(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


_HP_FOOTNOTE = re.compile(r"(?<=[a-z])4$")


@dataclass(slots=True)
class _Index:
    records: list[PcfRecord]
    by_id: dict[str, PcfRecord]
    tokens: list[frozenset[str]]
    exact: dict[tuple[str, frozenset[str]], list[int]]
    inverted: dict[tuple[str, str], set[int]]


@cache
def _index() -> _Index:
    records: list[PcfRecord] = []
    by_id: dict[str, PcfRecord] = {}
    tokens: list[frozenset[str]] = []
    exact: dict[tuple[str, frozenset[str]], list[int]] = {}
    inverted: dict[tuple[str, str], set[int]] = {}
    for row in read_csv(PCF_FILE):
        name = row["name"]
        record_id = f"{row['manufacturer']}/{name}"
        n = 2
        while record_id in by_id:
            record_id = f"{row['manufacturer']}/{name}#{n}"
            n += 1
        record = PcfRecord(
            record_id=record_id,
            manufacturer=row["manufacturer"],
            name=name,
            category=pcf_category(row),
            pcf_category=row["category"],
            pcf_subcategory=row["subcategory"],
            gwp_total_kg_co2e=float(row["gwp_total"]),
            gwp_manufacturing_ratio=_opt_float(row["gwp_manufacturing_ratio"]),
            gwp_error_ratio=_opt_float(row["gwp_error_ratio"]),
            kwh_per_year=_opt_float(row["yearly_tec"]),
            lifetime_years=_opt_float(row["lifetime"]),
            use_location=row["use_location"],
            report_date=row["report_date"],
            source_url=row["sources"],
        )
        by_id[record_id] = record
        maker = normalise_manufacturer(record.manufacturer)
        # HP's datacenter sheet names carry a footnote digit ("DL380 Gen10 server4").
        clean = name
        if maker == "hp" and row["category"] == "Datacenter":
            clean = _HP_FOOTNOTE.sub("", name)
        # "IdeaPad 3 17/Lenovo V17" names two models: each spelling is indexed.
        spellings = [clean] + [p for p in re.split(r"/|\.(?=\s*[A-Za-z])", clean) if p != clean]
        for spelling in spellings:
            toks = normalise_model(spelling, record.manufacturer)
            if not toks:
                continue
            i = len(records)
            records.append(record)
            tokens.append(frozenset(toks))
            exact.setdefault((maker, frozenset(toks)), []).append(i)
            for tok in set(toks):
                inverted.setdefault((maker, tok), set()).add(i)
    return _Index(records, by_id, tokens, exact, inverted)


def pcf_records() -> list[PcfRecord]:
    """Every PCF sheet once, in file order."""
    return list(_index().by_id.values())


def pcf_record(record_id: str) -> PcfRecord:
    """The sheet with ``record_id`` (``"<manufacturer>/<name>"``)."""
    try:
        return _index().by_id[record_id]
    except KeyError:
        raise KeyError(f"unknown PCF record {record_id!r}") from None


_COMPATIBLE = {"desktop": {"desktop", "all_in_one"}, "all_in_one": {"desktop", "all_in_one"}}


def _category_ok(wanted: str | None, record: PcfRecord) -> bool:
    if wanted is None or record.category is None:
        return True
    return record.category in _COMPATIBLE.get(wanted, {wanted})


def _distinct(records: list[PcfRecord]) -> list[PcfRecord]:
    """Drop duplicates and sheets with the same figures (e.g. one PDF for two storage sizes)."""
    seen: set[str] = set()
    figures: set[tuple[object, ...]] = set()
    out: list[PcfRecord] = []
    for record in records:
        key = (record.gwp_total_kg_co2e, record.gwp_manufacturing_ratio, record.kwh_per_year)
        if record.record_id in seen or key in figures:
            continue
        seen.add(record.record_id)
        figures.add(key)
        out.append(record)
    return out


@lru_cache(maxsize=65536)
def match_model(
    manufacturer: str, model_name: str, category: str | None = None
) -> ModelMatch | None:
    """Best PCF sheet for a catalogue model, or ``None`` when nothing scores >= 0.6.

    ``category`` (a taxonomy code), when given, keeps sheets of another category out (a
    desktop and an all-in-one count as compatible).
    """
    if not manufacturer or not model_name:
        return None
    index = _index()
    maker = normalise_manufacturer(manufacturer)
    query = normalise_model(model_name, manufacturer)
    if not query:
        return None

    exact = [
        index.records[i]
        for i in index.exact.get((maker, frozenset(query)), [])
        if _category_ok(category, index.records[i])
    ]
    exact = _distinct(exact)
    if len(exact) == 1:
        return ModelMatch("exact", 1.0, exact[0])
    if len(exact) > 1:
        return ModelMatch("ambiguous", 1.0 / len(exact), exact[0], tuple(exact))

    query_set = frozenset(query)
    digit_tokens = {t for t in query_set if any(ch.isdigit() for ch in t)}
    seeds = digit_tokens or query_set
    candidate_ids: set[int] = set()
    for tok in seeds:
        candidate_ids |= index.inverted.get((maker, tok), set())
    scored: list[tuple[float, int]] = []
    for i in candidate_ids:
        if not _category_ok(category, index.records[i]):
            continue
        scored.append((similarity(query_set, index.tokens[i]), i))
    if not scored:
        return None
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    best_score, best_i = scored[0]
    if best_score < WEAK_THRESHOLD:
        return None
    tied = _distinct([index.records[i] for score, i in scored if best_score - score <= TIE_MARGIN])
    best = index.records[best_i]
    # "OptiPlex 3050" names four sheets (tower, SFF, micro, all-in-one): when several sheets
    # with different figures contain every token of the query, it is ambiguous.
    covering = _distinct([index.records[i] for _, i in scored if query_set <= index.tokens[i]])
    if len(covering) > 1 and len(covering) > len(tied):
        tied = covering
    if len(tied) > 1:
        return ModelMatch("ambiguous", best_score / len(tied), best, tuple(tied))
    numbers_present = digit_tokens <= index.tokens[best_i]
    status = "probable" if best_score >= PROBABLE_THRESHOLD and numbers_present else "weak"
    return ModelMatch(status, best_score, best)


#: Why a catalogue model's sheet is used or not: the reasons a resolution gives.
REJECTED_BY_A_PERSON = _("match rejected by a person")
CONFIRMED_BY_A_PERSON = _("match confirmed by a person")
NO_NAME = _("no manufacturer or model given")
NO_SHEET = _("no PCF sheet matches")
#: A usable match, by status.
USED = {"exact": _("exact match"), "probable": _("probable match")}
#: A match too unsure to use without a person, by status; ``%(confidence)s`` is its confidence.
NOT_USED = {
    "weak": _(
        "weak match (confidence %(confidence)s) not used without confirmation; "
        "category default used"
    ),
    "ambiguous": _(
        "ambiguous match (confidence %(confidence)s) not used without confirmation; "
        "category default used"
    ),
}
MATCH_REASONS: tuple[str, ...] = (
    REJECTED_BY_A_PERSON,
    CONFIRMED_BY_A_PERSON,
    NO_NAME,
    NO_SHEET,
    *USED.values(),
    *NOT_USED.values(),
)


def _same(text: str) -> str:
    return text


def _two_decimals(value: float) -> str:
    return f"{value:.2f}"


#: Decisions people took on matches, by :func:`match_key`: a PCF ``record_id`` to confirm
#: (a weak or ambiguous match, or a different sheet), or ``None`` to reject any sheet.
MatchDecisions = Mapping[str, str | None]


@dataclass(frozen=True, slots=True)
class ModelResolution:
    """What the engine does with a catalogue model: which sheet it uses (if any) and why."""

    key: str
    match: ModelMatch | None
    record: PcfRecord | None
    decision: str | None
    #: One of :data:`MATCH_REASONS`, untranslated.
    reason_template: str
    #: The figures the template names, as ``(name, value)`` pairs.
    reason_params: tuple[tuple[str, float], ...] = ()

    @property
    def used(self) -> bool:
        return self.record is not None

    @property
    def reason(self) -> str:
        """Why the sheet is used or not, in English (``"weak match (confidence 0.72) …"``)."""
        return self.explain()

    def explain(self, translate=_same, number=_two_decimals) -> str:
        """The reason, with ``translate`` applied to its template and ``number`` writing each
        figure (gettext and the page's number format on the web; English by default)."""
        text = translate(self.reason_template)
        if not self.reason_params:
            return text
        return text % {name: number(value) for name, value in self.reason_params}

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "status": self.match.status if self.match else None,
            "confidence": round(self.match.confidence, 4) if self.match else None,
            "record_id": self.record.record_id if self.record else None,
            "decision": self.decision,
            "reason": self.reason,
        }


def resolve_model(
    manufacturer: str,
    model_name: str,
    category: str | None = None,
    decisions: MatchDecisions | None = None,
) -> ModelResolution:
    """Decide whether a model's own sheet is used, honouring people's decisions first.

    A confirmed decision uses the named sheet; a rejection uses none; otherwise only
    ``exact``/``probable`` matches are used, and ``weak``/``ambiguous`` ones are reported with
    the reason that the category default was used instead.
    """
    key = match_key(manufacturer or "", model_name or "")
    if decisions is not None and key in decisions:
        decided = decisions[key]
        match = match_model(manufacturer, model_name, category) if model_name else None
        if decided is None:
            return ModelResolution(key, match, None, "rejected", REJECTED_BY_A_PERSON)
        return ModelResolution(key, match, pcf_record(decided), "confirmed", CONFIRMED_BY_A_PERSON)
    if not manufacturer or not model_name:
        return ModelResolution(key, None, None, None, NO_NAME)
    match = match_model(manufacturer, model_name, category)
    if match is None:
        return ModelResolution(key, None, None, None, NO_SHEET)
    if match.usable:
        return ModelResolution(key, match, match.record, None, USED[match.status])
    return ModelResolution(
        key, match, None, None, NOT_USED[match.status], (("confidence", match.confidence),)
    )
