"""Malmö's take-back campaign of late 2019 ("Återtag 2019"), as demo assets.

The article in ``shared/mission`` reports one campaign of over 7,500 products, about 4,500 of
them staff computers. The composition (category, quantity, outcome) is read from the footprint
engine's example file so that the demo and the engine's worked example describe the same
campaign; at the default demo size it is reproduced exactly, at other sizes scaled.

Generation is kept in its own function so that a later campaign model can create the campaign
record (and its manifests) from the same lines.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from kretslopp.demo.assets import AssetSpec, Context
from kretslopp.demo.catalogue import FOOTPRINT_DATA, ModelSpec
from kretslopp.demo.history import History, workday
from kretslopp.inventory import lifecycle

CAMPAIGN = "Återtag 2019"
TAKEBACK_FILE = FOOTPRINT_DATA / "examples" / "malmo-2019-takeback.csv"
#: The campaign's collection window and the last day anything in it happened.
COLLECTION_START = dt.date(2019, 11, 4)
COLLECTION_END = dt.date(2019, 11, 22)
CAMPAIGN_END = dt.date(2019, 12, 27)
COMPUTERS = frozenset({"laptop", "desktop"})


@dataclass(frozen=True)
class TakebackLine:
    """One row of the campaign: so many devices of a category went to one outcome."""

    category: str
    manufacturer: str
    model: str
    quantity: int
    outcome: str


# The campaign as the footprint engine's example file describes it; used when the file is
# not installed, so the demo never depends on a file that may be absent.
DEFAULT_LINES: tuple[TakebackLine, ...] = (
    TakebackLine("laptop", "", "", 2900, "resold"),
    TakebackLine("laptop", "", "", 500, "recycled"),
    TakebackLine("desktop", "", "", 900, "resold"),
    TakebackLine("desktop", "", "", 200, "recycled"),
    TakebackLine("monitor", "", "", 1500, "resold"),
    TakebackLine("monitor", "", "", 400, "recycled"),
    TakebackLine("smartphone", "", "", 600, "resold"),
    TakebackLine("smartphone", "", "", 200, "recycled"),
    TakebackLine("tablet", "", "", 250, "resold"),
    TakebackLine("tablet", "", "", 50, "recycled"),
)

#: Which catalogue segment the returned devices come from when the file names no model.
SEGMENTS = {"tablet": "pupil"}


def read_lines(path: Path = TAKEBACK_FILE) -> list[TakebackLine]:
    """The campaign's lines from the example CSV, or :data:`DEFAULT_LINES` without it."""
    if not path.exists():
        return list(DEFAULT_LINES)
    lines = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            lines.append(
                TakebackLine(
                    category=row["category"].strip(),
                    manufacturer=(row.get("manufacturer") or "").strip(),
                    model=(row.get("model") or "").strip(),
                    quantity=int(row["quantity"]),
                    outcome=row["outcome"].strip(),
                )
            )
    return lines


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder): sums exactly."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    rest = total - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:rest]:
        shares[i] += 1
    return shares


def compose(lines: list[TakebackLine], scale: float) -> list[TakebackLine]:
    """The campaign scaled to the demo's size; ``scale=1`` returns the quantities unchanged."""
    total = round(sum(line.quantity for line in lines) * scale)
    quantities = apportion(total, [line.quantity for line in lines])
    return [replace(line, quantity=q) for line, q in zip(lines, quantities, strict=True)]


def summary(lines: list[TakebackLine]) -> dict[str, int]:
    """Products and computers in the campaign: the two figures the article reports."""
    return {
        "products": sum(line.quantity for line in lines),
        "computers": sum(line.quantity for line in lines if line.category in COMPUTERS),
    }


def extend_catalogue_models(lines: list[TakebackLine]) -> list[ModelSpec]:
    """Models the file names that the catalogue may lack (the file may name a model)."""
    named = {
        (line.manufacturer, line.model): line.category
        for line in lines
        if line.manufacturer and line.model
    }
    return [
        ModelSpec(
            manufacturer, model, category, "staff", 2015, notes="Demo: modell från återtaget 2019."
        )
        for (manufacturer, model), category in named.items()
    ]


def _between(ctx: Context, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=ctx.rng.randint(0, (last - first).days))


def generate(
    ctx: Context,
    lines: list[TakebackLine],
    department_weights: dict[str, dict[str, float]],
    locations: dict[str, tuple[str, ...]],
):
    """Yield the campaign's assets: bought 2013-2016, returned and processed in Nov-Dec 2019.

    Each goes in use → returned → with the partner → erased (with a certificate; devices
    without storage are graded directly) → graded → resold or recycled.
    """
    for line in lines:
        weights = department_weights[line.category]
        codes = sorted(weights)
        per_department = apportion(line.quantity, [weights[c] for c in codes])
        model_index = None
        if line.manufacturer and line.model:
            model_index = ctx.catalogue.by_key[(line.manufacturer, line.model)]
        for department, count in zip(codes, per_department, strict=True):
            left = count
            while left > 0:
                size = min(left, ctx.rng.randint(10, 120))
                left -= size
                bought = workday(_between(ctx, dt.date(2013, 1, 7), dt.date(2016, 12, 9)))
                order = ctx.new_order(
                    line.category, SEGMENTS.get(line.category, "staff"), bought, model_index
                )
                for _ in range(size):
                    yield _one(ctx, order, line, department, locations[department])


def _one(ctx: Context, order, line: TakebackLine, department: str, places) -> AssetSpec:
    rng = ctx.rng
    category = ctx.catalogue.models[order.model_index].category
    history = History(has_storage=category in ctx.storage_categories, rng=rng)
    history.move(lifecycle.ORDERED, order.date, reference=order.number)
    delivered = order.date + dt.timedelta(days=order.lead_days)
    history.move(lifecycle.IN_STOCK, delivered)
    history.move(lifecycle.IN_USE, delivered + dt.timedelta(days=rng.randint(1, 14)))
    returned = _between(ctx, COLLECTION_START, COLLECTION_END)
    history.move(lifecycle.RETURNED, returned, note="Inlämnad i återtaget", reference=CAMPAIGN)
    handed = returned + dt.timedelta(days=rng.randint(3, 10))
    history.move(lifecycle.WITH_PARTNER, handed, reference=CAMPAIGN)
    day = handed
    if history.has_storage:
        day += dt.timedelta(days=rng.randint(2, 8))
        history.move(lifecycle.ERASED, day, reference=ctx.certificate("ERASE", 2019))
    day += dt.timedelta(days=rng.randint(1, 5))
    grade = "D" if line.outcome == "recycled" else rng.choice("AABBC")
    history.move(lifecycle.GRADED, day, note=f"Klass {grade}", reference=CAMPAIGN)
    outcome_day = min(day + dt.timedelta(days=rng.randint(1, 10)), CAMPAIGN_END)
    history.move(line.outcome, outcome_day, reference=CAMPAIGN)
    return ctx.asset(
        order, history, department=department, location=rng.choice(places), assignee=None
    )


# --- The campaign's records (partner, manifests, partner report) ---------------------------

PARTNER_NAME = "Inrego AB (demo)"
PARTNER_NUMBER = "556000-0000"
REPORT_FILE = "inrego-rapport-atertag-2019.xlsx"
WEIGHTS_FILE = FOOTPRINT_DATA / "ivl-2020-device-emissions-and-weights.csv"
#: The IVL 2020 row whose weight stands for a category (the same rows the avoided factors use).
WEIGHT_ROWS = {
    "laptop": "Notebook (average all sub categories)",
    "desktop": "Desktop (average all sub categories)",
    "all_in_one": "AIO  (average all sub categories) (All-in-one desktop)",
    "monitor": "Monitor (average all sub categories)",
    "smartphone": "Handheld: Smartphone",
    "tablet": "Handheld: Tablet (average all sizes)",
}
#: Demo resale prices per unit in SEK by category and grade. Invented for the demo only (no
#: market source); they exist so that the demo's revenue column is not empty.
DEMO_RESALE_SEK = {
    "laptop": {"A": 1400, "B": 1000, "C": 600},
    "desktop": {"A": 700, "B": 500, "C": 300},
    "monitor": {"A": 350, "B": 250, "C": 120},
    "smartphone": {"A": 900, "B": 600, "C": 300},
    "tablet": {"A": 800, "B": 550, "C": 300},
}
ERASURE_TOOLS = {"smartphone": "Blancco Mobile (demo)", "tablet": "Blancco Mobile (demo)"}
DEFAULT_ERASURE_TOOL = "Blancco Drive Eraser (demo)"


def weights_kg(path: Path = WEIGHTS_FILE) -> dict[str, float]:
    """Weight per category from the IVL 2020 table (empty where the file is absent)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        by_row = {row["Asset Type"].strip(): row["Weight (kg)"] for row in csv.DictReader(handle)}
    return {
        category: float(by_row[name]) for category, name in WEIGHT_ROWS.items() if name in by_row
    }


def grade_of(note: str) -> str:
    """The partner's grade from the demo's grading note ("Klass B"; D means defective)."""
    letter = note.rsplit(" ", 1)[-1].strip().upper() if note else ""
    return {"A": "A", "B": "B", "C": "C", "D": "defective"}.get(letter, "")


def erasure_method(category: str, has_storage: bool) -> str:
    """Flash storage is purged (cryptographic erase); disks in desktops are overwritten."""
    if not has_storage:
        return ""
    return "nist_clear" if category == "desktop" else "nist_purge"


def resale_value_sek(category: str, grade: str, outcome: str) -> int | None:
    if outcome not in {"resold", "refurbished"}:
        return None
    return DEMO_RESALE_SEK.get(category, {}).get(grade)
